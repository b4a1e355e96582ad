"""Special:CiteThisPage: how to cite an article's current revision, in Indonesian and English.

The citations name the permanent link (``?oldid=N``), so what is cited cannot change under the
reader. The Indonesian style follows id.wikipedia's ("Kontributor …, "Judul," …, diakses …"),
the English ones APA and MLA as en.wikipedia's CiteThisPage gives them. Each style formats its
dates in its own language, whatever the interface language is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_date
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from wiki.errors import N_, NotFound
from wiki.pages import revisions
from wiki.pages.rendering import page_url
from wiki.text import titles
from wiki.text.titles import NS_SPECIAL, Title
from wiki.web.base import finish, wiki_of
from wiki.web.special import special


@dataclass(frozen=True)
class Citation:
    style: str  # "id", "apa", "mla"
    language: str  # the citation's own language (lang attribute)
    label: str  # msgid of the style's name
    parts: tuple[tuple[str, bool], ...]  # (text, italic)


def citations(
    title: str, site: str, url: str, revised: datetime, accessed: datetime
) -> list[Citation]:
    """The three citations of revision ``url`` (absolute permanent link) of ``title``."""
    id_rev = format_date(revised, "d MMMM y", locale="id")
    id_acc = format_date(accessed, "d MMMM y", locale="id")
    apa_rev = format_date(revised, "y, MMMM d", locale="en")
    mla_rev = format_date(revised, "d MMM. y", locale="en")
    mla_acc = format_date(accessed, "d MMM. y", locale="en")
    when = accessed.strftime("%H:%M")
    return [
        Citation(
            "id",
            "id",
            N_("Indonesian style"),
            (
                (f"Kontributor {site}, “{title},” ", False),
                (site, True),
                (f", {url} (terakhir diubah {id_rev}; diakses {id_acc}).", False),
            ),
        ),
        Citation(
            "apa",
            "en",
            N_("APA style (English)"),
            (
                (f"{title}. ({apa_rev}). In ", False),
                (site, True),
                (
                    f". Retrieved {when} (UTC), {format_date(accessed, 'MMMM d, y', locale='en')}, "
                    f"from {url}",
                    False,
                ),
            ),
        ),
        Citation(
            "mla",
            "en",
            N_("MLA style (English)"),
            (
                (f"“{title}.” ", False),
                (site, True),
                (f", {mla_rev}, {url}. Accessed {mla_acc}.", False),
            ),
        ),
    ]


@special("CiteThisPage", "KutipHalamanIni", "Kutip", group="pagetools")
async def cite_this_page(request: Request, sub: str) -> Response:
    w = wiki_of(request)
    raw = sub or request.query_params.get("page", "")
    context: dict[str, Any] = {"title": Title(NS_SPECIAL, "CiteThisPage"), "target": None}
    if raw.strip():
        target = titles.parse(raw)  # InvalidTitle: a 400 page saying which rule it broke

        def load(session: Session) -> tuple[int, datetime] | None:
            page = revisions.get_page(session, target)
            if page is None or page.latest_id is None:
                return None
            rev = revisions.get_revision(session, page.latest_id)
            return rev.id, rev.timestamp

        found = await w.read(load)
        if found is None:
            raise NotFound(N_("There is no page called {title}."), title=target.full)
        rev_id, revised = found
        url = wiki_of(request).absolute_url(request, page_url(target, oldid=rev_id))
        context.update(
            target=target,
            rev_id=rev_id,
            revised=revised,
            url=url,
            citations=citations(target.full, w.settings.site_name, url, revised, datetime.now(UTC)),
        )
    response = w.templates.response(request, "special_citethispage.html", **context)
    return finish(request, response)
