"""The MkDocs hook file of every client site. MkDocs loads a hook file afresh for each site;
its events live in `generator.site.events`, imported once, so that what they keep (the
compiled theme templates) outlives each site."""

from generator.site.events import (
    on_config,
    on_page_content,
    on_page_context,
    on_post_page,
    on_pre_build,
)

__all__ = ["on_config", "on_page_content", "on_page_context", "on_post_page", "on_pre_build"]
