"""Navigation routes: page lists, maintenance reports, backlinks, categories and moves.

Thin: each special page parses its query, calls one service (``wiki.navigation.reports``,
``wiki.navigation.links``,
``wiki.navigation.categories``, ``wiki.navigation.redirects``, ``wiki.navigation.moves``) and picks
the template named after it.
``category_listing`` is called by the page view for pages in the Category namespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wiki.actions import pages as page_actions
from wiki.errors import N_, BadInput, InvalidTitle, NotFound
from wiki.navigation import categories, links, redirects, reports
from wiki.pages.rendering import page_url
from wiki.text import titles
from wiki.text.titles import NS_MAIN, NS_SPECIAL, Title
from wiki.web import special as registry
from wiki.web.base import actor_of, ensure_session, finish, int_param, wiki_of
from wiki.web.security import CSRF_FIELD
from wiki.web.special import special
from wiki.web.templating import Ctx

LIST_LIMIT = 100
CATEGORY_LIMIT = 200
MAX_LIMIT = 500

#: Names shown on Special:SpecialPages, for the pages that have no words of their own.
LABELS: dict[str, str] = {
    "AllPages": N_("All pages"),
    "PrefixIndex": N_("Pages with a prefix"),
    "Random": N_("Random page"),
    "NewPages": N_("New pages"),
    "LonelyPages": N_("Orphaned pages"),
    "WantedPages": N_("Wanted pages"),
    "DeadendPages": N_("Dead-end pages"),
    "ShortPages": N_("Short pages"),
    "LongPages": N_("Long pages"),
    "Statistics": N_("Statistics"),
    "SpecialPages": N_("Special pages"),
    "ListRedirects": N_("List of redirects"),
    "DoubleRedirects": N_("Double redirects"),
    "WhatLinksHere": N_("What links here"),
    "MovePage": N_("Move page"),
    "Categories": N_("Categories"),
}
GROUPS: dict[str, str] = {
    "pages": N_("Lists of pages"),
    "maintenance": N_("Maintenance reports"),
    "redirects": N_("Redirects"),
    "pagetools": N_("Page tools"),
    "users": N_("Users and rights"),
    "changes": N_("Recent changes and logs"),
    "wiki": N_("Wiki data and tools"),
    "other": N_("Other special pages"),
}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _special(name: str) -> Title:
    return Title(NS_SPECIAL, name)


def _url(name: str, **params: Any) -> str:
    """A special page's URL with its non-empty parameters (``from_`` stands for ``from``)."""
    clean = {k.rstrip("_"): v for k, v in params.items() if v not in (None, "", False)}
    return page_url(_special(name), **{k: 1 if v is True else v for k, v in clean.items()})


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    response = wiki_of(request).templates.response(request, template, status_code=status, **context)
    return finish(request, response)


def _limit(request: Request, default: int = LIST_LIMIT) -> int:
    return min(int_param(request.query_params.get("limit")) or default, MAX_LIMIT)


def _namespace(request: Request, default: int | None = NS_MAIN) -> int | None:
    """The ``namespace`` query parameter: a number or a name; "" or "all" means every one."""
    raw = request.query_params.get("namespace")
    if raw is None:
        return default
    raw = raw.strip()
    if raw in ("", "all"):
        return None
    if raw.lstrip("-").isdigit() and int(raw) in titles.NAMESPACES and int(raw) >= 0:
        return int(raw)
    return _namespace_named(raw)


def _namespace_named(raw: str) -> int:
    """A namespace by its English or Indonesian name ("main" for the main one)."""
    names = {name.lower(): ns for ns, name in titles.NAMESPACES.items() if ns > 0}
    names |= {alias: ns for alias, ns in titles.ALIASES.items() if ns >= 0}
    names["main"] = NS_MAIN
    found = names.get(raw.replace("_", " ").strip().lower())
    if found is None:
        raise BadInput(N_("There is no namespace called {name}."), name=raw)
    return found


