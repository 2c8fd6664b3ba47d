"""Where each client's site is published, and the permanent ids made from that address."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from generator.inputs.read import Inputs

DEFAULT_BASE_URL = "http://localhost:8000/"


def site_url(inputs: Inputs, client_id: str) -> str:
    """Where the client's site is published: SVCSITE_SITE_URL (set by the Pages workflow),
    else clients.yml's site_url, else a local preview address. Material's instant
    navigation follows only links under this address."""
    base = os.environ.get("SVCSITE_SITE_URL") or inputs.config.site_url or DEFAULT_BASE_URL
    return f"{base.rstrip('/')}/{client_id}/"


def tag_uri(base: str, dated: str, specific: str) -> str:
    """A permanent id (RFC 4151): 'tag:host,2026-10-01:path/of/site/reports/2026-10'. The
    host and path of the client's address, the date that the thing it names began, and
    what it is; the same thing gets the same id in every build."""
    address = urlsplit(base)
    return f"tag:{address.hostname or 'localhost'},{dated}:{address.path.strip('/')}/{specific}"
