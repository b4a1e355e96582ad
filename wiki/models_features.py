"""Tables of the features around pages: talk subscriptions and the new-messages flag, abuse
rules and their log, password resets, imported revisions, bot passwords and API tokens.
(``wiki.models`` re-exports them with the core tables.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wiki.columns import UTCDateTime, utcnow
from wiki.db import Base

# --- talk pages (wiki.talk.posting)
# ---------------------------------------------------------------------


class TopicSubscription(Base):
    """A user follows a topic of a talk page (replying subscribes you): new comments in it
    notify them. Keyed by page id, so it survives moves of the page."""

    __tablename__ = "topic_subscription"
    __table_args__ = (Index("ix_topic_subscription_user_id", "user_id"),)

    page_id: Mapped[int] = mapped_column(
        ForeignKey("page.id", name="fk_topic_subscription_page_id", ondelete="CASCADE"),
        primary_key=True,
    )
    #: The topic's id (``h-...``, see ``wiki.talk.threads``).
    topic: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", name="fk_topic_subscription_user_id", ondelete="CASCADE"),
        primary_key=True,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IpNewTalk(Base):
    """An IP's talk page changed since that IP last read it ("you have new messages"): anonymous
    editors have no inbox. One row per IP, deleted when they read the page."""

    __tablename__ = "ip_newtalk"

    #: The IP address in its canonical text form (``ipaddress``'s).
    ip: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AbuseRule(Base):
    """An admin's rule over edits before they are saved (Special:AbuseFilter, wiki.patrol.abuse).

    Every condition that is set must hold: the pattern occurs in the added text, the size
    change is at most ``max_delta``, at least ``min_removed`` bytes were removed, the page is in
    one of ``namespaces``, the editor is anonymous or not autoconfirmed, the score is at least
    ``min_score``. ``actions`` is a comma-separated subset of log, tag, warn, disallow, throttle.
    """

    __tablename__ = "abuse_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    pattern: Mapped[str] = mapped_column(Text, default="")
    max_delta: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_removed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Comma-separated namespace numbers; "" = all.
    namespaces: Mapped[str] = mapped_column(String(255), default="")
    new_users_only: Mapped[bool] = mapped_column(Boolean, default=False)
    min_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    actions: Mapped[str] = mapped_column(String(64), default="log")
    #: Throttle: hits per user per hour before further matching edits are refused.
    throttle_count: Mapped[int] = mapped_column(Integer, default=3)
    message: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AbuseHit(Base):
    """One rule matching one edit attempt (Special:AbuseLog); ``action`` is what was done."""

    __tablename__ = "abuse_hit"
    __table_args__ = (
        Index("ix_abuse_hit_rule_user", "rule_id", "user_text", "timestamp"),
        Index("ix_abuse_hit_timestamp", "timestamp"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: The account name, or the IP address.
    user_text: Mapped[str] = mapped_column(String(255))
    namespace: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    #: log, tag, warn, disallow, throttle, or cutoff (the time budget ran out first).
    action: Mapped[str] = mapped_column(String(16))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: JSON: the added text (an excerpt), size change, removed bytes, score, summary.
    details: Mapped[str] = mapped_column(Text, default="{}")


class PasswordReset(Base):
    """A one-time password reset token (only its hash is stored), valid for an hour."""

    __tablename__ = "password_reset"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", name="fk_password_reset_user_id", ondelete="CASCADE")
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- imports (wiki.dumps, wiki.actions.imports) -------------------------------------------------


class ImportedRevision(Base):
    """Where an imported revision came from, and its original text when it was converted
    (wikitext to Markdown): the original stays retrievable, and a re-import recognises it."""

    __tablename__ = "imported_revision"
    __table_args__ = (Index("ix_imported_revision_source", "source", "original_id"),)

    rev_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The sitename of the export it came from.
    source: Mapped[str] = mapped_column(String(255))
    original_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    model: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(64))
    #: The text as it was in the file, when it was converted; NULL when stored as it came.
    original_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: What did not convert, one item per line.
    unconverted: Mapped[str] = mapped_column(Text, default="")


class BotPassword(Base):
    """A password for one tool of one account (``Name@app``), limited to some grants.

    The password is 32 random characters generated by us, so a SHA-256 hash is enough."""

    __tablename__ = "bot_password"
    __table_args__ = (UniqueConstraint("user_id", "app_id", name="uq_bot_password_user_app"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", name="fk_bot_password_user_id", ondelete="CASCADE")
    )
    app_id: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(64))
    #: Space-separated grant names (wiki.accounts.grants).
    grants: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(Base):
    """A personal token for the REST API (``Authorization: Bearer``); only its hash is kept."""

    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", name="fk_api_token_user_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    grants: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
