"""Meeting minutes: the front matter of the hand-written minutes pages
(`content/clients/<id>/minutes*.md`), read as records of the review meetings (contract 12).

```markdown
---
date: 2026-10-08
level: working            # working | senior
kind: regular             # regular | ad_hoc
title: Monthly review September 2026
attendees: [Contractor service manager, Client property manager]   # roles, not names
---
```

A minutes page whose front matter is missing or wrong stops the build, naming the file and
the key, like a config error: the register of meetings would otherwise be silently short.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.errors import InputError, Problem
from generator.inputs.config import Config

CONTENT_DIR = Path("content")  # hand-written pages, as the sites are built from them
MINUTES_GLOB = "minutes*.md"
COLUMNS = ["client_id", "date", "level", "kind", "title", "attendees", "path", "file"]


class MinutesMeta(BaseModel):
    """The front matter of one minutes page. Other keys (MkDocs' own, such as `hide`) are
    left to MkDocs."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    date: date
    level: Literal["working", "senior"]
    kind: Literal["regular", "ad_hoc"]
    title: str = Field(min_length=1)
    attendees: list[str] = Field(min_length=1)


def read_minutes(config: Config, content_dir: Path) -> pd.DataFrame:
    """One row per minutes page of every client: COLUMNS, `path` relative to the client's
    site. InputError listing every page whose front matter is missing or wrong."""
    rows, problems = [], []
    for client in config.clients:
        folder = content_dir / "clients" / client.id
        for source in sorted(folder.glob(MINUTES_GLOB)) if folder.is_dir() else ():
            meta, found = _front_matter(source)
            problems += found
            if meta is not None:
                rows.append(
                    (
                        client.id,
                        pd.Timestamp(meta.date),
                        meta.level,
                        meta.kind,
                        meta.title,
                        "; ".join(meta.attendees),
                        source.name,
                        str(source),
                    )
                )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    repeated = frame[frame.duplicated(["client_id", "date"], keep="first")]
    problems += [
        Problem(
            file=file,
            column="date",
            message="another minutes page of this client has the same date: one page a meeting",
            value=str(day.date()),
        )
        for file, day in zip(repeated["file"], repeated["date"], strict=True)
    ]
    if problems:
        raise InputError(problems)
    return frame.astype({"date": "datetime64[ns]"})


def _front_matter(path: Path) -> tuple[MinutesMeta | None, list[Problem]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [Problem(file=file, message=f"not UTF-8 text ({error.reason})")]
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if not lines or lines[0].strip() != "---" or end is None:
        return None, [
            Problem(
                file=file,
                line=1,
                message="minutes need front matter between '---' lines: date, level "
                "(working | senior), kind (regular | ad_hoc), title and attendees (their roles)",
            )
        ]
    try:
        raw = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        return None, [
            Problem(file=file, line=line, message=f"front matter is not valid YAML: {problem}")
        ]
    if not isinstance(raw, dict):
        return None, [Problem(file=file, line=2, message="front matter must be a mapping of keys")]
    try:
        return MinutesMeta.model_validate(raw), []
    except ValidationError as error:
        return None, [
            Problem(
                file=file,
                column=".".join(str(part) for part in detail["loc"]),
                message="required key is missing" if detail["type"] == "missing" else detail["msg"],
                value=None if detail["type"] == "missing" else str(detail["input"]),
            )
            for detail in error.errors()
        ]
