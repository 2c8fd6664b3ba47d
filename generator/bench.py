"""`make bench`: the contract's section 9 benchmark, in one run.

    python -m generator.bench [--clients 200] [--months 36] [--jobs N] [--dir .bench]

Generates the synthetic portfolio (once; reused while its size and seed are unchanged) and
measures, each stage in a fresh process so that each pays its own start-up:

- reading the CSVs alone with `pyarrow.csv.read_csv` (the floor for loading),
- load + validate (`read_inputs`), and the figures (`compute_figures`),
- the full `svcsite build` (pages, MkDocs per client, audit), its peak memory, and an
  unchanged rebuild,
- one plain `mkdocs build` of a one-page Material site (the floor per site), so that the
  full build can be set against one `mkdocs build` subprocess per client.

Prints a Markdown report and writes it to `docs/benchmarks.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 7
STAGES = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from generator.inputs import read_inputs
from generator.build import as_of_instant
from generator.metrics import compute_figures
imported = time.perf_counter()
inputs = read_inputs(Path(sys.argv[1]))
loaded = time.perf_counter()
figures = compute_figures(inputs.config, inputs.tables, as_of_instant(inputs, None))
computed = time.perf_counter()
rows = {name: len(frame) for name, frame in inputs.tables.items()}
print(json.dumps({"load": loaded - imported, "metrics": computed - loaded, "rows": rows}))
"""


def _portfolio(directory: Path, clients: int, months: int) -> Path:
    data = directory / "data"
    stamp = directory / "portfolio.json"
    wanted = {"clients": clients, "months": months, "seed": SEED}
    if not stamp.is_file() or json.loads(stamp.read_text()) != wanted:
        print(f"generating {clients} clients x {months} months ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "generator", "demo", "--out", str(data), "--clients", str(clients),
             "--months", str(months), "--seed", str(SEED)],
            check=True,
        )  # fmt: skip
        stamp.write_text(json.dumps(wanted))
    return data


def _median_child(code: list[str], runs: int = 3) -> dict[str, object]:
    results = [
        json.loads(subprocess.run(code, check=True, capture_output=True, text=True).stdout)
        for _ in range(runs)
    ]
    return {
        key: statistics.median(result[key] for result in results)
        if isinstance(value, float)
        else value
        for key, value in results[0].items()
    }


def _pyarrow_alone(data: Path) -> float:
    """Seconds to read every export with pyarrow alone (fresh process, median of 3)."""
    code = (
        "import json, sys, time\nfrom pathlib import Path\nfrom generator.bench_load import measure_pyarrow\n"
        "total = sum(measure_pyarrow(Path(p))['seconds'] for p in sys.argv[1:])\n"
        "print(json.dumps({'seconds': total}))"
    )
    files = [str(path) for path in sorted(data.glob("*.csv"))]
    return float(_median_child([sys.executable, "-c", code, *files])["seconds"])


def _timed(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, check=True, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def _mkdocs_floor() -> float:
    """One plain `mkdocs build` of a one-page Material site (fresh process, median of 3)."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text("# One page\n\nHello.\n")
        (root / "mkdocs.yml").write_text(
            "site_name: Floor\ntheme:\n  name: material\n  font: false\n"
        )
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "site")]
        return statistics.median(_timed(mkdocs, cwd=root) for _ in range(3))


def run(directory: Path, clients: int, months: int, jobs: int) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    data = _portfolio(directory, clients, months)
    pyarrow_seconds = _pyarrow_alone(data)
    stages = _median_child([sys.executable, "-c", STAGES, str(data)])
    floor = _mkdocs_floor()
    out = directory / "site"
    build = [
        sys.executable,
        "-m",
        "generator",
        "build",
        "--data",
        str(data),
        "--out",
        str(out),
        "--jobs",
        str(jobs),
    ]
    fingerprints = directory / "build" / "site-fingerprints.json"
    fingerprints.unlink(missing_ok=True)
    full = _timed(build)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    unchanged = _timed(build)
    rows = stages["rows"]
    load, metrics = float(stages["load"]), float(stages["metrics"])  # type: ignore[arg-type]
    per_client_floor = floor * clients
    lines = [
        "# Benchmarks",
        "",
        f"`make bench` on {platform.node() or 'this machine'}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}; {clients} clients x {months} months "
        f"({rows.get('incidents', 0):,} incidents, {rows.get('maintenance', 0):,} maintenance jobs, "
        f"{rows.get('complaints', 0):,} complaints, {rows.get('actions', 0):,} actions); --jobs {jobs}.",
        "",
        "| Measure | Seconds | Against |",
        "|---|---:|---|",
        f"| Read every CSV with pyarrow alone | {pyarrow_seconds:.2f} | the floor for loading |",
        f"| Load + validate | {load:.2f} | {load / pyarrow_seconds:.2f}x pyarrow alone |",
        f"| Every figure (metrics) | {metrics:.2f} | |",
        f"| Full build (pages, MkDocs per client, audit) | {full:.1f} | {full / clients:.2f} s per client |",
        f"| One plain `mkdocs build` of a one-page Material site | {floor:.2f} | the floor per site |",
        f"| One `mkdocs build` subprocess per client (floor x {clients}) | {per_client_floor:.1f} | "
        f"the full build takes {full / per_client_floor:.2f}x as long |",
        f"| Unchanged rebuild | {unchanged:.1f} | {unchanged / full:.2f}x the full build |",
        f"| Peak memory of a build | {peak_mib:,.0f} MiB | |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--dir", type=Path, default=Path(".bench"))
    parser.add_argument("--report", type=Path, default=Path("docs/benchmarks.md"))
    args = parser.parse_args(argv)
    report = run(args.dir, args.clients, args.months, args.jobs)
    print(report)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
