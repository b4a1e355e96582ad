"""``action=query`` lists about people and logs: ``usercontribs``, ``logevents``, ``allusers``.

Split from :mod:`wiki.web.action_api_query` (which dispatches them) to keep modules small.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.errors import InvalidTitle
from wiki.models import User
from wiki.patrol import contributions, logs
from wiki.text import titles
from wiki.web.action_api import Api, ApiError, cursor, ns_list, ts


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
