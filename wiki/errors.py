"""Domain errors. Services raise these; ``wiki.web.errors`` maps them to HTTP in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def N_(msgid: str) -> str:
    """Mark a message for translation where it is defined; it is translated where shown."""
    return msgid


class WikiError(Exception):
    """Base class: something the user or operator can be told about.

    ``msgid`` is an English message with ``{name}`` placeholders, marked with ``N_`` so Babel
    extracts it; the web layer shows ``translated(gettext)`` in the reader's language.
    """

    status = 400

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        self.message = msgid.format(**params)
        super().__init__(self.message)

    def translated(self, gettext: Callable[[str], str]) -> str:
        return gettext(self.msgid).format(**self.params)


class ConfigError(WikiError):
    """The configuration is unusable."""

    status = 500


class InvalidTitle(WikiError):
    """A title broke one of the title rules; ``message`` says which."""

    status = 400


class NotFound(WikiError):
    """A page or revision does not exist."""

    status = 404


class TooLarge(WikiError):
    """A text is over the size limit."""

    status = 413


class BadInput(WikiError):
    """A malformed form or JSON body."""

    status = 400


class EditConflict(WikiError):
    """The page changed since the editor's base revision."""

    status = 409

    def __init__(
        self,
        msgid: str,
        *,
        base_id: int | None,
        latest_id: int | None,
        base: str = "",
        theirs: str = "",
        yours: str = "",
        proposal: str = "",
    ) -> None:
        super().__init__(msgid)
        self.base_id = base_id
        self.latest_id = latest_id
        #: The three texts of the failed merge, and a proposal that keeps every word of both.
        self.base = base
        self.theirs = theirs
        self.yours = yours
        self.proposal = proposal


class PermissionDenied(WikiError):
    """The user lacks a right, is blocked, or the page is protected."""

    status = 403


class RateLimited(WikiError):
    """Too many attempts; ``retry_after`` seconds until the limit's window ends."""

    status = 429

    def __init__(self, msgid: str, *, retry_after: int) -> None:
        super().__init__(msgid, seconds=retry_after)
        self.retry_after = retry_after


class AbuseDisallowed(PermissionDenied):
    """An abuse rule of the wiki refused this change (403); ``rule_message`` is the rule's own
    message, written by the admins."""

    def __init__(self, rule_message: str) -> None:
        super().__init__(
            N_("This edit was stopped by a rule of this wiki: {message}"), message=rule_message
        )
        self.rule_message = rule_message


class AbuseWarned(PermissionDenied):
    """Abuse rules warn about this change; saving again with their ids acknowledged goes ahead.
    409, as the change was not made and can be repeated."""

    status = 409

    def __init__(self, warnings: dict[int, str]) -> None:
        super().__init__(
            N_("Warning from a rule of this wiki: {message} If you are sure, save again."),
            message=" ".join(warnings.values()),
        )
        self.warnings = dict(warnings)
