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


def format_timestamp(dt: datetime, lang: str, fmt: str = "medium", tz: str = "UTC") -> str:
    """A timestamp in the locale's format, in the reader's time zone (UTC by default)."""
    return format_datetime(dt, format=fmt, locale=_locale(lang), tzinfo=_zone(tz))


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


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


#: The language and time zone of the request being served (set by ``wiki.web.base.make_ctx``),
#: so that a :class:`Moment` in a message reads right wherever the message is formatted.
_READER: ContextVar[tuple[str, str]] = ContextVar("reader", default=("en", "UTC"))


def set_reader(lang: str, tz: str) -> None:
    """Format moments for this reader in the current request (context)."""
    _READER.set((lang, tz))


#: What an expiry that never comes reads as (MediaWiki: "infinite").
NEVER = N_("indefinite")


@dataclass(frozen=True)
class Moment:
    """A point in time (or None: never) that formats itself in the reader's language and time
    zone; put it in a message's parameters instead of an ISO string."""

    when: datetime | None

    def __str__(self) -> str:
        lang, tz = _READER.get()
        if self.when is None:
            return translations(lang).gettext(NEVER)
        return format_timestamp(self.when, lang, "medium", tz)

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
