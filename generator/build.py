"""The build, top to bottom: load and validate -> figures -> pages -> sites -> audit.

Nothing is written before the inputs are known to be sound; the sites are built aside and
swapped in at the end, so a failed build leaves the previous `site/` as it was.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.progress import Progress

from generator import cache
from generator.check import print_quality, strict_failure
from generator.errors import UsageError
from generator.figures.metrics import Figures, compute_figures
from generator.inputs.config import Config
from generator.inputs.quality import write_report
from generator.inputs.read import Inputs, read_inputs
from generator.safety.audit import Finding, SiteAudit
from generator.site import charts, pdf
from generator.site.client_site import (
    ClientBuildError,
    build_client_site,
    data_fingerprint,
    input_fingerprint,
    keep_between_runs,
    prepare_client,
    print_review_pack,
    write_root,
)
from generator.site.i18n import language
from generator.site.pages import split_by_client
from generator.site.standards import licence_warning

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def build(
    data_dir: Path,
    out_dir: Path,
    clients: list[str] | None = None,
    as_of: str | None = None,
    jobs: int = 1,
    strict: bool = False,
    shard: tuple[int, int] | None = None,
) -> int:
    """Build the site of every client (or of `clients`) into `out_dir`."""
    laps = _Laps()
    kept = cache.Cache(out_dir.parent / "build" / "cache")
    # Load and validate: structural problems raise InputError before anything is written.
    inputs = read_inputs(data_dir, kept=kept)
    laps.lap("load and validate")
    print_quality(inputs.quality)
    if strict and strict_failure(inputs.quality):
        return EXIT_INVALID
    selected = _select_clients(inputs.config, clients)
    if shard is not None:  # the I-th of N shares, every N-th client in clients.yml order
        index, count = shard
        selected = selected[index - 1 :: count]
    report_as_of = as_of_instant(inputs, as_of)
    if (warning := licence_warning(inputs.config, report_as_of)) is not None:
        print(f"warning: {warning}", file=sys.stderr)
    if pdf.engine() is None:  # the sites are still published, without PDFs, and say so
        print(
            f"warning: no PDF of the service reports is made: no browser to print them was "
            f"found ({pdf.INSTALL_HINT}); the Reports pages say that there is none",
            file=sys.stderr,
        )
    else:
        languages = {code for c in selected for code in inputs.config.client(c).languages}
        for code in pdf.missing_fonts(languages):
            print(
                f"warning: no installed font has the characters of {code}: its PDFs show empty "
                "boxes (Debian or Ubuntu: apt-get install fonts-noto-cjk)",
                file=sys.stderr,
            )

    # Every figure, for the whole portfolio at once.
    figures = portfolio_figures(inputs, report_as_of, kept)
    kept.save()  # for the next build, or a preview
    laps.lap("figures")

    # The operator's data-quality report, beside the sites.
    write_report(inputs.quality, out_dir.parent / "build")

    # Build every changed site aside, in parallel, then swap them in.
    staging = Path(tempfile.mkdtemp(prefix=".svcsite-", dir=out_dir.parent))
    try:
        write_root(staging)
        fingerprints = _load_fingerprints(out_dir)
        audit = SiteAudit(staging, inputs.config, inputs)
        laps.lap("data-quality report and audit setup")
        with _dated(report_as_of):
            outcomes = _build_sites(
                inputs, figures, selected, staging, out_dir, fingerprints, audit, jobs, kept
            )
        laps.lap("client sites")
        # Each site was audited as it was built: one with findings fails alone (not swapped
        # in, its fingerprint not saved so that it is rebuilt next time); the others go out.
        outcomes = [_audited(outcome, staging) for outcome in outcomes]
        # The root pages are audited here: one that names a client is not swapped in (the
        # previous one stays); the client sites do not depend on them and still go out.
        landing = audit.landing()
        _print_findings(landing, staging)
        held_back = {Path(finding.file).name for finding in landing}
        built = [o.client_id for o in outcomes if o.status == "built"]
        _swap_in(staging, out_dir, built, [f for f in ROOT_FILES if f not in held_back])
        fingerprints |= {o.client_id: o.fingerprint for o in outcomes if o.status != "failed"}
        removed = _remove_former_clients(out_dir, inputs.config, fingerprints)
        _save_fingerprints(out_dir, fingerprints)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    laps.lap("swap in")
    _save_timings(out_dir, laps, outcomes, jobs)
    _print_summary(inputs, outcomes)
    for client_id in removed:
        print(f"{client_id}: removed; it is no longer in clients.yml")
    failed = [o.client_id for o in outcomes if o.status == "failed"]
    if held_back:
        print(
            f"error: the landing pages failed the audit ({', '.join(sorted(held_back))}); "
            "the previous ones are left as they were",
            file=sys.stderr,
        )
    if failed:
        print(f"build failed for {len(failed)} client(s): {', '.join(failed)}", file=sys.stderr)
    return EXIT_INVALID if failed or held_back else EXIT_OK


def _audited(outcome: Outcome, staging: Path) -> Outcome:
    """A built site with audit findings, failed: its findings printed, its failure named."""
    if not outcome.findings:
        return outcome
    _print_findings(list(outcome.findings), staging)
    count = len(outcome.findings)
    message = f"{outcome.client_id}: its site failed the audit ({count} problem(s), listed above)"
    return replace(outcome, status="failed", message=message)


def _print_findings(findings: list[Finding], staging: Path) -> None:
    """Each finding, its file named as in the published site (not in the staging folder)."""
    for finding in findings:
        path = Path(finding.file)
        where = path.relative_to(staging) if path.is_relative_to(staging) else path
        print(f"audit: {where}: {finding.reason}", file=sys.stderr)


@dataclass(frozen=True)
class Outcome:
    client_id: str
    status: str  # built | unchanged | failed
    fingerprint: str = ""
    message: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # pages, mkdocs, audit
    findings: tuple[Finding, ...] = ()


# What the worker processes share, set before they are forked (never pickled per client).
_SHARED: dict[str, object] = {}


def _build_sites(
    inputs: Inputs,
    figures: Figures,
    selected: list[str],
    staging: Path,
    out_dir: Path,
    fingerprints: dict[str, str],
    audit: SiteAudit,
    jobs: int,
    kept: cache.Cache,
) -> list[Outcome]:
    # Every fingerprint first, in this process: with no site to build, no worker pool is
    # started, no Vega bundle made and the records are not split by client.
    data = _data_fingerprints(inputs, figures, selected, kept)
    outcomes, wanted = _fingerprints(inputs, data, selected, out_dir, fingerprints)
    if wanted:
        records = split_by_client(figures)
        if kept.directory is not None:  # what every process would make again
            keep_between_runs(kept.directory)
        charts.vega_bundle()  # made once here (or found in the cache), inherited by every worker
        _SHARED.update(
            inputs=inputs,
            figures=figures,
            records=records,
            staging=staging,
            wanted=wanted,
            audit=audit,
            errors=out_dir.parent / "build" / f"{out_dir.name}-errors",
            pdf_cache=out_dir.parent / "build" / "pdf-cache",
        )
        with Progress(
            *Progress.get_default_columns(), console=Console(stderr=True), transient=True
        ) as progress:
            task = progress.add_task("Building client sites", total=len(wanted))
            if jobs > 1 and len(wanted) > 1:
                context = multiprocessing.get_context("fork")
                with context.Pool(min(jobs, len(wanted))) as pool:
                    for outcome in pool.imap_unordered(_build_one, wanted):
                        outcomes.append(outcome)
                        progress.advance(task)
                    pool.close()  # the workers end normally: each closes its PDF browser
                    pool.join()
            else:
                for client_id in wanted:
                    outcomes.append(_build_one(client_id))
                    progress.advance(task)
                pdf.close_browser()
        _SHARED.clear()
    order = {client_id: index for index, client_id in enumerate(selected)}
    return sorted(outcomes, key=lambda outcome: order[outcome.client_id])


def _data_fingerprints(
    inputs: Inputs, figures: Figures, selected: list[str], kept: cache.Cache
) -> dict[str, str]:
    """Each selected client's `data_fingerprint`: those an earlier run made from the same
    inputs (their digest), as-of time and code, kept in the cache, and the others made."""
    key = cache.key(inputs.digest, figures.as_of.isoformat())
    found: dict[str, str] = (kept.get("fingerprints", key) if inputs.digest else None) or {}
    missing = [client_id for client_id in selected if client_id not in found]
    if missing:
        records = split_by_client(figures)
        made = {c: data_fingerprint(inputs, figures, c, records.get(c, {})) for c in missing}
        found = {**found, **made}
        if inputs.digest:
            kept.put("fingerprints", key, found)
            kept.save()
    return found


def _fingerprints(
    inputs: Inputs,
    data: dict[str, str],
    selected: list[str],
    out_dir: Path,
    previous: dict[str, str],
) -> tuple[list[Outcome], dict[str, tuple[str, dict[str, float]]]]:
    """The unchanged clients (the fingerprint of their last build, and its site is there),
    and the others with their fingerprint and its seconds: the sites to build."""
    unchanged: list[Outcome] = []
    wanted: dict[str, tuple[str, dict[str, float]]] = {}
    for client_id in selected:
        laps = _Laps()
        fingerprint = input_fingerprint(inputs, client_id, data[client_id])
        laps.lap("fingerprint")
        if (
            previous.get(client_id) == fingerprint
            and (out_dir / client_id / "index.html").is_file()
        ):
            unchanged.append(Outcome(client_id, "unchanged", fingerprint, seconds=laps.seconds))
        else:
            wanted[client_id] = (fingerprint, laps.seconds)
    return unchanged, wanted


def _build_one(client_id: str) -> Outcome:
    """Build one client's site and audit it."""
    inputs: Inputs = _SHARED["inputs"]  # type: ignore[assignment]
    figures: Figures = _SHARED["figures"]  # type: ignore[assignment]
    records = _SHARED["records"].get(client_id, {})  # type: ignore[attr-defined]
    fingerprint, seconds = _SHARED["wanted"][client_id]  # type: ignore[index]
    laps = _Laps()
    laps.seconds.update(seconds)
    site_dir: Path = _SHARED["staging"] / client_id  # type: ignore[operator]
    try:
        # One complete site per language, the main one first (contract 13), each with its PDFs.
        for code in inputs.config.client(client_id).languages:
            with language(code):
                prepared = prepare_client(inputs, figures, client_id, records)
            laps.lap("pages")
            build_client_site(prepared, inputs, site_dir)
            laps.lap("mkdocs")
            with language(code):
                print_review_pack(prepared, site_dir, _SHARED["pdf_cache"])  # type: ignore[arg-type]
            laps.lap("pdf")
    except ClientBuildError as error:
        return Outcome(client_id, "failed", message=str(error))
    except Exception as error:  # a fault of svcsite's own: this client fails, the others go out
        report: Path = _SHARED["errors"] / f"{client_id}.txt"  # type: ignore[operator]
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(traceback.format_exc(), encoding="utf-8")
        return Outcome(
            client_id,
            "failed",
            message=(
                f"{client_id}: its site could not be built ({type(error).__name__}: {error}); "
                f"a fault in svcsite itself, please report it with {report}"
            ),
        )
    findings = _SHARED["audit"].client(client_id, site_dir)  # type: ignore[attr-defined]
    laps.lap("audit")
    return Outcome(client_id, "built", fingerprint, seconds=laps.seconds, findings=tuple(findings))