def _one_namespace(request: Request) -> int:
    ns = _namespace(request)
    return NS_MAIN if ns is None else ns


def _flag(request: Request, name: str, default: bool = False) -> bool:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    return raw not in ("", "0", "false", "no")


def _namespaces() -> list[tuple[int, str]]:
    return [(ns, name) for ns, name in titles.NAMESPACES.items() if ns >= 0]


# --- lists of pages -----------------------------------------------------------------------


@special("AllPages", "SemuaHalaman", "DaftarHalaman", group="pages")
async def all_pages(request: Request, sub: str) -> Response:
    q = request.query_params
    ns = _one_namespace(request)
    start = q.get("from", sub).replace("_", " ").strip()
    hide = _flag(request, "hideredirects")
    limit = _limit(request, 200)
    batch = await wiki_of(request).read(
        lambda s: reports.all_pages(s, ns, start=start, hide_redirects=hide, limit=limit)
    )
    return _page(
        request,
        "special_allpages.html",
        title=_special("AllPages"),
        batch=batch,
        namespace=ns,
        namespaces=_namespaces(),
        start=start,
        hide=hide,
        next_url=batch.next
        and _url("AllPages", from_=batch.next, namespace=ns, hideredirects=hide, limit=limit),
    )


@special("PrefixIndex", "IndeksAwalan", group="pages")
async def prefix_index(request: Request, sub: str) -> Response:
    q = request.query_params
    ns = _one_namespace(request)
    raw = q.get("prefix", sub)
    prefix = ""
    error = None
    if raw.strip():
        try:
            parsed = titles.parse(raw, default_ns=ns)
        except InvalidTitle as exc:
            error = exc.translated(request.state.ctx.gettext)
        else:
            ns, prefix = parsed.ns, parsed.text
    start = q.get("from", "").replace("_", " ").strip()
    hide = _flag(request, "hideredirects")
    limit = _limit(request, 200)
    batch = None
    if prefix:
        batch = await wiki_of(request).read(
            lambda s: reports.all_pages(
                s, ns, start=start, prefix=prefix, hide_redirects=hide, limit=limit
            )
        )
    return _page(
        request,
        "special_prefixindex.html",
        400 if error else 200,
        title=_special("PrefixIndex"),
        batch=batch,
        namespace=ns,
        namespaces=_namespaces(),
        prefix=prefix or raw,
        hide=hide,
        error=error,
        next_url=batch
        and batch.next
        and _url(
            "PrefixIndex",
            prefix=prefix,
            from_=batch.next,
            namespace=ns,
            hideredirects=hide,
            limit=limit,
        ),
    )


@special("Random", "RandomPage", "HalamanSembarang", group="pages")
async def random_page(request: Request, sub: str) -> Response:
    ns = _namespace_named(sub) if sub else _one_namespace(request)
    found = await wiki_of(request).read(lambda s: reports.random_page(s, ns))
    if found is None:
        return _page(request, "special_random.html", title=_special("Random"), namespace=ns)
    response = RedirectResponse(page_url(found), status_code=302)
    response.headers["Cache-Control"] = "no-store"
    return response


@special("NewPages", "HalamanBaru", group="changes")
async def new_pages(request: Request, sub: str) -> Response:
    ns = _namespace(request)
    hide = _flag(request, "hideredirs", True)
    unpatrolled = _flag(request, "hidepatrolled", False)
    before = int_param(request.query_params.get("offset"))
    limit = _limit(request, 50)
    batch = await wiki_of(request).read(
        lambda s: reports.new_pages(
            s,
            ns,
            hide_redirects=hide,
            unpatrolled_only=unpatrolled,
            before=before,
            limit=limit,
        )
    )
    return _page(
        request,
        "special_newpages.html",
        title=_special("NewPages"),
        batch=batch,
        namespace=ns,
        namespaces=_namespaces(),
        hide=hide,
        unpatrolled=unpatrolled,
        next_url=batch.next
        and _url(
            "NewPages",
            offset=batch.next,
            namespace="all" if ns is None else ns,
            hideredirs=0 if not hide else None,
            hidepatrolled=1 if unpatrolled else None,
            limit=limit,
        ),
    )


