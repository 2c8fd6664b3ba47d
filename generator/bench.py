"""`make bench`: the contract's section 9 benchmark, in one run.

    python -m generator.bench [--clients 200] [--months 36] [--jobs N] [--dir .bench]

Generates the synthetic portfolio (once; reused while its size and seed are unchanged) and
measures, each in a fresh process so that each pays its own start-up:

- reading the CSVs alone with `pyarrow.csv.read_csv` (the floor for loading),
- `svcsite check` of `clients.yml` and `incidents.csv`, against a process that imports pandas
  and reads that `incidents.csv` with pyarrow (the floor for any pandas tool), whole
  processes side by side, best of 3 (goal: at most 2x),
- load + validate (`read_inputs`) and the figures (`compute_figures`),
- the full `svcsite build` (pages, MkDocs and audit of every client, `--jobs` processes)
  with its own account of each stage and its peak memory, then an unchanged rebuild,
- the same client sites built the plain way, one `mkdocs build` subprocess per client in
  turn (their pages written first, by one process), checked to be the same sites,
- 200 (one per client) plain `mkdocs build`s of a one-page Material site, in turn (the
  floor: the full build should take no longer than these),
- the preview as `mkdocs serve` makes it, on a copy of the portfolio: its first build in a
  fresh process with no cache, then again with the cache the first left (a server started
  again), and in that process the rebuild after one row of `incidents.csv` is edited (the
  config loaded again with its hooks, and the site built, as the server does on a save).

Prints a Markdown report and writes it to `docs/benchmarks.md`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

SEED = 7
REPO = Path(__file__).resolve().parent.parent
STAGES = """
import json, sys, time
from pathlib import Path
from typing import Any
started = time.perf_counter()
from generator.inputs.read import read_inputs
from generator.build import as_of_instant
from generator.figures.metrics import compute_figures
imported = time.perf_counter()
inputs = read_inputs(Path(sys.argv[1]))
loaded = time.perf_counter()
figures = compute_figures(inputs.config, inputs.tables, as_of_instant(inputs, None))
computed = time.perf_counter()
rows = {name: len(frame) for name, frame in inputs.tables.items()}
print(json.dumps({"load": loaded - imported, "metrics": computed - loaded, "rows": rows}))
"""
# Runs a command and reports its wall time and the peak resident memory of its processes.
MEASURED = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak}))
"""
# The floor of any pandas tool that reads the export: a process that imports pandas and reads
# the file with pyarrow, nothing else.
PANDAS_AND_PYARROW = (
    "import sys\nimport pandas\nimport pyarrow.csv\npyarrow.csv.read_csv(sys.argv[1])"
)
# The plain way, first part: load, figures and every client's pages and mkdocs.yml (the
# client's settings over mkdocs.yml, as `svcsite build` sets them), one client after another.
PLAIN_DOCS = """
import json, sys, time
from pathlib import Path
import yaml
from generator.build import as_of_instant
from generator.inputs.read import read_inputs
from generator.figures.metrics import compute_figures
from generator.site.pages import split_by_client
from generator.site.client_site import (MKDOCS_FILE, THEME_DIR, language_folder, mkdocs_settings,
                                       prepare_client, write_docs)
from generator.site.i18n import language
data, root = Path(sys.argv[1]), Path(sys.argv[2])
started = time.perf_counter()
inputs = read_inputs(data)
as_of = as_of_instant(inputs, None)
figures = compute_figures(inputs.config, inputs.tables, as_of)
records = split_by_client(figures)
computed = time.perf_counter()
base = yaml.safe_load(MKDOCS_FILE.read_text())
base["theme"]["custom_dir"] = str(THEME_DIR.resolve())
configs = []
for client in inputs.config.clients:
    for code in client.languages:  # a site per language, the main one first (it empties the folder)
        docs, work = root / "docs" / client.id / code, root / "work" / client.id / code
        with language(code):
            prepared = prepare_client(inputs, figures, client.id, records.get(client.id, {}))
        write_docs(prepared.pages, prepared.handwritten, docs)
        site = root / "site" / client.id / language_folder(client, code)
        settings = mkdocs_settings(prepared, inputs, docs, site, work)
        work.mkdir(parents=True)
        theme = {**base["theme"], "language": code}
        (work / "mkdocs.yml").write_text(
            yaml.safe_dump({**base, **settings, "theme": theme}, allow_unicode=True))
        configs.append(str(work / "mkdocs.yml"))
print(json.dumps({"load and figures": computed - started, "as_of": int(as_of.timestamp()),
                  "pages": time.perf_counter() - computed, "configs": configs}))
"""
# The plain way, last part: the audit of every site, in one process.
PLAIN_AUDIT = """
import json, sys, time
from pathlib import Path
from generator.safety.audit import audit_sites
from generator.inputs.read import read_inputs
inputs = read_inputs(Path(sys.argv[1]))
started = time.perf_counter()
findings = audit_sites(Path(sys.argv[2]), inputs.config, inputs, jobs=1)
print(json.dumps({"audit": time.perf_counter() - started, "findings": len(findings)}))
"""


