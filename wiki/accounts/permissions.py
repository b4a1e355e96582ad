"""The one permission gate: may this visitor do this action (to this page)?

Every action in ``wiki.actions`` asks :func:`require` inside its transaction; forms that only
*show* whether a visitor may act (the edit form's read-only mode, a rollback link) ask
:func:`refusal`, which gives the same answer without raising. The checks run in MediaWiki's
order: the right (and whether anonymous editing is on), a block on the account or IP (a block
may still allow the user's own talk page), the right to create pages, then page protection.
Each kind of refusal has one wording, translated where it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from wiki.accounts import blocks, protection, rights
from wiki.accounts.blocks import BlockInfo
from wiki.errors import N_, PermissionDenied
from wiki.text import titles

#: What each action needs: its right, whether it writes page text (edit checks: anonymous
#: editing, create rights, edit protection), and the protection it is subject to, if any.
ACTIONS: dict[str, tuple[str, bool, str | None]] = {
    "edit": ("edit", True, "edit"),
    "rollback": ("rollback", True, "edit"),
    "move": ("move", False, "move"),
    "delete": ("delete", False, None),
    "undelete": ("undelete", False, None),
    "protect": ("protect", False, None),
    "block": ("block", False, None),
    "unblock": ("block", False, None),
    "patrol": ("patrol", False, None),
    "hiderevision": ("deleterevision", False, None),
    "userrights": ("userrights", False, None),
    "abusefilter": ("abusefilter-modify", False, None),
    "watch": ("read", False, None),
}
#: Actions a blocked visitor may still take (MediaWiki lets blocked users keep their watchlist,
#: and a blocked admin lift blocks, so that a mistaken self-block can be undone).
ALLOWED_WHEN_BLOCKED = frozenset({"watch", "unblock"})
#: Actions that need an account.
NEEDS_ACCOUNT = frozenset({"watch"})

MSG_ANONYMOUS = N_("This wiki requires you to log in to edit.")
MSG_LOGIN = N_("You need to log in to do this.")
MSG_RIGHT = N_("You do not have permission to do this (it needs the right: {right}).")
MSG_CREATE = N_("You do not have permission to create pages.")
MSG_BLOCKED = N_("You are blocked until {expiry}. Reason: {reason}")
MSG_PROTECTED = {
    "edit": N_("This page is protected so that only {who} can edit it. Reason: {reason}"),
    "move": N_("This page is protected so that only {who} can move it. Reason: {reason}"),
    "create": N_("This title is protected so that only {who} can create it. Reason: {reason}"),
}


@dataclass(frozen=True)
class Refusal:
    """Why an action is not allowed: a kind, a translatable message, and the block if any."""

    kind: str  # "anonymous", "login", "right", "blocked", "protected"
    msgid: str
    params: dict[str, str]
    block: BlockInfo | None = None
    protection: protection.ProtectionInfo | None = None


class Refused(PermissionDenied):
    """The permission gate said no (403); ``refusal`` says why."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.msgid, **refusal.params)
        self.refusal = refusal


@dataclass(frozen=True)
class Editor:
    """The facts about a visitor that decide what they may do."""

    user_id: int | None
    name: str  # the account name or the IP
    ip: str
    groups: frozenset[str] = field(default_factory=frozenset)


def refusal(
    session: Session,
    editor: Editor,
    action: str,
    title: titles.Title | None = None,
    *,
    exists: bool = True,
    anonymous_edits: bool = True,
) -> Refusal | None:
    """None when ``editor`` may do ``action`` (to ``title``); otherwise why not."""
    right, writes_text, protected_action = ACTIONS[action]
    if writes_text and editor.user_id is None and not anonymous_edits:
        return Refusal("anonymous", MSG_ANONYMOUS, {})
    if action in NEEDS_ACCOUNT and editor.user_id is None:
        return Refusal("login", MSG_LOGIN, {})
    if not rights.has(editor.groups, right):
        return Refusal("right", MSG_RIGHT, {"right": right})
    if action not in ALLOWED_WHEN_BLOCKED:
        block = blocks.find(session, user_id=editor.user_id, ip=editor.ip)
        own_talk = title is not None and _own_talk(title, editor)
        if block is not None and not (writes_text and block.allow_usertalk and own_talk):
            expiry = block.expires_at.isoformat() if block.expires_at else "infinite"
            params = {"expiry": expiry, "reason": block.reason or "—"}
            return Refusal("blocked", MSG_BLOCKED, params, block=block)
    if title is None:
        return None
    if writes_text and not exists:
        if not rights.has(editor.groups, "createtalk" if title.is_talk else "createpage"):
            return Refusal("right", MSG_CREATE, {})
        protected_action = "create"
    if protected_action is None:
        return None
    protections = protection.current(session, title)
    if not protection.allowed(protections, protected_action, editor.groups):
        p = protections[protected_action]
        params = {"who": p.level, "reason": p.reason or "—"}
        return Refusal("protected", MSG_PROTECTED[protected_action], params, protection=p)
    return None


def require(
    session: Session,
    editor: Editor,
    action: str,
    title: titles.Title | None = None,
    *,
    exists: bool = True,
    anonymous_edits: bool = True,
) -> None:
    """Raise :class:`Refused` unless ``editor`` may do ``action`` (to ``title``)."""
    found = refusal(session, editor, action, title, exists=exists, anonymous_edits=anonymous_edits)
    if found is not None:
        raise Refused(found)


def _own_talk(title: titles.Title, editor: Editor) -> bool:
    return title.ns == titles.NS_USER_TALK and title.text == editor.name


def may(groups: Iterable[str], right: str) -> bool:
    return rights.has(groups, right)
