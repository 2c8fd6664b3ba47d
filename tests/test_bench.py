"""`make bench` end to end on a small portfolio: every measure is reported, the plain way
builds the same sites, and nothing is found by the audit (speed itself is not tested)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_the_benchmark_runs_and_reports_every_measure(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    command = [sys.executable, "-m", "generator.bench", "--clients", "3", "--months", "2",
               "--jobs", "2", "--dir", str(tmp_path / "bench"), "--report", str(report)]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    text = report.read_text(encoding="utf-8")
    assert text in result.stdout  # printed and written
    assert "3 clients x 2 months" in text
    for measure in (
        "Read every CSV with pyarrow alone",
        "Load + validate",
        "Every figure (metrics)",
        "`svcsite check`",
        "**Full build**, wall time",
        "pages, per client (CPU)",
        "MkDocs, per client (CPU, in process)",
        "audit, per client (CPU)",
        "The same build the plain way",
        "3 plain `mkdocs build`s of a one-page Material site, in turn",
        "**Unchanged rebuild**, wall time",
        "Peak memory of one process of the build",
    ):
        row = re.search(rf"^\| [-* ]*{re.escape(measure)}[^|]*\| \**([0-9.,]+)", text, re.M)
        assert row is not None, measure
        assert float(row.group(1).replace(",", "")) >= 0
    for goal in ("Preview reload", "First preview", "Full build", "Unchanged rebuild"):
        row = re.search(rf"^\| \*\*{goal}\*\*[^|]*\| \*\*([0-9.]+)(?: s|x)\*\* \|", text, re.M)
        assert row is not None, goal
    assert "the edit shown: yes" in text
    assert "the same sites: yes" in text
    assert "| 0 finding(s) |" in text
    assert "3 sites built" in text
    assert "3 sites not rebuilt" in text
    assert re.search(r"\*\*[0-9.]+x\*\* a process that imports pandas", text)
