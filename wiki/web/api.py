"""REST API under /w/rest.php/v1, shaped like MediaWiki's REST API."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
