"""Special:Import: upload a MediaWiki XML export (plain, gzip or bzip2) and import it through
``wiki.actions.imports.import_dump``, for those with the ``import`` right; then the report."""

from __future__ import annotations

import bz2
import gzip
from typing import IO, cast

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from wiki.actions import imports
from wiki.actions.context import IMPORT
from wiki.errors import N_, BadInput, WikiError
from wiki.settings import Settings
from wiki.web import forms
from wiki.web.base import actor_of, wiki_of
from wiki.web.special import special
from wiki.web.templating import Ctx

#: Renumbered revision ids shown on the page (all of them are in the import log's count).
SHOWN_RENUMBERED = 200
PREFIX_MAX = 40
MSG_UNREADABLE = N_("The file could not be read: {reason}")


def _limit(settings: Settings) -> int:
    return settings.import_max_bytes


def _opened(upload: UploadFile) -> IO[bytes]:
    """The upload, decompressed when it starts with gzip's or bzip2's magic bytes."""
    raw = upload.file
    head = raw.read(3)
    raw.seek(0)
    if head[:2] == b"\x1f\x8b":
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    if head == b"BZh":
        return cast(IO[bytes], bz2.BZ2File(raw, mode="rb"))
    return raw


def _options(form: FormData) -> imports.Options:
    prefix = str(form.get("prefix", "imported")).strip()
    if len(prefix) > PREFIX_MAX or any(c in prefix for c in "<>[]|{}#:/"):
        raise BadInput(
            N_(
                "The username prefix may have at most {limit} characters and none of < > [ ] | "
                "{{ }} # : /."
            ),
            limit=PREFIX_MAX,
        )
    return imports.Options(
        prefix=prefix,
        keep_authors=bool(form.get("keep_authors")),
        recent_changes=bool(form.get("recent_changes")),
    )


@special("Import", "Impor", group="pagetools", writes=True, upload_limit=_limit)
async def import_page(request: Request, sub: str) -> Response:
    """GET: the upload form. POST: import the file and show what was imported, or where and
    why it stopped (every page before that point is complete)."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    ctx.require("import")
    limit = w.settings.import_max_bytes
    if request.method != "POST":
        return forms.form_page(request, "special_import.html", limit=limit, report=None)
    form: FormData = request.state.form
    options = _options(form)
    upload = form.get("xmlimport")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise BadInput(N_("Choose an XML export file to import."))
    seen: list[imports.Report] = []

    def run() -> imports.Report:
        with _opened(upload) as stream:
            return imports.import_dump(
                w.env, actor_of(ctx, IMPORT), stream, options, progress=seen.append
            )

    error: str | None = None
    try:
        report = await w.act(run)
    except (WikiError, OSError, EOFError) as exc:  # a bad file: say where it stopped
        if isinstance(exc, WikiError):
            error = exc.translated(ctx.gettext)
        else:  # a damaged gzip or bzip2 stream
            error = ctx.gettext(MSG_UNREADABLE).format(reason=str(exc))
        report = seen[-1] if seen else imports.Report()
    finally:
        await upload.close()
    renumbered = sorted(report.renumbered.items())
    return forms.form_page(
        request,
        "special_import.html",
        status=400 if error else 200,
        limit=limit,
        report=report,
        error=error,
        filename=upload.filename,
        options=options,
        renumbered=renumbered[:SHOWN_RENUMBERED],
        renumbered_more=max(0, len(renumbered) - SHOWN_RENUMBERED),
    )