# --- maintenance reports --------------------------------------------------------------------


async def _by_title_report(
    request: Request,
    name: str,
    template: str,
    query: Any,
) -> Response:
    ns = _one_namespace(request)
    start = request.query_params.get("from", "").replace("_", " ").strip()
    limit = _limit(request)
    batch = await wiki_of(request).read(lambda s: query(s, ns, start=start, limit=limit))
    return _page(
        request,
        template,
        title=_special(name),
        batch=batch,
        namespace=ns,
        namespaces=_namespaces(),
        next_url=batch.next and _url(name, from_=batch.next, namespace=ns, limit=limit),
    )


@special("LonelyPages", "HalamanYatim", group="maintenance")
async def lonely_pages(request: Request, sub: str) -> Response:
    return await _by_title_report(
        request, "LonelyPages", "special_lonelypages.html", reports.lonely_pages
    )


@special("DeadendPages", "HalamanBuntu", group="maintenance")
async def deadend_pages(request: Request, sub: str) -> Response:
    return await _by_title_report(
        request, "DeadendPages", "special_deadendpages.html", reports.deadend_pages
    )


@special("WantedPages", "HalamanYangDiinginkan", group="maintenance")
async def wanted_pages(request: Request, sub: str) -> Response:
    after = reports.parse_pair(request.query_params.get("from"))
    limit = _limit(request)
    batch = await wiki_of(request).read(lambda s: reports.wanted_pages(s, after=after, limit=limit))
    return _page(
        request,
        "special_wantedpages.html",
        title=_special("WantedPages"),
        batch=batch,
        next_url=batch.next and _url("WantedPages", from_=batch.next, limit=limit),
    )


async def _by_length(request: Request, name: str, *, longest: bool) -> Response:
    ns = _one_namespace(request)
    after = reports.parse_pair(request.query_params.get("from"))
    limit = _limit(request)
    batch = await wiki_of(request).read(
        lambda s: reports.pages_by_length(s, ns, longest=longest, after=after, limit=limit)
    )
    return _page(
        request,
        "special_shortpages.html" if not longest else "special_longpages.html",
        title=_special(name),
        batch=batch,
        namespace=ns,
        namespaces=_namespaces(),
        next_url=batch.next and _url(name, from_=batch.next, namespace=ns, limit=limit),
    )


@special("ShortPages", "HalamanPendek", group="maintenance")
async def short_pages(request: Request, sub: str) -> Response:
    return await _by_length(request, "ShortPages", longest=False)


@special("LongPages", "HalamanPanjang", group="maintenance")
async def long_pages(request: Request, sub: str) -> Response:
    return await _by_length(request, "LongPages", longest=True)


def _start_title(request: Request) -> Title | None:
    raw = request.query_params.get("from", "")
    if not raw.strip():
        return None
    try:
        return titles.parse(raw)
    except InvalidTitle:
        return None


@special("ListRedirects", "DaftarPengalihan", group="redirects")
async def list_redirects(request: Request, sub: str) -> Response:
    start = _start_title(request)
    limit = _limit(request)
    batch = await wiki_of(request).read(
        lambda s: redirects.list_redirects(s, start=start, limit=limit)
    )
    return _page(
        request,
        "special_listredirects.html",
        title=_special("ListRedirects"),
        batch=batch,
        next_url=batch.next and _url("ListRedirects", from_=batch.next.full, limit=limit),
    )


@special("DoubleRedirects", "PengalihanGanda", group="redirects")
async def double_redirects(request: Request, sub: str) -> Response:
    start = _start_title(request)
    limit = _limit(request)
    batch = await wiki_of(request).read(
        lambda s: redirects.double_redirects(s, start=start, limit=limit)
    )
    return _page(
        request,
        "special_doubleredirects.html",
        title=_special("DoubleRedirects"),
        batch=batch,
        next_url=batch.next and _url("DoubleRedirects", from_=batch.next.full, limit=limit),
    )


