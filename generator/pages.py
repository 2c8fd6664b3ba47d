"""Pages: each client's Markdown, rendered from templates and that client's figures only."""

from __future__ import annotations

import pandas as pd

from generator.config import Client
from generator.inputs import Inputs
from generator.render import render
from generator.tables import TABLES


def client_pages(inputs: Inputs, client: Client, as_of: pd.Timestamp) -> dict[str, str]:
    """Relative path -> Markdown, for one client."""
    counts = inputs.quality.by_client.get(client.id, {})
    return {
        "index.md": render(
            "pages/index.md.j2",
            client=client,
            provider=inputs.config.provider,
            as_of=as_of,
            tables=TABLES,
            counts=counts,
            absent=inputs.quality.absent,
        )
    }
