"""Special pages: ``/wiki/Special:Name[/subpage]``, dispatched by (case-insensitive) name.

Each area registers its pages here with ``@special("Name", "Alias", ...)``; handlers receive the
request and the text after the slash (``Special:Contributions/Budi`` gets ``"Budi"``). Names are
canonical English; Indonesian aliases are registered too, as MediaWiki does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from wiki.errors import N_, NotFound, WikiError
from wiki.settings import Settings
from wiki.text.titles import Title
from wiki.web import forms
from wiki.web.base import wiki_of

Handler = Callable[[Request, str], Awaitable[Response]]


class NotAllowed(WikiError):
    """A POST to a special page that only shows something."""

    status = 405


@dataclass(frozen=True)
class SpecialPage:
    name: str  # canonical name, e.g. "RecentChanges"
    handler: Handler
    listed: bool  # shown on Special:SpecialPages
    group: str  # heading it is listed under
    #: It accepts POST (a form that changes something, through ``wiki.actions``); a POST to
    #: any other special page is refused (405), so the write routes can be listed.
    writes: bool = False
    #: Its POST form carries one uploaded file, of at most this many bytes (0: no file).
    upload_limit: Callable[[Settings], int] | None = None


_REGISTRY: dict[str, SpecialPage] = {}


def special(
    name: str,
    *aliases: str,
    listed: bool = True,
    group: str = "other",
    writes: bool = False,
    upload_limit: Callable[[Settings], int] | None = None,
) -> Callable[[Handler], Handler]:
    """Register a special page handler under ``name`` and its aliases. ``upload_limit``: the
    page's POST form carries one file, of at most that many bytes (from the settings)."""

    def register(fn: Handler) -> Handler:
        page = SpecialPage(name, fn, listed, group, writes, upload_limit)
        for key in (name, *aliases):
            _REGISTRY[key.lower()] = page
        return fn

    return register


def lookup(title: Title) -> tuple[SpecialPage, str]:
    """The special page a title names, and its subpage text; NotFound when there is none."""
    name, _, sub = title.text.partition("/")
    page = _REGISTRY.get(name.replace(" ", "").lower())
    if page is None:
        raise NotFound(N_("There is no special page called {name}."), name=name)
    return page, sub


def all_pages() -> list[SpecialPage]:
    """Every registered special page once, by name."""
    return sorted({p.name: p for p in _REGISTRY.values()}.values(), key=lambda p: p.name)


async def dispatch(request: Request, title: Title) -> Response:
    """Run the special page. A POST is CSRF-checked here, once, for every special page."""
    page, sub = lookup(title)
    if request.method == "POST" and not page.writes:
        raise NotAllowed(N_("Special:{name} does not accept changes."), name=page.name)
    if request.method == "POST":
        if page.upload_limit is not None:
            limit = page.upload_limit(wiki_of(request).settings)
            form = await forms.read_upload(request, limit)
        else:
            form = await forms.read_form(request)
        try:
            if not forms.token_ok(request, form):
                raise forms.BadToken()
            request.state.form = form
            return await page.handler(request, sub)
        finally:
            await form.close()  # uploaded files are spooled to disk: remove them now
    return await page.handler(request, sub)
