"""Pages: each client's Markdown, rendered from templates and that client's figures only."""

from __future__ import annotations

from generator.config import Client
from generator.inputs import Inputs
from generator.metrics import Figures
from generator.render import render
from generator.report import client_metrics, metrics_json
from generator.tables import TABLES


def client_pages(inputs: Inputs, figures: Figures, client: Client) -> dict[str, str]:
    """Relative path -> text, for one client: its Markdown pages and its downloads."""
    counts = inputs.quality.by_client.get(client.id, {})
    document = client_metrics(figures, client, inputs.quality)
    return {
        "index.md": render(
            "pages/index.md.j2",
            client=client,
            provider=inputs.config.provider,
            as_of=figures.as_of,
            tables=TABLES,
            counts=counts,
            absent=inputs.quality.absent,
        ),
        "downloads/metrics.json": metrics_json(document),
    }
