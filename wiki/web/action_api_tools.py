"""Action API modules that read and compute without changing anything: ``parse`` (Markdown
to HTML, of a page, a revision or given text), ``compare`` (a word-level diff of two
revisions) and ``opensearch`` (title suggestions for search boxes)."""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from wiki.errors import InvalidTitle
from wiki.models import Page, Revision
from wiki.pages import rendering, revisions, visibility
from wiki.text import diffing, titles
from wiki.web.action_api_core import ARRAY, Api, ApiError, action
from wiki.web.base import MAX_ID, wiki_of
from wiki.web.search import index_of


def _revision(session: Session, api: Api, rev_id: int | None) -> Revision:
    rev = session.get(Revision, rev_id) if rev_id else None
    if rev is None:
        raise ApiError("nosuchrevid", f"There is no revision with ID {rev_id}.")
    if rev.visibility & visibility.TEXT and not api.ctx.can("viewsuppressed"):
        raise ApiError("permissiondenied", f"The text of revision {rev_id} has been hidden.")
    return rev


@action("parse")
async def parse(api: Api) -> dict[str, Any]:
    w = wiki_of(api.request)
    text_key = "text" if api.formatversion == 2 else "*"

    def work(session: Session) -> dict[str, Any]:
        if api.has("text"):
            source, title, rev_id = api.get("text"), api.get("title", "API"), 0
            stored = rendering.render_text(source)
        else:
            if api.get("oldid"):
                rev = _revision(session, api, api.integer("oldid", low=1, high=MAX_ID))
            else:
                try:
                    title_ = titles.parse(api.get("page"))
                except InvalidTitle as exc:
                    raise ApiError("invalidtitle", exc.message) from None
                page_ = revisions.get_page(session, title_)
                if page_ is None:
                    raise ApiError("missingtitle", "The page you specified doesn't exist.")
                rev = revisions.latest_revision(session, page_)
            stored = rendering.stored_render(w.db, session, rev)
            rev_id = rev.id
            row = session.get(Page, rev.page_id)
            assert row is not None
            title = revisions.page_title(row).full
        body = rendering.resolve(session, stored, gettext=api.ctx.gettext, section_link=None)
        return {
            "title": title,
            "revid": rev_id,
            "text": {text_key: body} if api.formatversion == 1 else body,
            "categories": [{"sortkey": "", "category": c, "*": ""} for c in stored.categories],
            "links": [{"ns": 0, "exists": True, text_key: name} for name in stored.links],
            "sections": [
                {
                    "toclevel": h.level - 1,
                    "level": str(h.level),
                    "line": html.escape(h.text),
                    "number": str(i + 1),
                    "index": str(i + 1),
                    "anchor": h.anchor,
                }
                for i, h in enumerate(stored.headings)
            ],
        }

    return {"parse": await w.read(work)}


@action("compare")
async def compare(api: Api) -> dict[str, Any]:
    w = wiki_of(api.request)
    from_id = api.integer("fromrev", low=1, high=MAX_ID)
    to_id = api.integer("torev", low=1, high=MAX_ID)
    if from_id is None or to_id is None:
        raise ApiError("missingparam", 'Both "fromrev" and "torev" are needed here.')

    def load(session: Session) -> tuple[str, str, str, str]:
        old, new = _revision(session, api, from_id), _revision(session, api, to_id)
        old_page, new_page = session.get(Page, old.page_id), session.get(Page, new.page_id)
        assert old_page is not None and new_page is not None
        return (
            old.text,
            new.text,
            revisions.page_title(old_page).full,
            revisions.page_title(new_page).full,
        )

    old_text, new_text, from_title, to_title = await w.read(load)
    timeout = w.settings.diff_timeout
    result = await run_in_threadpool(lambda: diffing.diff(old_text, new_text, timeout=timeout))
    body = w.templates.render(api.ctx, "_diff.html", result=result, mode="inline")
    text_key = "body" if api.formatversion == 2 else "*"
    return {
        "compare": {
            "fromrevid": from_id,
            "fromtitle": from_title,
            "torevid": to_id,
            "totitle": to_title,
            text_key: body,
        }
    }


@action("opensearch")
async def opensearch(api: Api) -> dict[str, Any]:
    """MediaWiki's OpenSearch answer is a JSON array: [query, titles, descriptions, urls]."""
    text = api.get("search")
    limit = api.limit("limit", 10, high=100)
    matches = index_of(api.request).titles(text, limit=limit) if text.strip() else []
    base = wiki_of(api.request).absolute_url(api.request, "/wiki/")
    return {
        ARRAY: [
            text,
            [m.title for m in matches],
            ["" for _ in matches],
            [base + m.key for m in matches],
        ]
    }
