"""The Jinja2 environment: templates hold the prose, Python passes the data.

Filters format figures the same way everywhere; `text` makes any value from the data inert
(see `markup.inline`), and every value from a CSV or clients.yml passes through it.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from generator.figures.periods import local_wall_time
from generator.safety.markup import inline
from generator.site import i18n
from generator.site.i18n import _

DASH = "–"
NBSP = "\u00a0"


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _decimal(value: float, decimals: int, sign: bool = False) -> str:
    """A number in the current language's conventions (CLDR), e.g. 1,234.5."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=(f"+{pattern};-{pattern}" if sign else pattern),
                          locale=i18n.current().locale)  # fmt: skip


def pct(value: object, decimals: int = 1) -> str:
    """95.2% ; percentages are rounded only when shown."""
    if _missing(value):
        return DASH
    if i18n.is_source():
        return f"{float(value):.{decimals}f}%"  # type: ignore[arg-type]
    return format_percent(
        float(value) / 100,  # type: ignore[arg-type]
        format="0." + "0" * decimals + "%" if decimals else "0%",
        locale=i18n.current().locale,
    )


def points(value: object, decimals: int = 1) -> str:
    """A change in percentage points, signed: +1.2 pp."""
    if _missing(value):
        return DASH
    if i18n.is_source():
        return f"{float(value):+.{decimals}f} pp"  # type: ignore[arg-type]
    shown = _decimal(float(value), decimals, sign=True)  # type: ignore[arg-type]
    return _("{points} pp").format(points=shown)


def number(value: object, decimals: int = 0) -> str:
    if _missing(value):
        return DASH
    if i18n.is_source():
        return f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    return _decimal(float(value), decimals)  # type: ignore[arg-type]


def minutes(value: object) -> str:
    """SLA minutes for a reader: '45 min', '3 h 05 min', '90 h' (no line breaks). Never
    days: 90 hours on a business calendar are not 3.75 calendar days."""
    if _missing(value):
        return DASH
    total = float(value)  # type: ignore[arg-type]
    sign, total = ("-" if total < 0 else ""), abs(total)
    if not i18n.is_source():
        return sign + _localised_minutes(total).replace(" ", NBSP)
    if total < 60:
        text = f"{total:.0f} min"
    else:
        hours, rest = divmod(round(total), 60)
        text = f"{hours:,} h {rest:02d} min" if rest else f"{hours:,} h"
    return sign + text.replace(" ", NBSP)


def _localised_minutes(total: float) -> str:
    """'3 小時 12 分鐘': hours and minutes as CLDR names them in the current language."""
    locale = i18n.current().locale
    if total < 60:
        return format_unit(round(total), "duration-minute", "long", locale=locale)
    hours, rest = divmod(round(total), 60)
    text = format_unit(hours, "duration-hour", "long", locale=locale)
    if rest:
        text += " " + format_unit(rest, "duration-minute", "long", locale=locale)
    return text


def timestamp(value: object) -> str:
    if _missing(value):
        return DASH
    if i18n.is_source():
        return value.strftime("%Y-%m-%d %H:%M")  # type: ignore[union-attr]
    return f"{day(value)} {value.strftime('%H:%M')}"  # type: ignore[union-attr]


def day(value: object) -> str:
    if _missing(value):
        return DASH
    if i18n.is_source():
        return value.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    return format_date(value, "long", locale=i18n.current().locale)  # type: ignore[arg-type]


def month_title(start: object) -> str:
    """'October 2026', '2026年10月': a month as the current language names it."""
    if i18n.is_source():
        return start.strftime("%B\u00a0%Y")  # type: ignore[union-attr]
    return format_skeleton("yMMMM", start, locale=i18n.current().locale)  # type: ignore[arg-type]


def quarter_title(start: object) -> str:
    """'Q4 2026', '2026年第4季'."""
    if i18n.is_source():
        return f"Q{(start.month - 1) // 3 + 1}\u00a0{start.year}"  # type: ignore[union-attr]
    return format_skeleton("yQQQQ", start, locale=i18n.current().locale)  # type: ignore[arg-type]


def _wall_clock(values: pd.Series, unit: str) -> pd.Series:
    """Local wall time as 'YYYY-MM-DD HH:MM' (unit "m") or '... HH:MM:SS' (unit "s"), by
    numpy a column at once: strftime per value is most of the time of thousands of records."""
    wall = local_wall_time(values).to_numpy(dtype=f"datetime64[{unit}]")
    text = pd.Series(np.datetime_as_string(wall, unit=unit), index=values.index, dtype=object)
    return text.str.replace("T", " ", regex=False)


def timestamp_column(values: pd.Series) -> pd.Series:
    """`timestamp` of every value of a column at once."""
    return _wall_clock(values, "m").where(values.notna(), DASH)


def csv_instant_column(values: pd.Series) -> pd.Series:
    """Tz-aware instants as pandas writes them to CSV ('2026-10-02 10:00:00+08:00'), a
    column at once; pandas formats them one by one. Sub-second values are left to pandas."""
    present = values.dropna()
    if present.empty or present.dt.microsecond.any() or present.dt.nanosecond.any():
        return values
    utc = values.dt.tz_convert("UTC").dt.tz_localize(None)
    offset = ((values.dt.tz_localize(None) - utc) // pd.Timedelta(minutes=1)).fillna(0)
    offset = offset.astype("int64").to_numpy()
    hours, minutes = np.divmod(np.abs(offset), 60)
    sign = np.where(offset < 0, "-", "+")
    zone = np.char.add(np.char.add(sign, np.char.zfill(hours.astype(str), 2)), ":")
    zone = np.char.add(zone, np.char.zfill(minutes.astype(str), 2))
    return (_wall_clock(values, "s") + zone).where(values.notna(), None)


def html_rows(cells: list[pd.Series]) -> list[str]:
    """The `<tr>` of each row of a table whose cells, column by column, are inert HTML."""
    rows = "<tr><td>" + cells[0]
    for column in cells[1:]:
        rows = rows + "</td><td>" + column
    return (rows + "</td></tr>").tolist()


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates, keyed by name and checked against their source: in memory, and in
    a folder when one is given (`keep_in`), so that a new process compiles none of the
    templates an earlier run compiled (about half a second of every build and preview)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}
        self._on_disk: jinja2.FileSystemBytecodeCache | None = None

    def keep_in(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._on_disk = jinja2.FileSystemBytecodeCache(str(folder))

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])
        elif self._on_disk is not None:
            self._on_disk.load_bytecode(bucket)
            if bucket.code is not None:
                self._compiled[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()
        if self._on_disk is not None:
            self._on_disk.dump_bytecode(bucket)


# One for every environment of the process: svcsite's pages and the MkDocs theme's.
COMPILED = CompiledTemplates()


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.site", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown out; data passes through the `text` filter
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=COMPILED,
    )
    # `_("... %(name)s ...", name=value)` in the current language (see generator.site.i18n).
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    env.globals["language"] = lambda: i18n.current().code
    env.filters |= {
        "text": inline,
        "pct": pct,
        "points": points,
        "number": number,
        "minutes": minutes,
        "timestamp": timestamp,
        "day": day,
        "translated": i18n.gettext,  # a message held in a variable (a figure's title)
    }
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
