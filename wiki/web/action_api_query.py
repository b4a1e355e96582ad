"""``action=query``: meta, prop and list modules, with MediaWiki's ``continue`` paging.

Every module of one request runs in one read transaction. ``continue`` values are our keyset
cursors (a recent-change or revision id), so paging is an indexed scan however deep it goes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.errors import BadInput, InvalidTitle
from wiki.models import Page, Revision
from wiki.navigation import reports
from wiki.pages import revisions, visibility
from wiki.patrol import recentchanges
from wiki.patrol.recentchanges import Change, Filters
from wiki.text import titles
from wiki.text.titles import Title
from wiki.web import action_api_lists, action_api_meta
from wiki.web.action_api_core import Api, ApiError, action, cursor, ns_list, ts
from wiki.web.base import MAX_ID, wiki_of
from wiki.web.search import index_of

PROPS = ("revisions", "info", "categories", "links", "templates")
LISTS = (
    "recentchanges",
    "allpages",
    "search",
    "prefixsearch",
    "usercontribs",
    "logevents",
    "allusers",
    "categorymembers",
    "backlinks",
    "watchlist",
)
RCPROPS = (
    "user", "userid", "comment", "parsedcomment", "flags", "timestamp", "title", "ids",
    "sizes", "redirect", "patrolled", "loginfo", "tags", "sha1", "vandalismscore",
)  # fmt: skip
RVPROPS = (
    "ids",
    "flags",
    "timestamp",
    "user",
    "userid",
    "size",
    "sha1",
    "comment",
    "content",
    "contentmodel",
    "tags",
)


# --- pages named by titles=, pageids=, revids= ---------------------------------------------------


def _pages(
    api: Api, session: Session
) -> tuple[list[dict[str, Any]], dict[int, Page], dict[str, Any]]:
    """The pages the request names: their base entries, the Page rows by id, and the
    ``normalized``/``redirects`` notes."""
    entries: list[dict[str, Any]] = []
    rows: dict[int, Page] = {}
    notes: dict[str, Any] = {}
    missing_id = -1
    for raw in api.multi("titles")[:50]:
        try:
            title = titles.parse(raw)
        except InvalidTitle as exc:
            entries.append({"title": raw, "invalidreason": exc.message, "invalid": True})
            continue
        if title.full != raw:
            notes.setdefault("normalized", []).append({"from": raw, "to": title.full})
        page = revisions.get_page(session, title) if not title.is_special else None
        if page is None:
            entries.append(
                {"ns": title.ns, "title": title.full, "missing": True, "_id": missing_id}
            )
            missing_id -= 1
            continue
        rows[page.id] = page
        entries.append({"pageid": page.id, "ns": title.ns, "title": title.full})
    ids = [int(i) for i in api.multi("pageids")[:50] if i.isdigit() and 0 < int(i) <= MAX_ID]
    bad = [i for i in api.multi("pageids") if not (i.isdigit() and 0 < int(i) <= MAX_ID)]
    for raw in bad:
        entries.append({"pageid": raw, "missing": True})
    for pid in ids:
        page = session.get(Page, pid)
        if page is None:
            entries.append({"pageid": pid, "missing": True})
            continue
        rows[page.id] = page
        t = revisions.page_title(page)
        entries.append({"pageid": page.id, "ns": t.ns, "title": t.full})
    revids = api.multi("revids")[:50]
    for raw in revids:
        rev = session.get(Revision, int(raw)) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None
        if rev is None:
            notes.setdefault("badrevids", {})[raw] = {"revid": raw, "missing": True}
            continue
        page = session.get(Page, rev.page_id)
        assert page is not None
        if page.id not in rows:
            rows[page.id] = page
            t = revisions.page_title(page)
            entries.append({"pageid": page.id, "ns": t.ns, "title": t.full, "_revids": []})
        for e in entries:
            if e.get("pageid") == page.id:
                e.setdefault("_revids", []).append(rev.id)
    return entries, rows, notes


def prop_info(api: Api, session: Session, entry: dict[str, Any], page: Page) -> None:
    rev = session.get(Revision, page.latest_id) if page.latest_id else None
    entry.update(
        contentmodel="markdown",
        pagelanguage=wiki_of(api.request).settings.language,
        pagelanguagehtmlcode=wiki_of(api.request).settings.language,
        pagelanguagedir="ltr",
        touched=ts(rev.timestamp) if rev else None,
        lastrevid=page.latest_id,
        length=page.length,
        redirect=bool(page.is_redirect),
    )
    if "protection" in api.multi("inprop"):
        from wiki.accounts import protection

        current = protection.current(session, revisions.page_title(page))
        entry["protection"] = [
            {
                "type": kind,
                "level": p.level,
                "expiry": ts(p.expires_at) if p.expires_at else "infinity",
            }
            for kind, p in current.items()
        ]
        entry["restrictiontypes"] = ["edit", "move"]


def prop_revisions(
    api: Api, session: Session, entry: dict[str, Any], page: Page, cont: dict[str, str]
) -> None:
    wanted = api.choices("rvprop", RVPROPS, "ids|timestamp|flags|comment|user")
    allowed = api.ctx.can("viewsuppressed")
    ids: list[int] = entry.pop("_revids", [])
    many = (
        api.has("rvlimit")
        or api.has("rvdir")
        or api.has("rvstart")
        or api.has("rvend")
        or api.has("rvcontinue")
    )
    if not ids and not many:
        ids = [page.latest_id] if page.latest_id else []
    if many:
        limit = api.limit(
            "rvlimit",
            10,
            high=50 if "content" in wanted else 500,
        )
        newer = api.get("rvdir", "older") == "newer"
        stmt = select(Revision.id).where(Revision.page_id == page.id)
        start = cursor(api, "rvcontinue")
        if api.get("rvstart"):
            t = _parse_ts(api, "rvstart")
            stmt = stmt.where(Revision.timestamp >= t if newer else Revision.timestamp <= t)
        if api.get("rvend"):
            t = _parse_ts(api, "rvend")
            stmt = stmt.where(Revision.timestamp <= t if newer else Revision.timestamp >= t)
        if start is not None:
            stmt = stmt.where(Revision.id >= start if newer else Revision.id <= start)
        stmt = stmt.order_by(Revision.id.asc() if newer else Revision.id.desc()).limit(limit + 1)
        ids = list(session.scalars(stmt))
        if len(ids) > limit:
            cont["rvcontinue"] = str(ids[limit])
            ids = ids[:limit]
    out = []
    for rev_id in ids:
        info = visibility.redact(revisions.revision_info(session, rev_id), allowed)
        item: dict[str, Any] = {}
        if "ids" in wanted:
            item.update(revid=info.id, parentid=info.parent_id or 0)
        if "flags" in wanted:
            item["minor"] = info.minor
        if "timestamp" in wanted:
            item["timestamp"] = ts(info.timestamp)
        if "user" in wanted:
            item["user"] = info.user_text
            if info.user_id is None and info.user_text:
                item["anon"] = True
        if "userid" in wanted:
            item["userid"] = info.user_id or 0
        if "size" in wanted:
            item["size"] = info.size
        if "sha1" in wanted:
            item["sha1"] = info.sha1
        if "comment" in wanted:
            item["comment"] = info.summary
        if info.user_hidden:
            item["userhidden"] = True
        if info.summary_hidden:
            item["commenthidden"] = True
        if "content" in wanted or "contentmodel" in wanted:
            text = (
                ""
                if info.text_hidden and not allowed
                else revisions.get_revision(session, rev_id).text
            )
            slot: dict[str, Any] = {"contentmodel": "markdown", "contentformat": "text/markdown"}
            if "content" in wanted:
                if info.text_hidden and not allowed:
                    slot["texthidden"] = True
                else:
                    slot["content" if api.formatversion == 2 else "*"] = text
            if api.has("rvslots"):
                item["slots"] = {"main": slot}
            else:
                item.update(slot)
        out.append(item)
    entry["revisions"] = out


def _parse_ts(api: Api, name: str) -> Any:
    from wiki.web.action_api_core import parse_ts

    return parse_ts(api.get(name), name)


def prop_categories(api: Api, session: Session, entry: dict[str, Any], page: Page) -> None:
    from wiki.models import CategoryLink

    names = session.scalars(
        select(CategoryLink.category)
        .where(CategoryLink.from_page_id == page.id)
        .order_by(CategoryLink.category)
    )
    entry["categories"] = [
        {"ns": titles.NS_CATEGORY, "title": f"Category:{n.replace('_', ' ')}"} for n in names
    ]


def prop_links(api: Api, session: Session, entry: dict[str, Any], page: Page) -> None:
    from wiki.models import Link, LinkTarget

    rows = session.execute(
        select(LinkTarget.namespace, LinkTarget.title)
        .join(Link, Link.target_id == LinkTarget.id)
        .where(Link.from_page_id == page.id)
        .order_by(LinkTarget.namespace, LinkTarget.title)
        .limit(api.limit("pllimit", 10))
    )
    entry["links"] = [{"ns": ns, "title": Title(ns, t).full} for ns, t in rows]


# --- lists ---------------------------------------------------------------------------------------


def list_recentchanges(
    api: Api, session: Session, out: dict[str, Any], cont: dict[str, str]
) -> None:
    props = set(api.choices("rcprop", RCPROPS, "title|timestamp|ids"))
    show = set(api.multi("rcshow"))
    types = set(
        api.choices("rctype", ("edit", "new", "log", "external", "categorize"), "edit|new|log")
    )
    if api.get("rcdir", "older") != "older":
        raise ApiError("badvalue", "Only rcdir=older is supported: the newest changes first.")
    namespaces = ns_list(api, "rcnamespace")
    user_types: set[str] = set()
    if "anon" in show:
        user_types.add("anon")
    if "!anon" in show:
        user_types |= {"new", "registered"}
    start = cursor(api, "rccontinue")
    limit = api.limit("rclimit", 10)
    f = Filters(
        namespace=namespaces[0] if namespaces and len(namespaces) == 1 else None,
        user_types=frozenset(user_types),
        hide_bots="!bot" in show,
        unpatrolled="!patrolled" in show or "unpatrolled" in show,
        hide_minor="!minor" in show,
        new_only=types == {"new"},
        hide_logs="log" not in types,
        tag=api.get("rctag")[:64],
        period="30d",
        limit=min(limit, recentchanges.MAX_LIMIT) if not api.ctx.can("bot") else limit,
        older_than=start + 1 if start is not None else None,
    )
    if f.limit > recentchanges.MAX_LIMIT:
        f = replace(f, limit=recentchanges.MAX_LIMIT)
        limit = recentchanges.MAX_LIMIT
    allowed = api.ctx.can("viewsuppressed")
    page = recentchanges.changes(session, f, can_view_suppressed=allowed)
    rows = page.changes
    if namespaces and len(namespaces) > 1:
        rows = [c for c in rows if c.title.ns in namespaces]
    if "edit" not in types:
        rows = [c for c in rows if c.kind != recentchanges.EDIT]
    if "bot" in show:
        rows = [c for c in rows if c.bot]
    if "minor" in show:
        rows = [c for c in rows if c.minor]
    if "patrolled" in show:
        rows = [c for c in rows if c.patrolled != recentchanges.UNPATROLLED]
    can_patrol = api.ctx.can("patrol")
    out["recentchanges"] = [_rc_json(c, props, can_patrol) for c in rows]
    if page.older is not None:
        last = page.changes[-1]
        cont["rccontinue"] = f"{last.timestamp.strftime('%Y%m%d%H%M%S')}|{page.older - 1}"


def _rc_json(c: Change, props: set[str], can_patrol: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"type": c.kind}
    if "title" in props:
        item.update(ns=c.title.ns, title=c.title.full)
    if "ids" in props:
        item.update(
            rcid=c.id, pageid=c.page_id or 0, revid=c.revision_id or 0, old_revid=c.parent_id or 0
        )
    if "user" in props:
        item["user"] = c.user_text
        if c.user_id is None and c.user_text:
            item["anon"] = True
    if "userid" in props:
        item["userid"] = c.user_id or 0
    if "flags" in props:
        item.update(bot=c.bot, new=c.is_new, minor=c.minor)
    if "sizes" in props:
        item.update(oldlen=c.old_size, newlen=c.new_size)
    if "timestamp" in props:
        item["timestamp"] = ts(c.timestamp)
    if "comment" in props:
        item["comment"] = c.summary
    if "patrolled" in props and can_patrol:
        item.update(
            patrolled=c.patrolled == recentchanges.PATROLLED,
            autopatrolled=c.patrolled == recentchanges.AUTOPATROLLED,
            unpatrolled=c.unpatrolled,
        )
    if "loginfo" in props and c.is_log:
        item.update(
            logid=c.log_id, logtype=c.log_type, logaction=c.log_action, logparams=c.log_params
        )
    if "tags" in props:
        item["tags"] = list(c.tags)
    if "vandalismscore" in props:
        item["vandalismscore"] = c.vandalism_score
    if c.user_hidden:
        item["userhidden"] = True
    if c.summary_hidden:
        item["commenthidden"] = True
    return item


def list_allpages(api: Api, session: Session, out: dict[str, Any], cont: dict[str, str]) -> None:
    ns = api.integer("apnamespace", 0, low=0, high=max(titles.NAMESPACES))
    assert ns is not None
    if ns not in titles.NAMESPACES:
        raise ApiError("badvalue", 'Unrecognized value for parameter "apnamespace".')
    start = (api.get("apcontinue") or api.get("apfrom")).replace("_", " ")
    prefix = api.get("apprefix").replace("_", " ")
    limit = api.limit("aplimit", 10)
    listed = reports.all_pages(
        session,
        ns,
        start=start,
        prefix=prefix,
        hide_redirects=api.get("apfilterredir") == "nonredirects",
        limit=limit,
    )
    out["allpages"] = [
        {"pageid": p.page_id, "ns": p.title.ns, "title": p.title.full} for p in listed.items
    ]
    if listed.next:
        cont["apcontinue"] = listed.next.replace(" ", "_")


def list_search(api: Api, session: Session, out: dict[str, Any], cont: dict[str, str]) -> None:
    text = api.get("srsearch")
    if not text.strip():
        raise ApiError("missingparam", 'The "srsearch" parameter must be set.')
    limit = api.limit("srlimit", 10, high=100)
    offset = api.integer("sroffset", 0, low=0, high=10_000) or 0
    namespaces = ns_list(api, "srnamespace") or [titles.NS_MAIN]
    results = index_of(api.request).search(
        text, namespaces=namespaces, offset=offset, limit=min(limit, 100)
    )
    out["searchinfo"] = {"totalhits": results.total}
    if results.suggestion:
        out["searchinfo"]["suggestion"] = results.suggestion
    out["search"] = [
        {
            "ns": h.namespace,
            "title": h.title,
            "pageid": h.page_id,
            "size": h.size,
            "wordcount": h.words,
            "snippet": "".join(
                f'<span class="searchmatch">{html.escape(t)}</span>' if hit else html.escape(t)
                for t, hit in h.snippet
            ),
            "timestamp": ts(h.modified),
        }
        for h in results.hits
    ]
    if results.has_more:
        cont["sroffset"] = str(offset + len(results.hits))


def list_prefixsearch(
    api: Api, session: Session, out: dict[str, Any], cont: dict[str, str]
) -> None:
    text = api.get("pssearch")
    limit = api.limit("pslimit", 10, high=100)
    matches = index_of(api.request).titles(text, limit=limit) if text.strip() else []
    out["prefixsearch"] = [
        {"ns": m.namespace, "title": m.title, "pageid": m.page_id} for m in matches
    ]


LIST_MODULES: dict[str, Callable[[Api, Session, dict[str, Any], dict[str, str]], None]] = {
    "recentchanges": list_recentchanges,
    "allpages": list_allpages,
    "search": list_search,
    "prefixsearch": list_prefixsearch,
    "usercontribs": action_api_lists.list_usercontribs,
    "logevents": action_api_lists.list_logevents,
    "allusers": action_api_lists.list_allusers,
    "categorymembers": action_api_lists.list_categorymembers,
    "backlinks": action_api_lists.list_backlinks,
    "watchlist": action_api_lists.list_watchlist,
}


@action("query")
async def query(api: Api) -> dict[str, Any]:
    metas = api.choices("meta", tuple(action_api_meta.METAS))
    props = api.choices("prop", PROPS)
    lists = api.choices("list", LISTS)

    def work(session: Session) -> tuple[dict[str, Any], dict[str, str]]:
        out: dict[str, Any] = {}
        cont: dict[str, str] = {}
        for name in metas:
            action_api_meta.METAS[name](api, session, out)
        if api.has("titles") or api.has("pageids") or api.has("revids"):
            entries, rows, notes = _pages(api, session)
            out.update(notes)
            for entry in entries:
                page = (
                    rows.get(entry.get("pageid", 0))
                    if isinstance(entry.get("pageid"), int)
                    else None
                )
                if page is None:
                    continue
                if "info" in props:
                    prop_info(api, session, entry, page)
                if "revisions" in props:
                    prop_revisions(api, session, entry, page, cont)
                if "categories" in props:
                    prop_categories(api, session, entry, page)
                if "links" in props:
                    prop_links(api, session, entry, page)
                entry.pop("_revids", None)
            if api.formatversion == 2:
                out["pages"] = [{k: v for k, v in e.items() if k != "_id"} for e in entries]
            else:
                out["pages"] = {
                    str(e.get("pageid", e.get("_id", -1))): {
                        k: v for k, v in e.items() if k != "_id"
                    }
                    for e in entries
                }
        for name in lists:
            LIST_MODULES[name](api, session, out, cont)
        return out, cont

    try:
        out, cont = await wiki_of(api.request).read(work)
    except BadInput as exc:
        raise ApiError("badvalue", exc.translated(api.ctx.gettext)) from None
    result: dict[str, Any] = {"batchcomplete": True}
    if cont:
        result["continue"] = {**cont, "continue": "-||"}
    if out:
        result["query"] = out
    return result
