"""What every HTML form shares: reading a posted form (size-capped), the one CSRF check (one
message), and rendering a page that holds a form (one Cache-Control rule)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from wiki.errors import N_, BadInput, PermissionDenied, TooLarge, WikiError
from wiki.web.base import ensure_session, finish, wiki_of
from wiki.web.security import CSRF_FIELD

#: A page holding a form carries the visitor's token: never stored, by anyone.
FORM_CACHE_CONTROL = "no-store"
MSG_BAD_TOKEN = N_(
    "Your session expired or the form was sent from elsewhere, so nothing was done. Go back, "
    "reload the page and try again."
)


class BadToken(PermissionDenied):
    """The form's CSRF token does not belong to this session (403)."""

    def __init__(self) -> None:
        super().__init__(MSG_BAD_TOKEN)


async def read_form(request: Request) -> FormData:
    """The request's form, size-capped; malformed bodies become BadInput."""
    limit = wiki_of(request).settings.max_page_bytes
    length = request.headers.get("content-length")
    # A body far over the limit is refused before it is read (UTF-8 percent-encoding at most 9x).
    if length and length.isdigit() and int(length) > limit * 9 + 65536:
        raise TooLarge(
            N_("The request is {size} bytes; the limit is {limit} bytes."),
            size=int(length),
            limit=limit,
        )
    try:
        return await request.form(max_files=0, max_fields=64, max_part_size=limit * 4 + 65536)
    except Exception as exc:  # malformed bodies of every kind: multipart, encoding, limits
        if isinstance(exc, WikiError):
            raise
        raise BadInput(N_("The form could not be read.")) from exc


async def read_upload(request: Request, limit: int) -> FormData:
    """A multipart form with at most one file, the whole body capped at ``limit`` bytes: a
    larger declared length is refused before reading, a longer body while it streams in."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise TooLarge(
            N_("The upload is {size} bytes; the limit is {limit} bytes."),
            size=int(length),
            limit=limit,
        )
    receive = request.receive
    seen = 0

    async def capped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise TooLarge(
                N_("The upload is over the limit of {limit} bytes."),
                limit=limit,
            )
        return message

    capped_request = Request(request.scope, capped)
    try:
        return await capped_request.form(max_files=1, max_fields=16, max_part_size=65536)
    except Exception as exc:  # malformed bodies of every kind: multipart, encoding, limits
        if isinstance(exc, WikiError):
            raise
        raise BadInput(N_("The form could not be read.")) from exc


def token_ok(request: Request, form: FormData) -> bool:
    """Whether the form carries this session's CSRF token."""
    ctx = request.state.ctx
    return wiki_of(request).sessions.check_csrf(ctx.session_id, str(form.get(CSRF_FIELD, "")))


async def posted_form(request: Request) -> FormData:
    """The POSTed form with its token checked (special pages arrive checked already)."""
    form = getattr(request.state, "form", None)
    if form is not None:
        return form  # type: ignore[no-any-return]
    form = await read_form(request)
    if not token_ok(request, form):
        raise BadToken()
    return form


def form_page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """Render ``template``, a page with a form on it: a session for its token, never cached."""
    ensure_session(request)
    response = wiki_of(request).templates.response(
        request, template, status_code=status, csrf_field=CSRF_FIELD, **context
    )
    response.headers["Cache-Control"] = FORM_CACHE_CONTROL
    return finish(request, response)
