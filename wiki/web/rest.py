"""What the REST modules share: reading JSON bodies and cursors, the CSRF check for API
calls, and the JSON shapes of a page and a timestamp (MediaWiki's REST conventions)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request

from wiki.errors import N_, BadInput, NotFound, TooLarge, WikiError
from wiki.models import Page, Revision
from wiki.pages import revisions
from wiki.text.titles import Title
from wiki.web.base import MAX_ID, int_param, wiki_of
from wiki.web.security import CSRF_HEADER
from wiki.web.templating import Ctx

CONTENT_MODEL = "markdown"
LICENSE = {"url": "", "title": ""}
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates cannot be stored


class Forbidden(WikiError):
    status = 403


class MethodNotAllowed(WikiError):
    status = 405


class UnsupportedMediaType(WikiError):
    status = 415


def ts(value: datetime) -> str:
    """ISO 8601 in UTC with ``Z``, to the second, as MediaWiki writes timestamps."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def page_json(page: Page, rev: Revision) -> dict[str, Any]:
    title = revisions.page_title(page)
    return {
        "id": page.id,
        "key": title.key,
        "title": title.full,
        "latest": {"id": rev.id, "timestamp": ts(rev.timestamp)},
        "content_model": CONTENT_MODEL,
        "license": dict(LICENSE),
        "source": rev.text,
    }


def cursor(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if raw.isdigit() and len(raw) > 10:
        return MAX_ID  # past every revision: clamp rather than refuse
    value = int_param(raw)
    if value is None:
        raise BadInput(N_("{name} must be a revision id."), name=name)
    return value


async def read_json(request: Request) -> dict[str, Any]:
    """The JSON object in the body; 413 past the limit (before parsing), 415 if not JSON."""
    limit = wiki_of(request).settings.max_page_bytes * 2 + 64 * 1024
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise TooLarge(N_("The request is larger than {limit} bytes."), limit=limit)
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType(N_("The request body must be JSON (application/json)."))
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise TooLarge(N_("The request is larger than {limit} bytes."), limit=limit)
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise BadInput(N_("The request body must be a JSON object.")) from exc
    if not isinstance(data, dict):
        raise BadInput(N_("The request body must be a JSON object."))
    return data


def string_field(body: dict[str, Any], field: str, *, required: bool) -> str:
    value = body.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or _UNSTORABLE.search(value):
        raise BadInput(N_("The field {field} is missing or not valid."), field=field)
    return value


def check_token(request: Request, body: dict[str, Any]) -> None:
    """Requests with a session cookie must prove they come from our pages (CSRF)."""
    ctx: Ctx = request.state.ctx
    if ctx.session_id is None:
        return  # anonymous API edit, attributed to the IP
    token = request.headers.get(CSRF_HEADER) or body.get("token")
    token = token if isinstance(token, str) else None
    if not wiki_of(request).sessions.check_csrf(ctx.session_id, token):
        raise Forbidden(
            N_(
                "This request carries a session cookie but not its token (X-CSRF-Token), "
                "so nothing was saved."
            )
        )


def load_page(session: Session, title: Title) -> tuple[Page, Revision]:
    page = revisions.get_page(session, title)
    if page is None or page.latest_id is None:
        raise NotFound(N_("The page {title} does not exist."), title=title.full)
    return page, revisions.latest_revision(session, page)


def acknowledged(body: dict[str, Any]) -> frozenset[int]:
    """The abuse-rule warnings a client says it has seen (``abuse_acknowledged``)."""
    raw = body.get("abuse_acknowledged", [])
    return frozenset(
        i for i in (raw if isinstance(raw, list) else []) if isinstance(i, int) and i > 0
    )
