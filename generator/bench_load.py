"""How long loading and validating an export takes, against reading it with pyarrow alone.

    python -m generator.bench_load EXPORT.csv DATA_DIR [--runs 3]

Times two things, each in its own fresh Python process so that both pay the same first-run
costs (thread pool start, allocator warm-up), alternately, `--runs` times each:

- `pyarrow.csv.read_csv(EXPORT.csv)` with its defaults (type inference on);
- `load_tables` + `validate_table` of every table found in DATA_DIR (its `clients.yml` is
  read before the clock starts), as `svcsite build` and `svcsite check` do.

and prints the medians and their ratio. Nothing is generated: DATA_DIR should hold the same
export (with no other exports) and a `clients.yml` that knows its clients.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYARROW = "pyarrow"
OURS = "ours"


def measure_pyarrow(csv_path: Path) -> dict[str, float | int]:
    """Seconds for `pyarrow.csv.read_csv` of the file, defaults (type inference) on."""
    import pyarrow.csv as pacsv

    start, cpu = time.perf_counter(), _cpu()
    table = pacsv.read_csv(csv_path)
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu, "rows": table.num_rows}


def measure_ours(data_dir: Path) -> dict[str, float | int]:
    """Seconds for `load_tables` + `validate_table` of every table in `data_dir`."""
    from generator.inputs.config import load_config
    from generator.inputs.load import load_tables
    from generator.inputs.read import CONFIG_FILE
    from generator.inputs.validate import validate_table

    config = load_config(data_dir / CONFIG_FILE)
    start, cpu = time.perf_counter(), _cpu()
    raw = load_tables(data_dir, config)
    checked = {name: validate_table(table, config) for name, table in raw.items()}
    used = sum(len(result.used) for result in checked.values())  # the build's tables
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rows": sum(len(result.quarantine.status) for result in checked.values()),
        "used": used,
        "problems": sum(len(result.quarantine.problems) for result in checked.values()),
        "files": sum(len(table.files) for table in raw.values()),
    }


def _cpu() -> float:
    """CPU seconds of this process so far, all threads, user and system."""
    times = os.times()
    return times.user + times.system


def _run_child(what: str, csv_path: Path, data_dir: Path) -> dict[str, float | int]:
    command = [sys.executable, "-m", "generator.bench_load", str(csv_path), str(data_dir)]
    result = subprocess.run(
        [*command, "--child", what], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{what} run failed:\n{result.stderr}")
    return json.loads(result.stdout)


def _summary(label: str, runs: list[dict[str, float | int]]) -> str:
    times = [float(run["seconds"]) for run in runs]
    each = ", ".join(f"{t:.3f}" for t in times)
    cpu = statistics.median(float(run["cpu"]) for run in runs)
    return f"{label:<30} {statistics.median(times):6.3f} s  (runs: {each}; CPU {cpu:.2f} s)"


def bench(csv_path: Path, data_dir: Path, runs: int = 3) -> float:
    """Print the medians of both and their ratio; return the ratio."""
    pyarrow_runs, our_runs = [], []
    for _ in range(runs):  # alternately, so that a busy moment hurts both alike
        pyarrow_runs.append(_run_child(PYARROW, csv_path, data_dir))
        our_runs.append(_run_child(OURS, csv_path, data_dir))
    pyarrow_median = statistics.median(float(run["seconds"]) for run in pyarrow_runs)
    our_median = statistics.median(float(run["seconds"]) for run in our_runs)
    ratio = our_median / pyarrow_median
    last = our_runs[-1]
    print(f"{csv_path}: {pyarrow_runs[-1]['rows']:,} rows; median of {runs} fresh processes each")
    print(_summary("pyarrow.csv.read_csv alone", pyarrow_runs))
    print(_summary("load_tables + validate_table", our_runs))
    print(f"{'ratio':<30} {ratio:6.2f}x")
    print(
        f"(ours read {last['files']} file(s), {last['rows']:,} rows: {last['used']:,} used, "
        f"{last['problems']:,} problem(s))"
    )
    return ratio


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m generator.bench_load",
        description="Load + validate time against pyarrow.csv.read_csv alone.",
    )
    parser.add_argument("csv", type=Path, help="the export to read with pyarrow alone")
    parser.add_argument("data", type=Path, help="the folder with clients.yml and that export")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes each (default 3)")
    parser.add_argument("--child", choices=(PYARROW, OURS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.child == PYARROW:
        print(json.dumps(measure_pyarrow(args.csv)))
    elif args.child == OURS:
        print(json.dumps(measure_ours(args.data)))
    else:
        bench(args.csv, args.data, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
