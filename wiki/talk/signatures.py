"""Talk-page signatures: a link to the user (or an IP's contributions) and a UTC timestamp,
written by ``~~~~`` and found at the end of a comment's line. Pure: no I/O."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from wiki.errors import InvalidTitle
from wiki.text import titles

STAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
#: How far (in characters) a signature's user link may be from its timestamp.
SIGNATURE_REACH = 100

STAMP_RE = re.compile(
    r"(?<![\d-])(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))? \(UTC\)[ \t]*$"
)
LINK_RE = re.compile(r"\[\[([^\[\]|\n]*)(?:\|([^\[\]\n]*))?\]\]")
_CONTRIBUTIONS = frozenset({"contributions", "kontribusipengguna", "kontribusi"})


@dataclass(frozen=True)
class Signature:
    """A signature found at the end of a line."""

    author: str  # the account name, or the IP
    anonymous: bool
    timestamp: datetime
    stamp: str  # the timestamp as written, e.g. "2026-11-29 12:30:05 (UTC)"
    column: int  # where the author link starts


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def stamp(when: datetime) -> str:
    """The UTC timestamp of a signature: ``2026-11-29 12:30:05 (UTC)``."""
    return when.astimezone(UTC).strftime(STAMP_FORMAT) + " (UTC)"


def user_link(name: str, *, anonymous: bool) -> str:
    """A link to the user page, or to an IP's contributions."""
    if anonymous:
        return f"[[Special:Contributions/{name}|{name}]]"
    return f"[[User:{name}|{name}]]"


def signature(name: str, *, anonymous: bool, when: datetime) -> str:
    """What ``~~~~`` expands to: the user link and the UTC timestamp."""
    return f"{user_link(name, anonymous=anonymous)} {stamp(when)}"


def _user_of(target: str) -> tuple[str, bool] | None:
    """(name, anonymous) when a link target is a user page, user talk page or contributions."""
    try:
        title = titles.parse(target.strip())
    except InvalidTitle:
        return None
    if title.ns in (titles.NS_USER, titles.NS_USER_TALK):
        name = title.text.split("/", 1)[0]
    elif title.ns == titles.NS_SPECIAL:
        page, _, name = title.text.partition("/")
        if page.replace(" ", "").lower() not in _CONTRIBUTIONS or not name.strip():
            return None
        name = name.strip()
    else:
        return None
    return name, is_ip(name)


def find_signature(line: str) -> Signature | None:
    """The signature that ends ``line``, or None."""
    match = STAMP_RE.search(line)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
    try:
        when = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    for link in reversed(list(LINK_RE.finditer(line, 0, match.start()))):
        if match.start() - link.end() > SIGNATURE_REACH:
            break
        who = _user_of(link.group(1))
        if who is not None:
            return Signature(who[0], who[1], when, match.group(0).rstrip(), link.start())
    return None
