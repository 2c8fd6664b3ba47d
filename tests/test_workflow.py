"""The Pages workflow passes each password-protected client's secret by name, exactly the
ones clients.yml names, and nothing else of the repository's secrets."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.inputs.config import load_config

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
SECRET = re.compile(r"\$\{\{\s*secrets\.(\w+)\s*\}\}")


def _build_step_env() -> dict[str, str]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (step,) = [s for s in workflow["jobs"]["build"]["steps"] if "svcsite build" in s.get("run", "")]
    return step.get("env") or {}


def test_no_step_sees_every_secret() -> None:
    assert "toJSON(secrets)" not in WORKFLOW.read_text(encoding="utf-8")


def test_the_build_gets_exactly_the_passwords_clients_yml_names() -> None:
    config = load_config(REPO / "data" / "clients.yml")
    wanted = {client.password_env for client in config.clients if client.password_env}
    passed = {
        name: SECRET.fullmatch(value.strip()).group(1)
        for name, value in _build_step_env().items()
        if SECRET.fullmatch(str(value).strip())
    }
    # Each variable holds the secret of its own name, and every secret used is one of them.
    assert {name: secret for name, secret in passed.items() if name != secret} == {}
    assert set(passed) == wanted
    lines = WORKFLOW.read_text(encoding="utf-8").splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    assert set(SECRET.findall(code)) <= wanted
