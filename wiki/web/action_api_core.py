"""What the Action API's modules share (``wiki.web.action_api`` serves them): the request
wrapper with MediaWiki's parameter conventions, errors with MediaWiki's codes, the module
registry, timestamps, namespace lists and continuation cursors."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from wiki.accounts import rights
from wiki.text import titles
from wiki.web.base import MAX_ID, ensure_session, wiki_of
from wiki.web.templating import Ctx

TOKEN_SUFFIX = "+\\"
ANON_TOKEN = TOKEN_SUFFIX
TOKEN_TYPES = ("csrf", "login", "patrol", "rollback", "watch", "userrights")
MAX_BODY = 4 * 1024 * 1024  # a 2 MB page as form data, with room for the other fields
SERVED_BY = socket.gethostname()
#: A module whose answer is a bare JSON array (opensearch) returns {ARRAY: [...]}.
ARRAY = "__array__"


class ApiError(Exception):
    """An Action API error: a MediaWiki code and an English message."""

    def __init__(self, code: str, info: str, **extra: Any) -> None:
        super().__init__(info)
        self.code = code
        self.info = info
        self.extra = extra


@dataclass
class Api:
    """One Action API request: its parameters, the visitor, and the output format."""

    request: Request
    ctx: Ctx
    params: dict[str, str]
    formatversion: int = 1
    #: Cookies to set on the response (a new session at login).
    new_sid: str | None = None
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.params.get(name, default)

    def has(self, name: str) -> bool:
        """A boolean parameter: present means true (any value, even empty), as in MediaWiki."""
        return name in self.params

    def multi(self, name: str, default: str = "") -> list[str]:
        """A ``|``-separated list (or ``\\x1f``-separated when the value starts with it)."""
        raw = self.params.get(name, default)
        if raw.startswith("\x1f"):
            return [v for v in raw[1:].split("\x1f") if v != ""]
        return [v for v in raw.split("|") if v != ""]

    def choices(self, name: str, allowed: tuple[str, ...], default: str = "") -> list[str]:
        values = self.multi(name, default)
        bad = [v for v in values if v not in allowed]
        if bad:
            raise ApiError("badvalue", f'Unrecognized value for parameter "{name}": {bad[0]}.')
        return values

    def integer(
        self, name: str, default: int | None = None, *, low: int = 0, high: int = 2**31 - 1
    ) -> int | None:
        raw = self.params.get(name)
        if raw is None or raw == "":
            return default
        text = raw.strip()
        if not text.lstrip("-").isdigit() or len(text) > 12:
            raise ApiError(
                "badinteger", f'Invalid value "{raw[:40]}" for integer parameter "{name}".'
            )
        value = int(text)
        if not low <= value <= high:
            raise ApiError(
                "outofrange",
                f'Value "{value}" for parameter "{name}" must be between {low} and {high}.',
            )
        return value

    def limit(self, name: str, default: int = 10, *, high: int = 500) -> int:
        """A ``*limit`` parameter; ``max`` is the highest allowed (5000 for bots, as MediaWiki)."""
        top = high * 10 if self.ctx.can("bot") else high
        if self.params.get(name) == "max":
            return top
        value = self.integer(name, default, low=1, high=2**31 - 1)
        assert value is not None
        if value > top:  # MediaWiki clamps with a warning rather than failing
            self.warn(self.get("action", "main"), f'"{name}" may not be over {top} (set to {top}).')
            return top
        return value

    def bool_out(self, value: bool) -> Any:
        """A boolean for the output: True (formatversion=2), or "" to be dropped when false."""
        return value

    def warn(self, module: str, text: str) -> None:
        self.warnings.setdefault(module, []).append(text)

    def require(self, right: str) -> None:
        if not self.ctx.can(right):
            raise ApiError(
                "permissiondenied",
                f'You don\'t have permission to do this (it needs the right "{right}").',
            )

    def require_token(self) -> None:
        """The ``token`` parameter must be this session's (or, without an account, ``+\\``)."""
        token = self.params.get("token")
        if token is None:
            raise ApiError("missingparam", 'The "token" parameter must be set.')
        if not self.ctx.session_id:
            if token == ANON_TOKEN and self.ctx.user_id is None:
                return
            raise ApiError("badtoken", "Invalid CSRF token.")
        body = token[: -len(TOKEN_SUFFIX)] if token.endswith(TOKEN_SUFFIX) else token
        if self.ctx.user_id is None and token == ANON_TOKEN:
            return
        if not wiki_of(self.request).sessions.check_csrf(self.ctx.session_id, body):
            raise ApiError("badtoken", "Invalid CSRF token.")

    def token(self) -> str:
        """This session's token (giving the visitor a session first if needed)."""
        ctx = ensure_session(self.request)
        assert ctx.session_id
        return ctx.csrf_token + TOKEN_SUFFIX


Handler = Callable[[Api], Awaitable[dict[str, Any]]]
#: action name -> (handler, must be POSTed)
ACTIONS: dict[str, tuple[Handler, bool]] = {}


def action(name: str, *, post: bool = False) -> Callable[[Handler], Handler]:
    """Register an ``action=`` module."""

    def register(fn: Handler) -> Handler:
        ACTIONS[name] = (fn, post)
        return fn

    return register


def ts(value: datetime) -> str:
    """MediaWiki's API timestamp: ISO 8601, UTC, to the second, with ``Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(raw: str, name: str) -> datetime:
    """An API timestamp in any form MediaWiki accepts here (ISO 8601 or ``YYYYMMDDHHMMSS``)."""
    text = raw.strip()
    try:
        if text.isdigit() and len(text) == 14:
            return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            "badtimestamp", f'Invalid value "{raw[:40]}" for timestamp parameter "{name}".'
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def ns_list(api: Api, name: str) -> list[int] | None:
    values = api.multi(name)
    if not values or values == ["*"]:
        return None
    out = []
    for v in values:
        if not v.lstrip("-").isdigit() or int(v) not in titles.NAMESPACES:
            raise ApiError("badvalue", f'Unrecognized value for parameter "{name}": {v[:20]}.')
        out.append(int(v))
    return out


def cursor(api: Api, name: str) -> int | None:
    """A ``*continue`` value ("timestamp|id" or "id"): the id to continue below (inclusive)."""
    raw = api.get(name)
    if not raw:
        return None
    last = raw.rsplit("|", 1)[-1]
    if not last.isdigit() or not 0 < int(last) <= MAX_ID:
        raise ApiError(
            "badcontinue",
            "Invalid continue param. Pass the value returned by the previous query.",
        )
    return int(last)


# --- the route ---------------------------------------------------------------------------------


def user_rights(ctx: Ctx) -> list[str]:
    """The rights this visitor may use now (their groups' rights, within their grants)."""
    return sorted(r for r in rights.rights_of(ctx.groups) if ctx.can(r))