@contextmanager
def _dated(as_of: pd.Timestamp) -> Iterator[None]:
    """MkDocs dates every page (the sitemap's lastmod, the gzip header of sitemap.xml.gz) by
    the day of the build, unless SOURCE_DATE_EPOCH is set: the sites are dated by their
    as-of time instead, so that the same inputs give the same bytes whatever the day."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = previous or str(int(as_of.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]


class _Laps:
    """Seconds spent in each stage, one after the other."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now


def _save_timings(out_dir: Path, laps: _Laps, outcomes: list[Outcome], jobs: int) -> None:
    """build/<out>-timings.json: where the time went (for the operator and `make bench`)."""
    built = [outcome for outcome in outcomes if outcome.status == "built"]
    per_client = {
        stage: sum(outcome.seconds.get(stage, 0.0) for outcome in outcomes)
        for stage in ("fingerprint", "pages", "mkdocs", "pdf", "audit")
    }
    timings = {
        "jobs": jobs,
        "clients": {
            status: sum(outcome.status == status for outcome in outcomes)
            for status in ("built", "unchanged", "failed")
        },
        "stages": laps.seconds,
        "total": sum(laps.seconds.values()),
        "client_sites_cpu_seconds": per_client,
        "per_client": {outcome.client_id: outcome.seconds for outcome in built},
    }
    path = out_dir.parent / "build" / f"{out_dir.name}-timings.json"
    path.write_text(json.dumps(timings, indent=1) + "\n", encoding="utf-8")