@special("Statistics", "Statistik", group="wiki")
async def statistics(request: Request, sub: str) -> Response:
    stats = await wiki_of(request).read(reports.statistics)
    return _page(request, "special_statistics.html", title=_special("Statistics"), stats=stats)


@dataclass(frozen=True)
class Listed:
    name: str
    label: str  # msgid, translated by the template


@special("SpecialPages", "HalamanIstimewa", group="other")
async def special_pages(request: Request, sub: str) -> Response:
    grouped: dict[str, list[Listed]] = {}
    for page in registry.all_pages():
        if page.listed:
            label = LABELS.get(page.name) or _CAMEL.sub(" ", page.name).capitalize()
            grouped.setdefault(page.group, []).append(Listed(page.name, label))
    order = list(GROUPS)
    groups = sorted(grouped.items(), key=lambda g: order.index(g[0]) if g[0] in order else 99)
    return _page(
        request,
        "special_specialpages.html",
        title=_special("SpecialPages"),
        groups=[(GROUPS.get(name, name.capitalize()), pages) for name, pages in groups],
    )


# --- backlinks and categories ---------------------------------------------------------------


def _target(request: Request, sub: str) -> Title | None:
    raw = request.query_params.get("target", sub)
    if not raw.strip():
        return None
    target = titles.parse(raw)
    if target.is_special:
        raise BadInput(N_("Special pages have no backlinks."))
    return target


@special("WhatLinksHere", "PranalaBalik", group="pagetools")
async def what_links_here(request: Request, sub: str) -> Response:
    target = _target(request, sub)
    hide = {
        "hidelinks": _flag(request, "hidelinks"),
        "hideredirs": _flag(request, "hideredirs"),
        "hidecats": _flag(request, "hidecats"),
    }
    start = int_param(request.query_params.get("from")) or 0
    limit = _limit(request, 50)
    result = None
    if target is not None:
        result = await wiki_of(request).read(
            lambda s: links.what_links_here(
                s,
                target,
                from_id=start,
                limit=limit,
                hide_links=hide["hidelinks"],
                hide_redirects=hide["hideredirs"],
                hide_members=hide["hidecats"],
            )
        )
    next_url = None
    if target is not None and result is not None and result.next_from is not None:
        next_url = page_url(
            _special(f"WhatLinksHere/{target.key}"),
            **{"from": result.next_from, "limit": limit, **{k: 1 for k, v in hide.items() if v}},
        )
    return _page(
        request,
        "special_whatlinkshere.html",
        title=_special("WhatLinksHere"),
        target=target,
        result=result,
        hide=hide,
        next_url=next_url,
    )


@special("Categories", "DaftarKategori", "Kategori", group="pages")
async def all_categories(request: Request, sub: str) -> Response:
    start = request.query_params.get("from", sub).replace("_", " ").strip()
    limit = _limit(request)
    batch = await wiki_of(request).read(
        lambda s: categories.all_categories(s, start=start, limit=limit)
    )
    return _page(
        request,
        "special_categories.html",
        title=_special("Categories"),
        batch=batch,
        start=start,
        next_url=batch.next and _url("Categories", from_=batch.next, limit=limit),
    )


@dataclass(frozen=True)
class CategoryListing:
    """What a category page lists under its description."""

    title: Title
    subcats: categories.Members
    pages: categories.Members

    @property
    def empty(self) -> bool:
        return not (self.subcats.total or self.pages.total)

    def url(self, members: categories.Members, direction: str) -> str | None:
        """The link to the next or previous batch of ``members`` ("from" or "until")."""
        cursor = members.next if direction == "from" else members.prev
        if cursor is None:
            return None
        key = ("subcat" if members.kind == categories.SUBCAT else "page") + direction
        params: dict[str, str | int] = {key: cursor[0], key + "id": cursor[1]}
        return page_url(self.title, **params)


