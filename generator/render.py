"""The Jinja2 environment: templates hold the prose, Python passes the data."""

from __future__ import annotations

from functools import cache

import jinja2


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown out; CSV text is escaped explicitly where it is placed
    )


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
