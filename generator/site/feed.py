"""The Atom feed of a client's site (`feed.xml`, RFC 4287): an entry per service report and
per change of the agreement, so that a reader learns when a new report is out.

Ids are permanent tag URIs made from the site's address and what the entry is; `updated`
is the end of the report's period (the as-of time for the period in progress) or the day a
change came into force: the same inputs give the same feed, whatever the day of the build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from generator.figures.definitions import HEADLINE
from generator.figures.periods import bounds
from generator.site import i18n
from generator.site.render import render
from generator.site.urls import tag_uri

if TYPE_CHECKING:
    from generator.site.agreement import AgreementView
    from generator.site.pages import ClientView

FEED = "feed.xml"


def atom_feed(view: ClientView, agreement: AgreementView, base: str) -> str:
    """The client's feed, newest entry first."""
    entries = _report_entries(view, base) + _change_entries(view, agreement, base)
    entries.sort(key=lambda entry: (entry["updated"], entry["id"]), reverse=True)
    starts, _ = bounds(view.codes[:1], view.granularity, view.config.timezone)
    return render(
        "feeds/feed.xml.j2",
        view=view,
        language=i18n.current().code,
        headline=HEADLINE,
        provider=view.config.provider,
        base=base,
        feed_id=tag_uri(base, _day(starts[0]), "feed"),
        updated=max((entry["updated"] for entry in entries), default=_instant(view.figures.as_of)),
        entries=entries,
    )


def _report_entries(view: ClientView, base: str) -> list[dict[str, Any]]:
    starts, ends = bounds(view.codes, view.granularity, view.config.timezone)
    as_of = view.figures.as_of
    return [
        {
            "kind": "report",
            "code": code,
            "id": tag_uri(base, _day(start), f"reports/{view.label(code)}"),
            "updated": _instant(min(end, as_of)),
            "link": f"{base}reports/{view.label(code)}/",
            "complete": code in view.complete_codes,
        }
        for code, start, end in zip(view.codes, starts, ends, strict=True)
    ]


def _change_entries(view: ClientView, agreement: AgreementView, base: str) -> list[dict[str, Any]]:
    timezone = view.config.timezone
    return [
        {
            "kind": "change",
            "change": change,
            "id": tag_uri(base, str(change.effective_from), "agreement/changes"),
            "updated": _instant(pd.Timestamp(change.effective_from).tz_localize(timezone)),
            "link": f"{base}agreement/#from-{change.effective_from}",
        }
        for change in agreement.history()
    ]


def _day(instant: pd.Timestamp) -> str:
    return instant.strftime("%Y-%m-%d")


def _instant(instant: pd.Timestamp) -> str:
    return instant.isoformat(timespec="seconds")
