"""Health checks for load balancers and process managers.

- ``/healthz``: the process is alive and its event loop answers. Touches nothing else, so a
  database outage never gets healthy workers restarted.
- ``/readyz``: this process can serve: the database answers, its schema is at the migration
  head, and the search index's lag (revisions not yet indexed) is reported. 503 when not ready.
"""

from __future__ import annotations

from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from wiki import migrations
from wiki.db import is_unavailable
from wiki.models import Revision
from wiki.web.base import wiki_of
from wiki.web.search import index_of

NO_STORE = {"Cache-Control": "no-store"}


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


def _database_state(session: Session) -> tuple[str | None, int]:
    version = MigrationContext.configure(session.connection()).get_current_revision()
    top = session.scalar(select(func.max(Revision.id))) or 0
    return version, int(top)


async def readyz(request: Request) -> Response:
    w = wiki_of(request)
    body: dict[str, Any] = {"status": "ok", "database": "ok"}
    head = migrations.head_revision()
    try:
        schema, top = await w.read(_database_state)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        body.update(status="unavailable", database="unreachable")
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5", **NO_STORE})
    body["schema"] = {"current": schema, "head": head}
    if schema != head:
        body["status"] = "schema out of date: run `wiki init`"
    watermark = (await run_in_threadpool(index_of(request).status)).watermark
    body["search"] = {
        "watermark": watermark,
        "lag": None if watermark is None else max(0, top - watermark),
        "indexer": w.settings.search_interval > 0,
    }
    return JSONResponse(body, status_code=200 if schema == head else 503, headers=NO_STORE)


def routes() -> list[BaseRoute]:
    return [
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/readyz", readyz, methods=["GET", "HEAD"]),
    ]
