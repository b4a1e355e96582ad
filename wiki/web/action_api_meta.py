"""``action=query&meta=siteinfo|userinfo|tokens``: what a client asks first.

The ``generator`` string reports the MediaWiki API version we follow, with our own name beside
it, because clients (mwclient, pywikibot) decide what to send from that version.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

import wiki
from wiki.navigation import reports
from wiki.text import titles
from wiki.web.action_api_core import TOKEN_TYPES, Api, ApiError, user_rights
from wiki.web.base import wiki_of

MEDIAWIKI_VERSION = "1.43"
GENERATOR = f"MediaWiki {MEDIAWIKI_VERSION} (Gotong {wiki.__version__} compatible API)"
SIPROPS = ("general", "namespaces", "namespacealiases", "statistics", "interwikimap", "rightsinfo")
UIPROPS = ("groups", "rights", "editcount", "blockinfo", "hasmsg", "registrationdate", "options")


def server_url(api: Api) -> str:
    """The site's absolute base URL: ``WIKI_SERVER_URL`` when set, else the request's."""
    return wiki_of(api.request).absolute_url(api.request, "")


def localised_namespaces(lang: str) -> dict[int, str]:
    """Each namespace's name in ``lang`` (canonical English for ``en``)."""
    names = dict(titles.NAMESPACES)
    if lang == "id":
        for alias, ns in titles.ALIASES.items():
            names[ns] = " ".join(w.capitalize() for w in alias.split(" "))
    return names


def siteinfo(api: Api, session: Session, out: dict[str, Any]) -> None:
    w = wiki_of(api.request)
    props = api.choices("siprop", SIPROPS, "general")
    settings = w.settings
    names = localised_namespaces(settings.language)
    text_key = "name" if api.formatversion == 2 else "*"
    for prop in props:
        if prop == "general":
            server = server_url(api)
            out["general"] = {
                "mainpage": "Main Page",
                "base": server + "/wiki/Main_Page",
                "sitename": settings.site_name,
                "generator": GENERATOR,
                "phpversion": "",
                "lang": settings.language,
                "case": "first-letter",
                "rights": "",
                "server": server,
                "servername": api.request.url.hostname or "",
                "articlepath": "/wiki/$1",
                "scriptpath": "/w",
                "script": "/w/index.php",
                "wikiid": "gotong",
                "time": _now(),
                "timezone": "UTC",
                "timeoffset": 0,
                "maxarticlesize": settings.max_page_bytes,
                "contentmodel": "markdown",
                "writeapi": True,
                "readonly": False,
                "legaltitlechars": " %!\"$&'()*,\\-.\\/0-9:;=?@A-Z\\\\^_`a-z~\\x80-\\xFF+",
            }
        elif prop == "namespaces":
            out["namespaces"] = {
                str(ns): {
                    "id": ns,
                    "case": "first-letter",
                    "canonical": canonical,
                    text_key: names[ns],
                    "subpages": ns != titles.NS_MAIN,
                    "content": ns == titles.NS_MAIN,
                    "nonincludable": False,
                }
                for ns, canonical in titles.NAMESPACES.items()
            }
            out["namespaces"]["0"].pop("canonical")
            out["namespaces"]["-1"]["subpages"] = False
        elif prop == "namespacealiases":
            out["namespacealiases"] = [
                {"id": ns, text_key: " ".join(x.capitalize() for x in alias.split(" "))}
                for alias, ns in titles.ALIASES.items()
            ]
        elif prop == "statistics":
            stats = reports.statistics(session)
            out["statistics"] = {
                "pages": stats.pages,
                "articles": stats.content_pages,
                "edits": stats.edits,
                "images": 0,
                "users": stats.users,
                "activeusers": stats.active_users,
                "admins": 0,
                "jobs": 0,
            }
        elif prop == "interwikimap":
            out["interwikimap"] = []
        elif prop == "rightsinfo":
            out["rightsinfo"] = {"url": "", "text": ""}


def _now() -> str:
    from datetime import UTC, datetime

    from wiki.web.action_api_core import ts

    return ts(datetime.now(UTC))


def userinfo(api: Api, session: Session, out: dict[str, Any]) -> None:
    ctx = api.ctx
    props = api.choices("uiprop", UIPROPS)
    info: dict[str, Any] = {"id": ctx.user_id or 0, "name": ctx.actor}
    if ctx.user_id is None:
        info["anon"] = True
    for prop in props:
        if prop == "groups":
            info["groups"] = sorted(ctx.groups)
        elif prop == "rights":
            info["rights"] = user_rights(ctx)
        elif prop == "editcount" and ctx.account is not None:
            info["editcount"] = ctx.account.edit_count
        elif prop == "registrationdate" and ctx.account is not None:
            from wiki.web.action_api_core import ts

            info["registrationdate"] = ts(ctx.account.created_at)
        elif prop == "hasmsg":
            info["messages"] = bool(ctx.unread_notifications or ctx.new_messages)
        elif prop == "options" and ctx.account is not None:
            info["options"] = {"language": ctx.account.language, "timecorrection": "ZoneInfo|0|UTC"}
    out["userinfo"] = info


def tokens(api: Api, session: Session, out: dict[str, Any]) -> None:
    wanted = api.choices("type", TOKEN_TYPES, "csrf")
    token = api.token()
    out["tokens"] = {f"{t}token": token for t in wanted}


METAS = {"siteinfo": siteinfo, "userinfo": userinfo, "tokens": tokens}


def check_token_type(name: str) -> None:
    if name not in TOKEN_TYPES:
        raise ApiError("badvalue", f'Unrecognized value for parameter "type": {name[:40]}.')
