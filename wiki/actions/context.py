"""Who acts, through which channel, and what every action needs from the running app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from wiki.accounts import permissions, rights
from wiki.accounts.ratelimit import RateLimiter
from wiki.db import Database
from wiki.errors import N_, BadInput, RateLimited
from wiki.pages import drafts
from wiki.pages.revisions import Author
from wiki.patrol.logs import Performer
from wiki.settings import Settings
from wiki.text.titles import Title

#: The ways a change reaches the wiki.
WEB, REST, API, IMPORT, SYSTEM = "web", "rest", "api", "import", "system"
CHANNELS = (WEB, REST, API, IMPORT, SYSTEM)

MSG_RATE = N_("You have done this too often. Try again in {seconds} seconds.")


@dataclass(frozen=True)
class Actor(permissions.Editor):
    """Who asks for a change: an account or an IP, their groups, and the channel used."""

    channel: str = WEB
    #: The browser session, so that refused text can be kept as a draft for its owner.
    session_id: str | None = None

    @property
    def author(self) -> Author:
        return Author(name=self.name, user_id=self.user_id, groups=self.groups)

    @property
    def performer(self) -> Performer:
        return Performer(name=self.name, user_id=self.user_id)

    @property
    def draft_owner(self) -> str | None:
        return drafts.owner_for(user_id=self.user_id, session_id=self.session_id)

    def can(self, right: str) -> bool:
        return rights.has(self.groups, right)


@dataclass(frozen=True)
class Change:
    """What a committed action changed, for the caches that must forget it."""

    #: Pages whose rendering changed.
    titles: frozenset[Title] = frozenset()
    #: A page came into being or went away (moved, deleted, restored): links to it change
    #: colour on other pages.
    existence: bool = False
    #: Accounts, sessions, blocks or watches changed (per-account chrome).
    accounts: bool = False


@dataclass
class Env:
    """What actions need from the running app. Built once by ``create_app``."""

    settings: Settings
    db: Database
    limiter: RateLimiter
    #: Called after each committed change (cache invalidation). Must not raise.
    changed: Callable[[Change], None] = field(default=lambda change: None)

    def limit(self, actor: Actor, *actions: str) -> None:
        """Count ``actions`` for ``actor``; RateLimited (429) when one is over its limit."""
        if actor.can("noratelimit"):
            return
        for action in actions:
            wait = self.limiter.hit(
                action,
                ip=actor.ip,
                user_id=actor.user_id,
                autoconfirmed="autoconfirmed" in actor.groups,
            )
            if wait is not None:
                raise RateLimited(MSG_RATE, retry_after=wait)


def editable(title: Title) -> Title:
    """``title``, unless it cannot hold text (special pages)."""
    if title.is_special:
        raise BadInput(N_("Special pages cannot be edited."))
    return title