def _fingerprint_file(out_dir: Path) -> Path:
    return out_dir.parent / "build" / f"{out_dir.name}-fingerprints.json"


def _load_fingerprints(out_dir: Path) -> dict[str, str]:
    path = _fingerprint_file(out_dir)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_fingerprints(out_dir: Path, fingerprints: dict[str, str]) -> None:
    path = _fingerprint_file(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fingerprints, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _print_summary(inputs: Inputs, outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        client = inputs.config.client(outcome.client_id)
        if outcome.status == "failed":
            print(f"error: {outcome.message}; its previous site is left as it was", file=sys.stderr)
            continue
        if outcome.status == "built":
            spent = outcome.seconds
            what = (
                f"built in {sum(spent.values()):.1f} s (pages {spent['pages']:.1f}, "
                f"MkDocs {spent['mkdocs']:.1f}, PDF {spent['pdf']:.1f}, audit {spent['audit']:.1f})"
            )
        else:
            what = "unchanged, not rebuilt"
        if client.password_env is None:
            print(f"{client.id}: {what}; readable by anyone who has its address (no password_env)")
        else:
            print(f"{client.id}: {what}; protected by the password in ${client.password_env}")


def _select_clients(config: Config, wanted: list[str] | None) -> list[str]:
    known = [client.id for client in config.clients]
    try:
        for client_id in wanted or ():
            config.client(client_id)
    except UsageError as error:
        raise UsageError(f"--client: {error}") from None
    return [client_id for client_id in known if not wanted or client_id in wanted]


def portfolio_figures(inputs: Inputs, as_of: pd.Timestamp, kept: cache.Cache) -> Figures:
    """Every figure of the portfolio as at `as_of`: those of an earlier run from the same
    inputs (their digest) and code as at the same instant, else computed and put in `kept`."""
    if not inputs.digest:
        return compute_figures(inputs.config, inputs.tables, as_of)
    return kept.through(
        "figures",
        cache.key(inputs.digest, as_of.isoformat()),
        lambda: compute_figures(inputs.config, inputs.tables, as_of),
    )


def as_of_instant(inputs: Inputs, as_of: str | None) -> pd.Timestamp:
    """--as-of, else clients.yml's as_of, else the latest timestamp in the data."""
    timezone = inputs.config.timezone
    if as_of is not None:
        try:
            instant = pd.Timestamp(datetime.fromisoformat(as_of))
        except ValueError:
            raise UsageError(
                f"--as-of: expected an ISO 8601 timestamp such as 2026-10-31T23:59, got {as_of!r}"
            ) from None
    elif inputs.config.as_of is not None:
        instant = pd.Timestamp(inputs.config.as_of)
    else:
        return latest_timestamp(inputs)
    return instant.tz_localize(timezone) if instant.tzinfo is None else instant.tz_convert(timezone)


def latest_timestamp(inputs: Inputs) -> pd.Timestamp:
    latest = [
        frame[column].max()
        for frame in inputs.tables.values()
        for column in frame.columns
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype) and frame[column].notna().any()
    ]
    if not latest:
        return pd.Timestamp.now(tz=inputs.config.timezone).floor("min")
    return max(latest).tz_convert(inputs.config.timezone)


def _remove_former_clients(
    out_dir: Path, config: Config, fingerprints: dict[str, str]
) -> list[str]:
    """Take down the sites of clients no longer in clients.yml: a former client's reports
    must not stay published. Only what an earlier build made (its fingerprints) is removed."""
    known = {client.id for client in config.clients}
    former = sorted(client_id for client_id in fingerprints if client_id not in known)
    for client_id in former:
        shutil.rmtree(out_dir / client_id, ignore_errors=True)
        del fingerprints[client_id]
    return former


ROOT_FILES = ("index.html", "404.html", "robots.txt")


def _swap_in(staging: Path, out_dir: Path, built: list[str], root_files: list[str]) -> None:
    """Replace each built client's directory and the root files in `out_dir`; other clients'
    directories (and root files) are left as they were."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for root_file in root_files:
        (staging / root_file).replace(out_dir / root_file)
    for client_id in built:
        target = out_dir / client_id
        old = out_dir / f".{client_id}.old"
        if target.exists():
            target.rename(old)
        (staging / client_id).rename(target)
        shutil.rmtree(old, ignore_errors=True)
