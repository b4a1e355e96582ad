"""Groups and rights: one table decides every permission check, in one place. Pure.

MediaWiki's model: a user belongs to groups; each group grants rights; a check asks whether any
of the user's groups grants the right. Anonymous visitors are in ``*``; every account is also in
``user``; ``autoconfirmed`` is implicit (by account age and edit count, see
``wiki.accounts.users``).
"""

from __future__ import annotations

from collections.abc import Iterable

#: Rights, named as in MediaWiki where one exists.
RIGHTS = (
    "read",
    "edit",
    "createpage",
    "createtalk",
    "move",
    "patrol",
    "autopatrol",
    "rollback",
    "protect",
    "block",
    "deleterevision",  # hide a revision's text, summary or author
    "viewsuppressed",  # see hidden revision parts
    "delete",
    "undelete",
    "userrights",  # manage groups
    "editprotected",  # edit fully protected pages
    "editsemiprotected",  # edit semi-protected pages
    "bot",
    "noratelimit",
    "abusefilter-modify",
    "abusefilter-log-detail",
    "import",  # import pages and their histories (Special:Import, wiki import)
)

#: Groups an admin can grant; ``*``, ``user`` and ``autoconfirmed`` are implicit.
ASSIGNABLE = ("patroller", "admin", "bot")
ALL_GROUPS = ("*", "user", "autoconfirmed", *ASSIGNABLE)

GROUP_RIGHTS: dict[str, frozenset[str]] = {
    "*": frozenset({"read", "edit", "createpage", "createtalk"}),
    "user": frozenset({"read", "edit", "createpage", "createtalk"}),
    "autoconfirmed": frozenset({"move", "editsemiprotected"}),
    "patroller": frozenset({"patrol", "autopatrol", "rollback", "abusefilter-log-detail"}),
    "admin": frozenset(
        {
            "move",
            "editsemiprotected",
            "editprotected",
            "patrol",
            "autopatrol",
            "rollback",
            "protect",
            "block",
            "deleterevision",
            "viewsuppressed",
            "delete",
            "undelete",
            "userrights",
            "noratelimit",
            "abusefilter-modify",
            "abusefilter-log-detail",
            "import",
        }
    ),
    "bot": frozenset({"bot", "autopatrol", "editsemiprotected", "move", "noratelimit"}),
}


def rights_of(groups: Iterable[str]) -> frozenset[str]:
    """Every right granted by ``groups``."""
    granted: set[str] = set()
    for group in groups:
        granted |= GROUP_RIGHTS.get(group, frozenset())
    return frozenset(granted)


def has(groups: Iterable[str], right: str) -> bool:
    """Whether any of ``groups`` grants ``right``."""
    if right not in RIGHTS:
        raise ValueError(f"unknown right {right!r}")
    return right in rights_of(groups)
