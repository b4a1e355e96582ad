"""Translations and locale formatting. Catalogues live in ``wiki/translations/<lang>``; the
``.po`` files are compiled in memory at start-up, so there is no build step to forget."""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from wiki.errors import N_
from wiki.settings import LANGUAGES

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia"}


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue for ``lang`` (NullTranslations for English without a catalogue)."""
    po = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return _gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def negotiate(
    uselang: str | None,
    cookie: str | None,
    accept_language: str | None,
    default: str,
) -> str:
    """Pick the UI language: ?uselang=, then the cookie, then Accept-Language, then default."""
    for candidate in (uselang, cookie):
        if candidate and candidate.lower() in LANGUAGES:
            return candidate.lower()
    if accept_language:
        for lang in _parse_accept_language(accept_language):
            base = lang.split("-")[0].lower()
            if base == "ms":  # Malay readers read Indonesian more easily than English.
                base = "id"
            if base in LANGUAGES:
                return base
    return default


def _parse_accept_language(header: str) -> Iterable[str]:
    weighted: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")[:20]):
        piece = part.strip()
        if not piece:
            continue
        lang, _, params = piece.partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > 0:
            weighted.append((-q, i, lang.strip()))
    return [lang for _, _, lang in sorted(weighted)]


#: One date-time format per locale, on every page (MediaWiki's: "14:05, 5 December 2026";
#: id.wikipedia's: "5 Desember 2026 14.05"), with its time-only and date-only parts for lists
#: grouped by day.
FORMATS: dict[str, dict[str, str]] = {
    "datetime": {"en": "HH:mm, d MMMM y", "id": "d MMMM y HH.mm"},
    "time": {"en": "HH:mm", "id": "HH.mm"},
    "date": {"en": "EEEE d MMMM y", "id": "EEEE, d MMMM y"},
}


def format_timestamp(
    dt: datetime, lang: str, fmt: str = "datetime", tz: str = "UTC", *, show_zone: bool = False
) -> str:
    """A timestamp in the locale's one format (``fmt``: "datetime", "time" or "date"), in the
    reader's time zone (UTC by default), followed by the zone's name when ``show_zone``."""
    pattern = FORMATS.get(fmt, FORMATS["datetime"])
    text = format_datetime(
        dt, format=pattern.get(lang, pattern["en"]), locale=_locale(lang), tzinfo=_zone(tz)
    )
    if show_zone and fmt != "date":
        text += f" ({'UTC' if _zone(tz) is UTC else tz})"
    return text


@cache
def _zone(name: str) -> tzinfo:
    """An IANA time zone by name; UTC for unknown names (preferences validate them)."""
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@lru_cache(maxsize=8192)  # listings format the same sizes and deltas over and over
def format_number(n: int, lang: str) -> str:
    return format_decimal(n, locale=_locale(lang))


def format_fixed(x: float, places: int, lang: str) -> str:
    """``x`` with exactly ``places`` decimals in the locale's digits ("2,18" in Indonesian)."""
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_decimal(x, format=pattern, locale=_locale(lang), decimal_quantization=True)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


#: The language and time zone of the request being served (set by ``wiki.web.base.make_ctx``),
#: so that a :class:`Moment` in a message reads right wherever the message is formatted.
_READER: ContextVar[tuple[str, str, bool]] = ContextVar("reader", default=("en", "UTC", True))


def set_reader(lang: str, tz: str, *, show_zone: bool) -> None:
    """Format moments for this reader in the current request (context); ``show_zone`` for
    readers without an account, who have not chosen a time zone."""
    _READER.set((lang, tz, show_zone))


#: What an expiry that never comes reads as (MediaWiki: "infinite").
NEVER = N_("indefinite")


@dataclass(frozen=True)
class Moment:
    """A point in time (or None: never) that formats itself in the reader's language and time
    zone; put it in a message's parameters instead of an ISO string."""

    when: datetime | None

    def __str__(self) -> str:
        lang, tz, show_zone = _READER.get()
        if self.when is None:
            return translations(lang).gettext(NEVER)
        return format_timestamp(self.when, lang, "datetime", tz, show_zone=show_zone)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def parse_expiry_param(value: object) -> datetime | None:
    """A log entry's ``expiry`` parameter (ISO, or "infinity"/"infinite") as a datetime."""
    if not isinstance(value, str) or not value or value in ("infinity", "infinite"):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


#: The wiki's words that reach pages as data (log types, groups, protection levels and actions,
#: abuse-rule actions, HTTP errors), each translated where shown (the ``label`` filter).
VOCABULARY: dict[str, dict[str, str]] = {
    "log": {
        "create": N_("user creation log"),
        "move": N_("move log"),
        "protect": N_("protection log"),
        "block": N_("block log"),
        "delete": N_("deletion log"),
        "patrol": N_("patrol log"),
        "rollback": N_("rollback log"),
        "revision": N_("revision visibility log"),
        "rights": N_("user rights log"),
        "abusefilter": N_("abuse rule log"),
        "import": N_("import log"),
    },
    "group": {
        "*": N_("everyone"),
        "user": N_("users"),
        "autoconfirmed": N_("autoconfirmed users"),
        "patroller": N_("patrollers"),
        "admin": N_("administrators"),
        "bot": N_("bots"),
    },
    "action": {"edit": N_("editing"), "move": N_("moving"), "create": N_("creation")},
    "rule_action": {
        "log": N_("log"),
        "tag": N_("tag"),
        "warn": N_("warn"),
        "disallow": N_("disallow"),
        "throttle": N_("throttle"),
    },
    "tag": {
        "mw-rollback": N_("Rollback"),
        "mw-undo": N_("Undo"),
        "mw-blank": N_("Blanking"),
        "mw-replace": N_("Replaced"),
        "mw-new-redirect": N_("New redirect"),
        "mw-removed-redirect": N_("Removed redirect"),
    },
    "http": {
        "400": N_("Bad Request"),
        "403": N_("Forbidden"),
        "404": N_("Not Found"),
        "405": N_("Method Not Allowed"),
        "409": N_("Conflict"),
        "413": N_("Content Too Large"),
        "415": N_("Unsupported Media Type"),
        "422": N_("Unprocessable Content"),
        "429": N_("Too Many Requests"),
        "500": N_("Internal Server Error"),
        "503": N_("Service Unavailable"),
    },
}


def label(kind: str, value: object, lang: str) -> str:
    """``value`` (a log type, group, ...) in ``lang``; unknown values are shown as they are."""
    msgid = VOCABULARY.get(kind, {}).get(str(value))
    return translations(lang).gettext(msgid) if msgid is not None else str(value)


@dataclass(frozen=True)
class Word:
    """A vocabulary word in a message's parameters: shown in the reader's language."""

    kind: str
    value: str

    def __str__(self) -> str:
        return label(self.kind, self.value, _READER.get()[0])

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)