def _cursor(request: Request, prefix: str) -> categories.Cursor | None:
    raw = request.query_params.get(prefix)
    if raw is None:
        return None
    return raw.replace("_", " "), int_param(request.query_params.get(prefix + "id")) or 0


async def category_listing(request: Request, title: Title) -> CategoryListing:
    """The subcategories and pages of category ``title``, one batch of each
    (``?pagefrom=``/``?pageuntil=`` and ``?subcatfrom=``/``?subcatuntil=`` page through)."""

    def load(session: Session) -> CategoryListing:
        return CategoryListing(
            title=title,
            subcats=categories.members(
                session,
                title.text,
                categories.SUBCAT,
                start=_cursor(request, "subcatfrom"),
                until=_cursor(request, "subcatuntil"),
                limit=CATEGORY_LIMIT,
            ),
            pages=categories.members(
                session,
                title.text,
                categories.PAGE,
                start=_cursor(request, "pagefrom"),
                until=_cursor(request, "pageuntil"),
                limit=CATEGORY_LIMIT,
            ),
        )

    return await wiki_of(request).read(load)


# --- moving ---------------------------------------------------------------------------------


@dataclass
class MoveForm:
    old: Title
    new: str
    reason: str = ""
    leave_redirect: bool = True
    move_talk: bool = True
    talk_exists: bool = False
    error: str | None = None


def _move_page(request: Request, form: MoveForm, status: int = 200, **extra: Any) -> Response:
    ensure_session(request)
    ctx: Ctx = request.state.ctx
    response = wiki_of(request).templates.response(
        request,
        "special_movepage.html",
        status_code=status,
        title=_special("MovePage"),
        form=form,
        csrf_field=CSRF_FIELD,
        can_suppress=ctx.can("delete"),
        **extra,
    )
    response.headers["Cache-Control"] = "no-store"
    return finish(request, response)


@special("MovePage", "PindahkanHalaman", group="pagetools", writes=True)
async def move_page(request: Request, sub: str) -> Response:
    """Special:MovePage/Title: the form (GET) and the move (POST, CSRF-checked by dispatch)."""
    ctx: Ctx = request.state.ctx
    ctx.require("move")
    posted = request.method == "POST"
    data: Any = request.state.form if posted else request.query_params
    raw_old = str(data.get("wpOldTitle", "") or sub)
    if not raw_old.strip():
        raise BadInput(N_("Say which page to move: Special:MovePage/Title."))
    old = titles.parse(raw_old)
    w = wiki_of(request)

    def talk_exists(session: Session) -> bool:
        if old.is_talk or old.ns < 0:
            return False
        return bool(links.existing_titles(session, [old.talk()]))

    def load(session: Session) -> bool:
        if not links.existing_titles(session, [old]) or old.is_special:
            raise NotFound(N_("The page {title} does not exist."), title=old.full)
        return talk_exists(session)

    new_raw = str(data.get("wpNewTitle", ""))
    form = MoveForm(old=old, new=new_raw if posted else new_raw or old.full)
    form.talk_exists = await w.read(load)
    if not posted:
        return _move_page(request, form)

    form.reason = str(data.get("wpReason", ""))
    form.move_talk = bool(data.get("wpMovetalk"))
    form.leave_redirect = bool(data.get("wpLeaveRedirect")) or not ctx.can("delete")
    try:
        new = titles.parse(form.new)
        result = await w.act(
            page_actions.move,
            w.env,
            actor_of(ctx),
            old,
            new,
            reason=form.reason,
            leave_redirect=form.leave_redirect,
            move_talk=form.move_talk,
        )
    except (BadInput, NotFound, InvalidTitle) as exc:
        form.error = exc.translated(ctx.gettext)
        return _move_page(request, form, exc.status)
    refusal = result.talk_refusal
    note = refusal.translated(ctx.gettext) if refusal is not None else None
    return _move_page(request, form, 200, result=result, talk_note=note)
