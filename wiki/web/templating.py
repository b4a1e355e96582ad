"""Jinja2 environments (one per UI language, autoescape on) and the per-request context."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from wiki import i18n
from wiki.accounts import grants, protection, rights
from wiki.errors import N_, PermissionDenied
from wiki.pages.rendering import page_url
from wiki.pages.revisions import Author
from wiki.patrol.logs import Performer
from wiki.settings import LANGUAGES, Settings
from wiki.text import diffing, expiry
from wiki.web import comments
from wiki.web.assets import Assets

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"


@dataclass
class Ctx:
    """What a view needs to know about the request: language, session, client."""

    lang: str
    session_id: str | None
    client_ip: str
    csrf_token: str = ""
    new_session: bool = False
    set_lang_cookie: bool = False
    extra_cookies: dict[str, str] = field(default_factory=dict)
    #: The logged-in account, if any (accounts arrive with wiki.accounts.users).
    user_id: int | None = None
    user_name: str | None = None
    groups: frozenset[str] = frozenset({"*"})
    account: Any = None  # wiki.accounts.users.Account when logged in
    #: A bot password or API token limits the account's rights to these grants (None: no limit).
    grants: frozenset[str] | None = None
    #: The request sent credentials (a bearer token, a session cookie) that are not valid.
    bad_credentials: bool = False
    #: The bell's unread count (logged-in page views only; see wiki.web.talk.inbox_state).
    unread_notifications: int | None = None
    #: An anonymous visitor's IP talk page changed: the revision, for "you have new messages".
    new_messages: int | None = None

    @property
    def gettext(self) -> Callable[[str], str]:
        return i18n.translations(self.lang).gettext

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def actor(self) -> str:
        """The name edits and log entries are attributed to: the account, or the IP."""
        return self.user_name if self.user_name else self.client_ip

    @property
    def author(self) -> Author:
        return Author(name=self.actor, user_id=self.user_id, groups=self.groups)

    @property
    def performer(self) -> Performer:
        return Performer(name=self.actor, user_id=self.user_id)

    def can(self, right: str) -> bool:
        """Whether this visitor's groups grant ``right`` (see wiki.accounts.rights), within
        the grants of the credential they used (wiki.accounts.grants)."""
        return rights.has(self.groups, right) and grants.allows(self.grants, right)

    def require(self, right: str) -> None:
        """Raise PermissionDenied unless this visitor has ``right``."""
        if not self.can(right):
            raise PermissionDenied(
                N_("You do not have permission to do this (it needs the right: {right})."),
                right=right,
            )


class Templates:
    """Renders templates in the request's language."""

    def __init__(self, settings: Settings, assets: Assets) -> None:
        self.settings = settings
        self.assets = assets
        self.envs: dict[str, Environment] = {}
        for lang in LANGUAGES:
            env = Environment(
                loader=FileSystemLoader(TEMPLATES_DIR),
                autoescape=select_autoescape(default=True, default_for_string=True),
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
                auto_reload=False,
            )
            env.install_gettext_translations(  # type: ignore[attr-defined]
                i18n.translations(lang), newstyle=True
            )
            env.globals.update(
                site_name=settings.site_name,
                lang=lang,
                languages=i18n.LANGUAGE_NAMES,
                page_url=page_url,
                inline=diffing.inline_segments,
                allowed=protection.allowed,
                asset_url=assets.url,
            )
            env.globals["lang_url"] = _lang_url
            env.filters["comment"] = comments.summary_html
            env.filters["ts"] = _ts_filter(lang)
            env.filters["num"] = _num_filter(lang)
            env.filters["expiry"] = _expiry_filter(lang)
            # A vocabulary word shown from data: {{ entry.type|label('log') }}.
            env.filters["label"] = lambda v, kind, _lang=lang: i18n.label(kind, v, _lang)
            # Stored text that may be one of our own messages (seeded abuse rules): translated
            # when it is, shown as it is otherwise; never %-formatted, unlike _().
            env.filters["msg"] = lambda v, _lang=lang: (
                i18n.translations(_lang).gettext(str(v)) if v else ""
            )
            env.globals["expiry_labels"] = expiry.LABELS
            env.filters["evidence"] = evidence_marks
            self.envs[lang] = env

    def render(self, ctx: Ctx, template: str, /, **context: Any) -> str:
        env = self.envs[ctx.lang]
        return env.get_template(template).render(ctx=ctx, **context)

    def response(
        self, request: Request, template: str, /, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        ctx: Ctx = request.state.ctx
        body = self.render(ctx, template, request=request, **context)
        return HTMLResponse(body, status_code=status_code)


@pass_context
def _lang_url(context: Context, code: str) -> str:
    """The current URL (path, action and all) in language ``code``: only ``uselang`` changes."""
    request = context.get("request")
    if not isinstance(request, Request):
        return f"?uselang={code}"
    raw = request.scope.get("raw_path")  # as sent: "?" or "#" in a title stay escaped
    path = raw.decode("latin-1") if isinstance(raw, bytes) else quote(request.url.path)
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "uselang"]
    return path + "?" + urlencode([*query, ("uselang", code)])


def _num_filter(lang: str) -> Callable[..., str]:
    """A number in the locale's digits; ``places`` fixes the decimals (``|num(2)``)."""

    def fmt(n: float, places: int | None = None) -> str:
        if places is None:
            return i18n.format_number(n, lang)
        return i18n.format_fixed(n, places, lang)

    return fmt


def _expiry_filter(lang: str) -> Callable[..., str]:
    """An expiry (a datetime, None, or a log entry's ISO/"infinity" parameter), localised."""
    ts = _ts_filter(lang)

    @pass_context
    def fmt(context: Context, value: datetime | str | None) -> str:
        when = value if isinstance(value, datetime) else i18n.parse_expiry_param(value)
        if when is None:
            return i18n.translations(lang).gettext(i18n.NEVER)
        result: str = ts(context, when)
        return result

    return fmt


def _ts_filter(lang: str) -> Callable[..., str]:
    @pass_context
    def fmt(context: Context, dt: datetime, style: str = "datetime") -> str:
        """``style``: "datetime" (the locale's one format), "time" or "date" (day headings);
        readers without an account are told the zone (UTC)."""
        ctx = context.get("ctx")
        account = getattr(ctx, "account", None)
        tz = account.timezone if account is not None else "UTC"
        return i18n.format_timestamp(dt, lang, style, tz, show_zone=account is None)

    return fmt


def evidence_marks(text: str, marks: Iterable[str] | None = None) -> Markup | str:
    """``text`` with the changed text a vandalism reason is about wrapped in ``<mark>``
    (escaped; ``marks`` from :attr:`wiki.patrol.scoring.StoredScore.marks`)."""
    wanted = sorted({m for m in marks or () if isinstance(m, str) and m.strip()}, key=len)
    if not wanted or not text:
        return text
    # Whole words only, and never inside a footnote marker ("2" is not the "2" of "[^2]").
    pattern = re.compile(
        "|".join(
            (r"(?<![\w^])" if m[0].isalnum() else "")
            + re.escape(m)
            + (r"(?!\w)" if m[-1].isalnum() else "")
            for m in reversed(wanted)
        )
    )
    out: list[Markup] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(Markup('<mark class="vandalism-evidence">{}</mark>').format(m.group(0)))
        last = m.end()
    if not out:
        return text
    out.append(escape(text[last:]))
    return Markup("").join(out)
