"""Can this visitor edit this page? One answer for the edit form, the save and the API.

The checks, in MediaWiki's order: the edit right (and whether anonymous editing is on), a block
on the account or IP (a block may still allow the user's own talk page), the right to create
pages, then page protection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from wiki.accounts import blocks, grants, protection, rights
from wiki.accounts.blocks import BlockInfo
from wiki.errors import N_
from wiki.text import titles


@dataclass(frozen=True)
class Refusal:
    """Why an edit is not allowed: a kind, a translatable message, and the block if any."""

    kind: str  # "anonymous", "right", "blocked", "protected"
    msgid: str
    params: dict[str, str]
    block: BlockInfo | None = None
    protection: protection.ProtectionInfo | None = None


@dataclass(frozen=True)
class Editor:
    """The facts about a visitor that decide what they may do."""

    user_id: int | None
    name: str  # the account name or the IP
    ip: str
    groups: frozenset[str]
    #: The grants of the bot password or API token in use (None: a full login, no limit).
    grants: frozenset[str] | None = None

    def has(self, right: str) -> bool:
        return rights.has(self.groups, right) and grants.allows(self.grants, right)


def edit_refusal(
    session: Session,
    title: titles.Title,
    editor: Editor,
    *,
    exists: bool,
    anonymous_edits: bool,
) -> Refusal | None:
    """None when ``editor`` may edit (or create) ``title``; otherwise why not."""
    if editor.user_id is None and not anonymous_edits:
        return Refusal("anonymous", N_("This wiki requires you to log in to edit."), {})
    if not editor.has("edit"):
        return Refusal("right", N_("You do not have permission to edit pages."), {})
    block = blocks.find(session, user_id=editor.user_id, ip=editor.ip)
    if block is not None and not (block.allow_usertalk and _own_talk(title, editor)):
        expiry = block.expires_at.isoformat() if block.expires_at else "infinite"
        return Refusal(
            "blocked",
            N_("You are blocked from editing until {expiry}. Reason: {reason}"),
            {"expiry": expiry, "reason": block.reason or "—"},
            block=block,
        )
    needed = "createtalk" if title.is_talk else "createpage"
    if not exists and not editor.has(needed):
        return Refusal("right", N_("You do not have permission to create pages."), {})
    protections = protection.current(session, title)
    action = "edit" if exists else "create"
    if not protection.allowed(protections, action, editor.groups):
        p = protections[action]
        return Refusal(
            "protected",
            N_("This page is protected so that only {who} can edit it. Reason: {reason}"),
            {"who": p.level, "reason": p.reason or "—"},
            protection=p,
        )
    return None


def _own_talk(title: titles.Title, editor: Editor) -> bool:
    return title.ns == titles.NS_USER_TALK and title.text == editor.name


def may(groups: Iterable[str], right: str) -> bool:
    return rights.has(groups, right)