# The preview as `svcsite serve` (`mkdocs serve --dirty`) makes it, in a fresh process
# (SVCSITE_DATA, SVCSITE_CLIENT and SVCSITE_CACHE set): the first build; then, given an export
# and a line of it, that line replaced and the rebuild the server makes on that save.
PREVIEW = """
import json, sys, time
started = time.perf_counter()
from pathlib import Path
from generator.bench import serve_rebuild
site = Path(sys.argv[1])
serve_rebuild(site, first=True)
measured = {"first": time.perf_counter() - started}
if len(sys.argv) > 2:
    export, old, new = Path(sys.argv[2]), sys.argv[3].encode(), sys.argv[4].encode()
    export.write_bytes(export.read_bytes().replace(old, new, 1))
    saved = time.perf_counter()  # from the save (a 200 MB file takes a moment to write)
    serve_rebuild(site)
    measured["reload"] = time.perf_counter() - saved
print(json.dumps(measured))
"""
EDITED_SUMMARY = "Bench edit: reader replaced"


def serve_rebuild(site: Path, first: bool = False) -> None:
    """One build as a running `mkdocs serve --dirty` makes it (on a save, or `first` when the
    server starts): the config and its hooks loaded again, the site built into `site`, in
    this process, which the server's plugins outlive."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(site_dir=str(site))
    if first:
        config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)


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


def _measured(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> dict[str, float]:
    code = [sys.executable, "-c", MEASURED, *command]
    result = subprocess.run(code, check=True, capture_output=True, text=True, cwd=cwd, env=env)
    return json.loads(result.stdout)


def _check_against_floor(data: Path, directory: Path, runs: int = 3) -> dict[str, float]:
    """`svcsite check` of a portfolio of `clients.yml` and `incidents.csv` only, and a process
    that imports pandas and reads that `incidents.csv` with pyarrow: whole processes,
    alternately (a busy moment hurts both alike), the best of `runs` each."""
    portfolio = directory / "check"
    shutil.rmtree(portfolio, ignore_errors=True)
    portfolio.mkdir(parents=True)
    for name in ("clients.yml", "incidents.csv"):
        (portfolio / name).symlink_to(data / name)
    check = [sys.executable, "-m", "generator", "check", "--data", str(portfolio)]
    floor = [sys.executable, "-c", PANDAS_AND_PYARROW, str(portfolio / "incidents.csv")]
    checks, floors = [], []
    for _ in range(runs):
        floors.append(_measured(floor)["seconds"])
        checks.append(_measured(check, cwd=REPO)["seconds"])
    return {"check": min(checks), "floor": min(floors)}


def _one_page_builds(count: int) -> float:
    """`count` plain `mkdocs build`s of a one-page Material site, one after another."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text("# One page\n\nHello.\n")
        (root / "mkdocs.yml").write_text(
            "site_name: Floor\ntheme:\n  name: material\n  font: false\n"
        )
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "site")]
        return sum(_measured(mkdocs, cwd=root)["seconds"] for _ in range(count))


def _preview(data: Path, directory: Path) -> dict[str, Any]:
    """The first preview of the first client with no cache and with the cache it left, and
    the reload after one of its incidents is edited, on a copy of the portfolio (only
    `incidents.csv` copied, the other files linked)."""
    import csv
    import io

    import yaml

    root = directory / "preview"
    shutil.rmtree(root, ignore_errors=True)
    (root / "data").mkdir(parents=True)
    for path in data.iterdir():
        if path.name == "incidents.csv":
            shutil.copyfile(path, root / "data" / path.name)
        else:
            (root / "data" / path.name).symlink_to(path.resolve())
    client = yaml.safe_load((data / "clients.yml").read_text())["clients"][0]["id"]
    export = root / "data" / "incidents.csv"
    # The client's last incident in the file, its summary replaced.
    text = export.read_text(encoding="utf-8")
    start = text.rindex(f"\n{_last_id(text, client)},") + 1
    line = text[start : text.index("\n", start)]
    header = next(csv.reader([text[: text.index("\n")]]))
    fields = next(csv.reader([line]))
    fields[header.index("summary")] = EDITED_SUMMARY
    edited = io.StringIO()
    csv.writer(edited, lineterminator="").writerow(fields)
    environment = {
        **os.environ,
        "SVCSITE_DATA": str(root / "data"),
        "SVCSITE_CLIENT": client,
        "SVCSITE_CACHE": str(root / "cache"),
        "NO_MKDOCS_2_WARNING": "1",
    }

    def child(*args: str) -> dict[str, float]:
        command = [sys.executable, "-c", PREVIEW, str(root / "site"), *args]
        result = subprocess.run(
            command, check=True, capture_output=True, text=True, cwd=REPO, env=environment
        )
        return json.loads(result.stdout)

    cold = child()
    warm = child(str(export), line, edited.getvalue())
    shown = any(
        EDITED_SUMMARY in page.read_text(encoding="utf-8")
        for page in (root / "site").rglob("*.html")
    )
    return {"cold": cold["first"], "first": warm["first"], "reload": warm["reload"],
            "shown": shown, "client": client}  # fmt: skip


