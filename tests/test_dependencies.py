"""Dependencies: every one bounded below its next major version in pyproject.toml, and the
exact versions that were tested kept in requirements.lock, which is what gets installed."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _requirements() -> list[Requirement]:
    texts = [
        *PROJECT["build-system"]["requires"],
        *PROJECT["project"]["dependencies"],
        *(text for extra in PROJECT["project"]["optional-dependencies"].values() for text in extra),
    ]
    return [Requirement(text) for text in texts if not text.startswith("svcsite[")]


def _lock() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


@pytest.mark.parametrize("requirement", _requirements(), ids=str)
def test_every_dependency_has_an_upper_bound(requirement: Requirement) -> None:
    assert any(spec.operator in ("<", "<=", "==", "~=") for spec in requirement.specifier)


@pytest.mark.parametrize("requirement", _requirements(), ids=str)
def test_the_lock_pins_every_dependency_within_its_bounds(requirement: Requirement) -> None:
    if requirement.name == "setuptools":  # only in pip's isolated build environment
        return
    version = _lock().get(canonicalize_name(requirement.name))
    assert version is not None, f"{requirement.name} is not in requirements.lock"
    assert requirement.specifier.contains(version, prereleases=True)


def test_the_environment_is_what_the_lock_says() -> None:
    """`make site`, `make test` and CI install with the lock as constraints: a fresh machine
    gets exactly the versions that were tested."""
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    differing = {
        name: (locked, installed.get(name))
        for name, locked in _lock().items()
        if installed.get(name) != locked
    }
    assert differing == {}
