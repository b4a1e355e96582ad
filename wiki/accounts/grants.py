"""Grants: the bundles of rights a bot password or an API token may use. Pure.

MediaWiki's model (Special:BotPasswords): a credential made for a tool carries a few grants,
and the tool may use a right only when the account has it *and* a grant of the credential
includes it. Reading is always granted (``basic``).
"""

from __future__ import annotations

from collections.abc import Iterable

from wiki.errors import N_

#: Grant name -> (what it allows, in words for the form; the rights it covers).
GRANTS: dict[str, tuple[str, frozenset[str]]] = {
    "basic": (N_("Basic rights: read pages"), frozenset({"read"})),
    "highvolume": (
        N_("High-volume editing (bot flag, no rate limits)"),
        frozenset({"bot", "noratelimit"}),
    ),
    "editpage": (
        N_("Edit existing pages and create new ones"),
        frozenset({"edit", "createpage", "createtalk", "editsemiprotected"}),
    ),
    "editprotected": (N_("Edit protected pages"), frozenset({"editprotected"})),
    "editmywatchlist": (N_("Edit your watchlist"), frozenset()),
    "movepage": (N_("Move pages"), frozenset({"move"})),
    "patrol": (N_("Patrol changes to pages"), frozenset({"patrol", "autopatrol"})),
    "rollback": (N_("Roll back changes to pages"), frozenset({"rollback"})),
    "protect": (N_("Protect and unprotect pages"), frozenset({"protect", "editprotected"})),
    "blockusers": (N_("Block and unblock users"), frozenset({"block"})),
    "delete": (
        N_("Delete and undelete pages, hide revisions"),
        frozenset({"delete", "undelete", "deleterevision", "viewsuppressed"}),
    ),
}

ALWAYS = frozenset({"basic"})


def parse(text: str | Iterable[str]) -> frozenset[str]:
    """The known grants in a space-separated string (or an iterable), plus ``basic``."""
    names = text.split() if isinstance(text, str) else list(text)
    return frozenset(n for n in names if n in GRANTS) | ALWAYS


def serialize(granted: Iterable[str]) -> str:
    return " ".join(sorted(parse(granted)))


def rights_of(granted: Iterable[str]) -> frozenset[str]:
    """Every right the grants cover."""
    covered: set[str] = set()
    for name in granted:
        covered |= GRANTS.get(name, ("", frozenset()))[1]
    return frozenset(covered)


def allows(granted: frozenset[str] | None, right: str) -> bool:
    """Whether a credential with ``granted`` may use ``right`` (None: not restricted)."""
    return granted is None or right in rights_of(granted)