def _last_id(text: str, client: str) -> str:
    """The id of the client's last record in an export's text (ids first, client ids second)."""
    marker = text.rindex(f",{client},")
    return text[text.rindex("\n", 0, marker) + 1 : marker]


def _plain_build(data: Path, root: Path) -> dict[str, float]:
    """The same build the plain way: the same pipeline, but each client's site made by its
    own `mkdocs build` subprocess, one client after another."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)

    def child(code: str, *args: str) -> dict[str, Any]:
        command = [sys.executable, "-c", code, *args]
        return json.loads(
            subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPO).stdout
        )

    written = child(PLAIN_DOCS, str(data), str(root))
    # Dated by the as-of time, as `svcsite build` dates its sites.
    dated = {**os.environ, "SOURCE_DATE_EPOCH": str(written["as_of"])}
    mkdocs = [
        _measured([sys.executable, "-m", "mkdocs", "build", "-q", "-f", config], REPO, dated)
        for config in written["configs"]
    ]
    audited = child(PLAIN_AUDIT, str(data), str(root / "site"))
    return {
        "load and figures": written["load and figures"],
        "pages": written["pages"],
        "mkdocs": sum(run["seconds"] for run in mkdocs),
        "sites": len(mkdocs),
        "audit": audited["audit"],
        "findings": audited["findings"],
    }


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _same_sites(built: Path, plain: Path, client_ids: list[str]) -> bool:
    return all(
        _tree_digest(built / client_id) == _tree_digest(plain / client_id)
        for client_id in client_ids
    )


def run(directory: Path, clients: int, months: int, jobs: int) -> str:
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    # The sites are measured without their PDFs, both ways: no browser to print them is
    # offered to any of the processes started here (the plain way prints none).
    os.environ["SVCSITE_CHROMIUM"] = str(directory / "no-browser-for-pdfs")
    data = _portfolio(directory, clients, months)
    pyarrow_seconds = _pyarrow_alone(data)
    check = _check_against_floor(data, directory)
    stages = _median_child([sys.executable, "-c", STAGES, str(data)])
    one_page = _one_page_builds(clients)
    out = directory / "site"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(directory / "build" / "cache", ignore_errors=True)  # a cold full build
    (directory / "build" / "site-fingerprints.json").unlink(missing_ok=True)
    build = [sys.executable, "-m", "generator", "build", "--data", str(data), "--out", str(out),
             "--jobs", str(jobs)]  # fmt: skip
    timings_file = directory / "build" / "site-timings.json"
    full = _measured(build, cwd=REPO)
    full_timings = json.loads(timings_file.read_text())
    unchanged = _measured(build, cwd=REPO)
    unchanged_timings = json.loads(timings_file.read_text())
    plain = _plain_build(data, directory / "plain")
    client_ids = sorted(full_timings["per_client"])
    same = _same_sites(out, directory / "plain" / "site", client_ids)
    preview = _preview(data, directory)
    return _report(
        clients=clients, months=months, jobs=jobs, rows=stages["rows"], pyarrow=pyarrow_seconds,
        check=check,
        load=float(stages["load"]), metrics=float(stages["metrics"]), one_page=one_page,
        full=full, full_timings=full_timings, unchanged=unchanged,
        unchanged_timings=unchanged_timings, plain=plain, same=same, preview=preview,
    )  # fmt: skip


def _report(**m: Any) -> str:
    """The Markdown report of one run's measures."""
    full, timings = m["full"]["seconds"], m["full_timings"]
    stages, cpu = timings["stages"], timings["client_sites_cpu_seconds"]
    built = timings["clients"]["built"]
    plain = m["plain"]
    plain_mkdocs = plain["mkdocs"]
    plain_total = plain["load and figures"] + plain["pages"] + plain_mkdocs + plain["audit"]
    unchanged = m["unchanged"]["seconds"]
    check, check_floor = m["check"]["check"], m["check"]["floor"]
    rows = m["rows"]
    per = {stage: cpu[stage] / max(built, 1) for stage in cpu}
    preview = m["preview"]
    lines = [
        "# Benchmarks",
        "",
        f"`make bench` on {platform.node() or 'this machine'}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}. Portfolio: {m['clients']} clients x "
        f"{m['months']} months ({rows.get('incidents', 0):,} incidents, "
        f"{rows.get('maintenance', 0):,} maintenance jobs, {rows.get('complaints', 0):,} "
        f"complaints, {rows.get('actions', 0):,} review actions). `svcsite build --jobs {m['jobs']}`, "
        "without the PDFs of the service reports (no browser offered to print them).",
        "",
        "The four goals of issue 15, measured in this run:",
        "",
        "| Goal | Measured | Goal |",
        "|---|---:|---|",
        f"| **Preview reload** after one row of `incidents.csv` is edited, from the save (the "
        f"rebuild `mkdocs serve` makes on it: config and hooks loaded again, "
        f"`{preview['client']}`'s site built) | **{preview['reload']:.1f} s** | at most 2 s; "
        f"the edit shown: "
        f"{'yes' if preview['shown'] else 'NO'} |",
        f"| **First preview** (a fresh process's first build, the cache left by an earlier "
        f"preview) | **{preview['first']:.1f} s** | under 5 s; with no cache: "
        f"{preview['cold']:.1f} s |",
        f"| **Full build** against {m['clients']} one-page `mkdocs build`s, in turn | "
        f"**{full / m['one_page']:.2f}x** | at most 1.0x ({full:.1f} s against "
        f"{m['one_page']:.1f} s) |",
        f"| **Unchanged rebuild** | **{unchanged:.1f} s** | under 5 s |",
        "",
        "| Measure | Seconds | Against |",
        "|---|---:|---|",
        f"| Read every CSV with pyarrow alone | {m['pyarrow']:.2f} | the floor for loading |",
        f"| Load + validate | {m['load']:.2f} | {m['load'] / m['pyarrow']:.2f}x pyarrow alone |",
        f"| Every figure (metrics) | {m['metrics']:.2f} | |",
        f"| **`svcsite check`** of `clients.yml` + `incidents.csv`, whole process, best of 3 | "
        f"**{check:.2f}** | **{check / check_floor:.2f}x** a process that imports pandas and "
        f"reads `incidents.csv` with pyarrow ({check_floor:.2f} s, best of 3); goal: at most 2x |",
        f"| **Full build**, wall time | **{full:.1f}** | {built} sites built |",
        f"| - load + validate, figures (in the build) | "
        f"{stages['load and validate'] + stages['figures']:.1f} | |",
        f"| - client sites, wall time (`--jobs {m['jobs']}`) | {stages['client sites']:.1f} | "
        f"{stages['client sites'] / max(built, 1):.2f} s per site |",
        f"| - pages, per client (CPU) | {per['pages']:.2f} | |",
        f"| - MkDocs, per client (CPU, in process) | {per['mkdocs']:.2f} | |",
        f"| - audit, per client (CPU) | {per['audit']:.2f} | |",
        f"| **The same build the plain way**: one `mkdocs build` subprocess per client, "
        f"in turn | **{plain_total:.1f}** | **the full build is {plain_total / full:.2f}x "
        f"faster**; the same sites: {'yes' if m['same'] else 'NO'} |",
        f"| - load + validate, figures | {plain['load and figures']:.1f} | |",
        f"| - pages of every client, in turn | {plain['pages']:.1f} | |",
        f"| - the `mkdocs build` subprocesses | {plain_mkdocs:.1f} | "
        f"{plain_mkdocs / plain['sites']:.2f} s per site; the full build is "
        f"{plain_mkdocs / full:.2f}x faster than these alone |",
        f"| - audit of every site, in one process | {plain['audit']:.1f} | "
        f"{plain['findings']} finding(s) |",
        f"| {m['clients']} plain `mkdocs build`s of a one-page Material site, in turn | "
        f"{m['one_page']:.1f} | {m['one_page'] / m['clients']:.2f} s per site; the full build "
        f"takes {full / m['one_page']:.2f}x as long |",
        f"| **Unchanged rebuild**, wall time | **{unchanged:.1f}** | {unchanged / full:.2f}x the "
        f"full build; {m['unchanged_timings']['clients']['unchanged']} sites not rebuilt |",
        f"| Peak memory of one process of the build | {m['full']['peak_mib']:,.0f} MiB | |",
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
