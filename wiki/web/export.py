"""Special:Export: pages (by title or category, with or without history and talk pages) as
MediaWiki XML, for any reader. A GET form: exporting changes nothing."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from wiki import __version__
from wiki.dumps import export
from wiki.errors import N_, BadInput, InvalidTitle
from wiki.navigation import categories
from wiki.text import titles
from wiki.text.titles import Title
from wiki.web import forms
from wiki.web.base import wiki_of
from wiki.web.special import special
from wiki.web.templating import Ctx

#: Pages one request may export (MediaWiki's $wgExportPagelistLimit is similar).
MAX_PAGES = 5000
CHUNK = 64 * 1024


def _wanted(request: Request) -> list[Title]:
    raw = request.query_params.get("pages", "")
    wanted: list[Title] = []
    for line in raw.replace("\r", "\n").split("\n"):
        if line.strip():
            try:
                wanted.append(titles.parse(line))
            except InvalidTitle as exc:
                raise BadInput(N_("That title is not valid: {reason}"), reason=exc.message) from exc
    if len(wanted) > MAX_PAGES:
        raise BadInput(N_("Export at most {limit} pages at a time."), limit=MAX_PAGES)
    return wanted


@special("Export", "Ekspor", group="pagetools")
async def export_page(request: Request, sub: str) -> Response:
    """The form (with ``addcat`` filling it from a category), or the XML when ``pages`` is
    given (``curonly=1``: latest revisions only; ``talk=1``: talk pages too)."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    q = request.query_params
    listed = "\n".join(t.full for t in _wanted(request))
    if sub and not listed:
        listed = titles.parse(sub).full
    category = q.get("catname", "").strip()
    if q.get("addcat") and category:
        name = titles.parse(category).text

        def members() -> list[str]:
            with w.db.read() as session:
                batch = categories.members(session, name, "page", limit=MAX_PAGES)
            return [m.title.full for m in batch.items]

        found = await run_in_threadpool(members)
        listed = "\n".join(dict.fromkeys([*listed.split("\n"), *found]).keys()).strip()
    if not q.get("pages") or q.get("addcat"):
        return forms.form_page(request, "special_export.html", pages=listed, category=category)
    wanted = _wanted(request)
    site = export.SiteInfo(
        sitename=w.settings.site_name,
        base=w.absolute_url(request, "/wiki/Main_Page"),
        generator=f"Gotong {__version__}",
        lang=w.settings.language,
    )
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 (closed by stream)

    def build() -> None:
        export.write(
            w.db,
            spool,
            site,
            pages=wanted,
            history=q.get("curonly") != "1",
            talk=q.get("talk") == "1",
            can_view_suppressed=ctx.can("viewsuppressed"),
        )
        spool.seek(0)

    await run_in_threadpool(build)

    async def body() -> AsyncIterator[bytes]:
        try:
            while chunk := await run_in_threadpool(spool.read, CHUNK):
                yield chunk
        finally:
            spool.close()

    stem = titles.parse(wanted[0].full).key if len(wanted) == 1 else w.settings.site_name
    return StreamingResponse(
        body(),
        media_type="application/xml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_safe(stem)}.xml"'},
    )


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:100] or "export"
