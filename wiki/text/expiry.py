"""Expiry times for blocks, protection and watchlist entries, as MediaWiki's forms offer them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from wiki.errors import N_, BadInput

#: The choices the forms offer, in order; values are what the form sends.
CHOICES = ("1 hour", "1 day", "3 days", "1 week", "2 weeks", "1 month", "3 months", "1 year")
#: What the forms show for each choice (translated where shown).
LABELS = {
    "1 hour": N_("1 hour"),
    "1 day": N_("1 day"),
    "3 days": N_("3 days"),
    "1 week": N_("1 week"),
    "2 weeks": N_("2 weeks"),
    "1 month": N_("1 month"),
    "3 months": N_("3 months"),
    "1 year": N_("1 year"),
}
INFINITE = ("infinite", "indefinite", "infinity", "never", "", "selamanya", "tak terbatas")

_UNITS = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
}
#: Indonesian unit names, so "3 hari" works as well as "3 days".
_INDONESIAN = {
    "menit": "minute",
    "jam": "hour",
    "hari": "day",
    "minggu": "week",
    "pekan": "week",
    "bulan": "month",
    "tahun": "year",
}
_RELATIVE = re.compile(
    r"^\s*(\d{1,4})\s*(minute|hour|day|week|month|year|menit|jam|hari|minggu|pekan|bulan|tahun)s?\s*$",
    re.I,
)


def parse(value: str, *, now: datetime | None = None) -> datetime | None:
    """``"3 days"`` → a UTC datetime; ``"infinite"`` → None; an ISO date/time works too."""
    now = now or datetime.now(UTC)
    text = value.strip().lower()
    if text in INFINITE:
        return None
    m = _RELATIVE.match(text)
    if m:
        unit = m.group(2).lower()
        return now + int(m.group(1)) * _UNITS[_INDONESIAN.get(unit, unit)]
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(N_("The expiry {value} is not a time I understand."), value=value) from None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    if when <= now:
        raise BadInput(N_("The expiry must be in the future."))
    return when
