"""The build, top to bottom: load and validate -> figures -> pages -> sites -> audit.

Nothing is written before the inputs are known to be sound; the sites are built aside and
swapped in at the end, so a failed build leaves the previous `site/` as it was.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from generator.audit import audit_sites
from generator.config import Config
from generator.errors import UsageError
from generator.inputs import Inputs, read_inputs
from generator.metrics import compute_figures
from generator.pages import split_by_client
from generator.quality import write_report
from generator.site import ClientBuildError, build_client_site, write_root

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def check(data_dir: Path, strict: bool = False) -> int:
    """Validate the inputs only and print the data-quality report."""
    inputs = read_inputs(data_dir)
    _print_quality(inputs)
    return _strict_failure(inputs) if strict else EXIT_OK


def build(
    data_dir: Path,
    out_dir: Path,
    clients: list[str] | None = None,
    as_of: str | None = None,
    jobs: int = 1,
    strict: bool = False,
) -> int:
    """Build the site of every client (or of `clients`) into `out_dir`."""
    # Load and validate: structural problems raise InputError before anything is written.
    inputs = read_inputs(data_dir)
    _print_quality(inputs)
    if strict and _strict_failure(inputs):
        return EXIT_INVALID
    selected = _select_clients(inputs.config, clients)
    report_as_of = as_of_instant(inputs, as_of)

    # Every figure, for the whole portfolio at once.
    figures = compute_figures(inputs.config, inputs.tables, report_as_of)

    # The operator's data-quality report, beside the sites.
    write_report(inputs.quality, out_dir.parent / "build")

    # Build every site aside, then swap it in.
    staging = Path(tempfile.mkdtemp(prefix=".svcsite-", dir=out_dir.parent))
    try:
        records = split_by_client(figures)
        write_root(staging)
        built, failed = [], []
        for client_id in selected:
            try:
                build_client_site(
                    inputs, figures, client_id, records.get(client_id, {}), staging / client_id
                )
                built.append(client_id)
            except ClientBuildError as error:
                print(f"error: {error}; its previous site is left as it was", file=sys.stderr)
                failed.append(client_id)
        findings = audit_sites(staging, inputs.config)
        for finding in findings:
            print(f"audit: {finding}", file=sys.stderr)
        if findings:
            print(f"build failed: the audit found {len(findings)} problem(s)", file=sys.stderr)
            return EXIT_INVALID
        _swap_in(staging, out_dir, built)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for client_id in built:
        client = inputs.config.client(client_id)
        if client.password_env is None:
            print(f"{client_id}: built, readable by anyone who has its address (no password_env)")
        else:
            print(f"{client_id}: built, protected by the password in ${client.password_env}")
    return EXIT_INVALID if failed else EXIT_OK


def _print_quality(inputs: Inputs) -> None:
    for line in inputs.quality.summary_lines():
        print(line)
    for problem in inputs.quality.problems:
        print(f"quarantined: {problem}", file=sys.stderr)


def _strict_failure(inputs: Inputs) -> int:
    count = inputs.quality.quarantined
    if count:
        print(f"--strict: {count} row(s) quarantined; see the report above", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _select_clients(config: Config, wanted: list[str] | None) -> list[str]:
    known = [client.id for client in config.clients]
    if not wanted:
        return known
    unknown = [client_id for client_id in wanted if client_id not in known]
    if unknown:
        raise UsageError(f"--client: unknown client {unknown[0]!r} (known: {', '.join(known)})")
    return [client_id for client_id in known if client_id in wanted]


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


def _swap_in(staging: Path, out_dir: Path, built: list[str]) -> None:
    """Replace each built client's directory and the root files in `out_dir`; other clients'
    directories are left as they were."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for root_file in ("index.html", "404.html", "robots.txt"):
        (staging / root_file).replace(out_dir / root_file)
    for client_id in built:
        target = out_dir / client_id
        old = out_dir / f".{client_id}.old"
        if target.exists():
            target.rename(old)
        (staging / client_id).rename(target)
        shutil.rmtree(old, ignore_errors=True)
