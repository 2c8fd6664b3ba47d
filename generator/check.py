"""`svcsite check`: load and validate, and print the data-quality report; nothing is written.

It imports the input stage only (no figures, charts, pages or MkDocs), so that checking an
export costs little more than reading it. `build` prints the same report the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.inputs.quality import DataQuality
from generator.inputs.read import check_inputs

EXIT_OK, EXIT_INVALID = 0, 1


def check(data_dir: Path, strict: bool = False) -> int:
    """Validate the inputs only and print the data-quality report."""
    _, _, quality, _ = check_inputs(data_dir)
    print_quality(quality)
    return strict_failure(quality) if strict else EXIT_OK


def print_quality(quality: DataQuality) -> None:
    """Rows in, used, superseded and quarantined per file; every quarantined row to stderr."""
    for line in quality.summary_lines():
        print(line)
    for problem in quality.problems:
        print(f"quarantined: {problem}", file=sys.stderr)


def strict_failure(quality: DataQuality) -> int:
    """--strict: EXIT_INVALID, said, when any row was quarantined."""
    count = quality.quarantined
    if count:
        print(f"--strict: {count} row(s) quarantined; see the report above", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK
