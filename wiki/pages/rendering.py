"""From a revision's text to the article HTML a reader sees.

Two layers: the *render cache* (table ``rendered_revision``) keeps markdown output per revision
with wiki-link slots, so markdown runs once per revision; *link resolution* then fills each slot
blue or red from one query, so a link turns blue on the request after its target is created.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wiki.db import Database
from wiki.errors import InvalidTitle
from wiki.models import RenderedRevision, Revision
from wiki.navigation.links import existing_titles
from wiki.text import complexity, markup, titles
from wiki.text.titles import Title

URL_SAFE = "/:;@$!*(),~'"


def page_url(title: Title | str, **params: str | int) -> str:
    """The URL of a page view (or action, with query parameters)."""
    key = title.key if isinstance(title, Title) else title.replace(" ", "_")
    url = "/wiki/" + quote(key, safe=URL_SAFE)
    if params:
        url += "?" + "&".join(f"{k}={quote(str(v), safe='|')}" for k, v in params.items())
    return url


def link_title(raw: str) -> str | None:
    """Normalise a wiki-link target, or None when it is not a valid title."""
    target = raw.split("#", 1)[0]
    if not target.strip():
        return None
    try:
        return titles.parse(target).full
    except InvalidTitle:
        return None


@dataclass(frozen=True)
class Stored:
    """A revision's cached render."""

    html: str
    links: list[str]
    headings: list[markup.Heading]
    categories: list[str]
    redirect: str | None


def _to_stored(row: RenderedRevision) -> Stored:
    meta = json.loads(row.meta)
    return Stored(
        html=row.html,
        links=meta["links"],
        headings=[markup.Heading(**h) for h in meta["headings"]],
        categories=meta["categories"],
        redirect=meta["redirect"],
    )


def render_text(text: str) -> Stored:
    """Render text without touching the cache (previews, old revisions on demand)."""
    r = markup.render(text, link_title=link_title)
    return Stored(r.html, r.links, r.headings, r.categories, r.redirect)


def _meta(stored: Stored) -> str:
    return json.dumps(
        {
            "links": stored.links,
            "headings": [h.__dict__ for h in stored.headings],
            "categories": stored.categories,
            "redirect": stored.redirect,
        }
    )


def store(session: Session, rev: Revision) -> Stored:
    """Render a new revision and cache the render in the caller's (saving) transaction."""
    stored = render_text(rev.text)
    if _out_of_time(rev.text, stored):
        return stored  # a busy moment is no reason to keep the plain fallback for good
    session.add(
        RenderedRevision(
            revision_id=rev.id,
            renderer=markup.RENDERER_VERSION,
            html=stored.html,
            meta=_meta(stored),
        )
    )
    return stored


def _out_of_time(text: str, stored: Stored) -> bool:
    """The render fell back to plain text because it ran out of CPU time (not over a limit)."""
    return markup.FALLBACK_PLACEHOLDER in stored.html and complexity.problem(text) is None


def stored_render(db: Database, session: Session, rev: Revision) -> Stored:
    """The cached render of ``rev``, rendering and storing it on first use."""
    row = session.get(RenderedRevision, rev.id)
    if row is not None and row.renderer == markup.RENDERER_VERSION:
        return _to_stored(row)
    stored = render_text(rev.text)
    if _out_of_time(rev.text, stored):
        return stored
    meta = _meta(stored)
    try:
        with db.write() as w:
            existing = w.get(RenderedRevision, rev.id)
            if existing is None:
                w.add(
                    RenderedRevision(
                        revision_id=rev.id,
                        renderer=markup.RENDERER_VERSION,
                        html=stored.html,
                        meta=meta,
                    )
                )
            else:
                existing.renderer = markup.RENDERER_VERSION
                existing.html = stored.html
                existing.meta = meta
    except IntegrityError:
        pass  # another process stored the same render first
    return stored


def resolve(
    session: Session,
    stored: Stored,
    *,
    gettext: Callable[[str], str],
    section_link: Callable[[int], str] | None,
) -> str:
    """Fill the wiki-link slots of a stored render: blue for existing pages, red otherwise.

    ``gettext`` translates the table of contents' title and the red links' tooltip."""
    targets: list[Title] = []
    for name in stored.links:
        try:
            targets.append(titles.parse(name))
        except InvalidTitle:
            continue
    existing = {t.full for t in existing_titles(session, targets)}
    return markup.resolve_links(
        stored.html,
        stored.links,
        existing,
        href=lambda t: page_url(t),
        edit_href=lambda t: page_url(t, action="edit", redlink=1),
        toc_label=gettext("Contents"),
        section_link=section_link,
        missing_title=gettext("{title} (page does not exist)"),
        plain_notice=gettext(
            "This page has too much markup to be formatted quickly, so its text is shown as "
            "written. Fewer links, footnotes or nested brackets would fix it."
        ),
    )
