"""``action=query`` lists about people, logs and links: ``usercontribs``, ``logevents``,
``allusers``, ``categorymembers``, ``backlinks`` and ``watchlist``.

Split from :mod:`wiki.web.action_api_query` (which dispatches them) to keep modules small.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.errors import InvalidTitle
from wiki.models import User
from wiki.navigation import backlinks, categories
from wiki.patrol import contributions, logs, recentchanges
from wiki.text import titles
from wiki.web.action_api_core import Api, ApiError, cursor, ns_list, ts


def list_usercontribs(
    api: Api, session: Session, out: dict[str, Any], cont: dict[str, str]
) -> None:
    names = api.multi("ucuser")
    if len(names) != 1:
        raise ApiError("missingparam", 'Exactly one "ucuser" is supported.')
    namespaces = ns_list(api, "ucnamespace")
    start = cursor(api, "uccontinue")
    page = contributions.contributions(
        session,
        names[0].replace("_", " "),
        can_view_suppressed=api.ctx.can("viewsuppressed"),
        namespace=namespaces[0] if namespaces else None,
        older_than=start + 1 if start is not None else None,
        limit=api.limit("uclimit", 10),
    )
    out["usercontribs"] = [
        {
            "userid": c.user_id or 0,
            "user": c.user_text,
            "pageid": c.page_id,
            "revid": c.id,
            "parentid": c.parent_id or 0,
            "ns": c.title.ns,
            "title": c.title.full,
            "timestamp": ts(c.timestamp),
            "new": c.is_new,
            "minor": c.minor,
            "top": c.current,
            "comment": c.summary,
            "size": c.size,
            "sizediff": c.delta,
        }
        for c in page.items
    ]
    if page.older is not None:
        cont["uccontinue"] = f"{ts(page.items[-1].timestamp)}|{page.older - 1}"


def list_logevents(api: Api, session: Session, out: dict[str, Any], cont: dict[str, str]) -> None:
    kind = api.get("letype") or None
    if kind and kind not in logs.LOG_TYPES:
        raise ApiError("badvalue", f'Unrecognized value for parameter "letype": {kind[:40]}.')
    target = None
    if api.get("letitle"):
        try:
            target = titles.parse(api.get("letitle"))
        except InvalidTitle as exc:
            raise ApiError("invalidtitle", exc.message) from None
    start = cursor(api, "lecontinue")
    limit = api.limit("lelimit", 10)
    rows = logs.entries(
        session,
        type=kind,
        performer=api.get("leuser").replace("_", " ") or None,
        target=target,
        older_than=start + 1 if start is not None else None,
        limit=limit + 1,
    )
    if len(rows) > limit:
        cont["lecontinue"] = f"{ts(rows[limit].timestamp)}|{rows[limit].id}"
        rows = rows[:limit]
    out["logevents"] = [
        {
            "logid": e.id,
            "ns": e.title.ns,
            "title": e.title.full,
            "type": e.type,
            "action": e.action,
            "user": e.performer,
            "timestamp": ts(e.timestamp),
            "comment": e.comment,
            "params": e.params,
        }
        for e in rows
    ]


def list_allusers(api: Api, session: Session, out: dict[str, Any], cont: dict[str, str]) -> None:
    start = (api.get("aucontinue") or api.get("aufrom")).replace("_", " ")
    limit = api.limit("aulimit", 10)
    stmt = select(User.id, User.name).where(User.name >= start).order_by(User.name).limit(limit + 1)
    if api.get("auprefix"):
        prefix = api.get("auprefix").replace("_", " ")
        stmt = stmt.where(User.name >= prefix, User.name < prefix + "\U0010ffff")
    rows = list(session.execute(stmt))
    if len(rows) > limit:
        cont["aucontinue"] = rows[limit].name
        rows = rows[:limit]
    out["allusers"] = [{"userid": r.id, "name": r.name} for r in rows]


def list_categorymembers(
    api: Api, session: Session, out: dict[str, Any], cont: dict[str, str]
) -> None:
    raw = api.get("cmtitle")
    if not raw:
        raise ApiError("missingparam", 'The "cmtitle" parameter must be set.')
    try:
        title = titles.parse(raw, titles.NS_CATEGORY)
    except InvalidTitle as exc:
        raise ApiError("invalidtitle", exc.message) from None
    if title.ns != titles.NS_CATEGORY:
        raise ApiError("invalidcategory", "The category name you entered is not valid.")
    limit = api.limit("cmlimit", 10)
    kinds = api.choices("cmtype", ("page", "subcat", "file"), "page|subcat")
    start: tuple[str, int] | None = None
    token = api.get("cmcontinue")
    kind_from = 0
    if token:
        parts = token.split("|")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
            raise ApiError("badcontinue", "Invalid continue param.")
        kind_from, start = int(parts[0]), (parts[1], int(parts[2]))
    found: list[dict[str, Any]] = []
    order = [k for k in (categories.SUBCAT, categories.PAGE) if k in kinds]
    for i, kind in enumerate(order):
        if i < kind_from:
            continue
        batch = categories.members(
            session, title.text, kind, start=start if i == kind_from else None, limit=limit
        )
        found += [
            {"ns": m.title.ns, "title": m.title.full, "sortkey": m.sortkey} for m in batch.items
        ]
        if batch.next is not None:
            cont["cmcontinue"] = f"{i}|{batch.next[0]}|{batch.next[1]}"
            break
        limit -= len(batch.items)
        if limit <= 0:
            if i + 1 < len(order):
                cont["cmcontinue"] = f"{i + 1}||0"
            break
    out["categorymembers"] = found


def list_backlinks(api: Api, session: Session, out: dict[str, Any], cont: dict[str, str]) -> None:
    try:
        target = titles.parse(api.get("bltitle"))
    except InvalidTitle as exc:
        raise ApiError("invalidtitle", exc.message) from None
    start = cursor(api, "blcontinue") or 0
    found = backlinks.what_links_here(
        session,
        target,
        from_id=start,
        limit=api.limit("bllimit", 10),
        hide_redirects=api.get("blfilterredir") == "nonredirects",
        hide_members=True,
    )
    out["backlinks"] = [
        {"pageid": b.page_id, "ns": b.title.ns, "title": b.title.full, "redirect": b.redirect}
        for b in found.items
    ]
    if found.next_from is not None:
        cont["blcontinue"] = f"{target.ns}|{target.key}|{found.next_from}"


def list_watchlist(api: Api, session: Session, out: dict[str, Any], cont: dict[str, str]) -> None:
    if api.ctx.user_id is None:
        raise ApiError("notloggedin", "You must be logged in to have a watchlist.")
    start = cursor(api, "wlcontinue")
    limit = api.limit("wllimit", 10)
    f = recentchanges.Filters(
        namespace=None,
        hide_bots="!bot" in api.multi("wlshow"),
        period="30d",
        limit=min(limit, recentchanges.MAX_LIMIT),
        older_than=start + 1 if start is not None else None,
    )
    page = recentchanges.changes(
        session, f, can_view_suppressed=api.ctx.can("viewsuppressed"), watcher=api.ctx.user_id
    )
    out["watchlist"] = [
        {
            "type": c.kind,
            "ns": c.title.ns,
            "title": c.title.full,
            "pageid": c.page_id or 0,
            "revid": c.revision_id or 0,
            "old_revid": c.parent_id or 0,
            "user": c.user_text,
            "timestamp": ts(c.timestamp),
            "comment": c.summary,
            "minor": c.minor,
            "bot": c.bot,
            "new": c.is_new,
        }
        for c in page.changes
    ]
    if page.older is not None:
        cont["wlcontinue"] = f"{ts(page.changes[-1].timestamp)}|{page.older - 1}"
