"""Typed SQLAlchemy models. Alembic owns the schema; ``tests/test_migrations.py`` keeps the two
in agreement."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    func,
    select,
    true,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from wiki.db import Base

SUMMARY_MAX = 500


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC in every database; always returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class User(Base):
    """A registered account. Anonymous editors have no row: they are known by IP."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: argon2id hash (argon2-cffi's encoded form); empty for accounts that cannot log in.
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    edit_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Preferences: UI language ("" = negotiate), diff mode, IANA time zone.
    language: Mapped[str] = mapped_column(String(8), default="")
    diff_mode: Mapped[str] = mapped_column(String(8), default="side")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    #: Preference: pages you edit are added to your watchlist (wiki.pages.edits).
    watch_edits: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Private token for the watchlist's Atom feed ("" until asked for; can be reset).
    feed_token: Mapped[str] = mapped_column(String(64), default="", server_default="")


class UserGroup(Base):
    """Explicit group membership (patroller, admin, bot); implicit groups are computed."""

    __tablename__ = "user_group"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", name="fk_user_group_user_id", ondelete="CASCADE"), primary_key=True
    )
    group: Mapped[str] = mapped_column(String(32), primary_key=True)


class SessionRow(Base):
    """A server-side session. The cookie carries a random id; only its hash is stored here."""

    __tablename__ = "session"
    __table_args__ = (Index("ix_session_user_id", "user_id"),)

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", name="fk_session_user_id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Page(Base):
    """A page: a namespace and a title, pointing at its latest revision."""

    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("namespace", "title", name="uq_page_namespace_title"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    namespace: Mapped[int] = mapped_column(Integer)
    #: Display form of the title without the namespace, spaces not underscores.
    title: Mapped[str] = mapped_column(String(255))
    latest_id: Mapped[int | None] = mapped_column(
        ForeignKey("revision.id", use_alter=True, name="fk_page_latest_id"), nullable=True
    )
    length: Mapped[int] = mapped_column(Integer, default=0)
    is_redirect: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    touched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    latest: Mapped[Revision | None] = relationship(foreign_keys=[latest_id], lazy="raise")


class Revision(Base):
    """One immutable saved version of a page."""

    __tablename__ = "revision"
    __table_args__ = (
        Index("ix_revision_page_id_id", "page_id", "id"),
        Index("ix_revision_timestamp", "timestamp"),
        Index("ix_revision_user_text_id", "user_text", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id", name="fk_revision_page_id"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("revision.id", name="fk_revision_parent_id"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text)
    sha1: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", name="fk_revision_user_id"), nullable=True
    )
    #: The account name, or the IP address of an anonymous editor.
    user_text: Mapped[str] = mapped_column(String(255))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    minor: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Hidden parts, a bit field of wiki.pages.visibility: 1 text, 2 summary, 4 author.
    visibility: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The vandalism score in [0, 1] when the edit was saved (wiki.patrol.scoring); None: not
    # scored.
    vandalism_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: The score's reasons as JSON: [{"code", "msgid", "params", "contribution"}, ...].
    vandalism_reasons: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class RenderedRevision(Base):
    """Render cache: a revision's HTML, with wiki-link slots resolved at view time."""

    __tablename__ = "rendered_revision"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revision.id", name="fk_rendered_revision_id", ondelete="CASCADE"),
        primary_key=True,
    )
    #: Version of the renderer that produced this row; a bump re-renders lazily.
    renderer: Mapped[int] = mapped_column(Integer)
    #: HTML with wiki-link slots (see ``wiki.text.markup``).
    html: Mapped[str] = mapped_column(Text)
    #: JSON: link targets per slot, table of contents, headings.
    meta: Mapped[str] = mapped_column(Text)


class Draft(Base):
    """Text the server kept because a save did not go through (conflict, limit, refusal).

    One draft per owner and page; the owner is a hashed session id (anonymous) or an account.
    """

    __tablename__ = "draft"
    __table_args__ = (
        UniqueConstraint("owner", "namespace", "title", name="uq_draft_owner_page"),
        Index("ix_draft_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(80))
    namespace: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    base_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    section: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Why the text was kept: conflict, too_large, invalid, csrf, refused.
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LogEntry(Base):
    """One logged action (Special:Log): move, protect, block, delete, patrol, rights, ..."""

    __tablename__ = "log_entry"
    __table_args__ = (
        Index("ix_log_entry_type_id", "type", "id"),
        Index("ix_log_entry_performer_id", "performer_text", "id"),
        Index("ix_log_entry_target_id", "namespace", "title", "id"),
        Index("ix_log_entry_timestamp", "timestamp"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(32))  # move, protect, block, delete, patrol, ...
    action: Mapped[str] = mapped_column(String(32))  # move, protect, unprotect, block, ...
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    performer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", name="fk_log_entry_performer_id"), nullable=True
    )
    performer_text: Mapped[str] = mapped_column(String(255))
    namespace: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    page_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    #: JSON object with action-specific details (new title, expiry, groups, ...).
    params: Mapped[str] = mapped_column(Text, default="{}")


class Protection(Base):
    """Page protection for one action (edit, move, create), for existing or missing titles."""

    __tablename__ = "protection"

    namespace: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(255), primary_key=True)
    action: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: "autoconfirmed" (semi) or "admin" (full).
    level: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    performer_text: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Block(Base):
    """A block of an account, an IP address or an IP range (CIDR)."""

    __tablename__ = "block"
    __table_args__ = (Index("ix_block_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The account name, or an IP address or CIDR range ("203.0.113.0/24").
    target: Mapped[str] = mapped_column(String(255), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", name="fk_block_user_id", ondelete="CASCADE"), nullable=True
    )
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    allow_usertalk: Mapped[bool] = mapped_column(Boolean, default=True)
    block_createaccount: Mapped[bool] = mapped_column(Boolean, default=True)
    #: An IP or range block that spares logged-in users on the address (MediaWiki's default
    #: for IP blocks: carriers share addresses widely).
    anon_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    performer_text: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RateCounter(Base):
    """A fixed-window counter for rate limits, shared by every app process."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


# --- navigation: links, categories, redirects (wiki.navigation.links)
# -----------------------------------


class LinkTarget(Base):
    """A title that exists or is linked to: one row per title (MediaWiki's ``linktarget``).

    Two columns are maintained on every save and move so the reports stay index-driven:
    ``page_id`` (the page with this title, None for a red link) and ``link_count`` (pages
    linking here). A row with neither is deleted.
    """

    __tablename__ = "link_target"
    __table_args__ = (
        UniqueConstraint("namespace", "title", name="uq_link_target_namespace_title"),
        # Special:WantedPages: page_id IS NULL, most-linked first.
        Index("ix_link_target_page_id_count", "page_id", "link_count", "id"),
        # Special:LonelyPages: link_count = 0 in one namespace, by title.
        Index("ix_link_target_lonely", "namespace", "link_count", "title"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    namespace: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    page_id: Mapped[int | None] = mapped_column(
        ForeignKey("page.id", name="fk_link_target_page_id"), nullable=True
    )
    link_count: Mapped[int] = mapped_column(Integer, default=0)


class Link(Base):
    """A wiki link from a page (its latest revision) to a title; redirects count as links."""

    __tablename__ = "link"
    __table_args__ = (Index("ix_link_target_id_from", "target_id", "from_page_id"),)

    from_page_id: Mapped[int] = mapped_column(
        ForeignKey("page.id", name="fk_link_from_page_id"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("link_target.id", name="fk_link_target_id"), primary_key=True
    )


class CategoryLink(Base):
    """A page's membership of a category, with the key category pages sort by."""

    __tablename__ = "category_link"
    __table_args__ = (
        Index("ix_category_link_listing", "category", "kind", "sortkey", "from_page_id"),
    )

    from_page_id: Mapped[int] = mapped_column(
        ForeignKey("page.id", name="fk_category_link_from_page_id"), primary_key=True
    )
    #: The category's title text, without the namespace.
    category: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: The member's title text, without the namespace.
    sortkey: Mapped[str] = mapped_column(String(255))
    #: "subcat" for members in the Category namespace, else "page".
    kind: Mapped[str] = mapped_column(String(8))


class Redirect(Base):
    """Where a redirect page points (its target is also one of its links)."""

    __tablename__ = "redirect"
    __table_args__ = (Index("ix_redirect_target_id", "target_id"),)

    from_page_id: Mapped[int] = mapped_column(
        ForeignKey("page.id", name="fk_redirect_from_page_id"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("link_target.id", name="fk_redirect_target_id")
    )


class Notification(Base):
    """One item in a user's inbox: a mention, a reply, a change to a watched page, ..."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_id_id", "user_id", "id"),
        Index("ix_notification_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", name="fk_notification_user_id", ondelete="CASCADE")
    )
    #: mention, reply, topic, watch, vandalism, ...
    kind: Mapped[str] = mapped_column(String(32))
    namespace: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    revision_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Fragment to link to (a comment's anchor), without the '#'.
    anchor: Mapped[str] = mapped_column(String(255), default="")
    actor_text: Mapped[str] = mapped_column(String(255), default="")
    #: JSON object with kind-specific details (e.g. {"score": 0.91}).
    extra: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


# --- patrol: recent changes, tags, watchlist, deleted revisions (wiki.patrol.recentchanges, ...)
# -----


class RecentChange(Base):
    """One row per edit, page creation or logged action, as Special:RecentChanges lists them.

    Written in the transaction of the change itself; facts that filters need (namespace, title,
    the editor's kind and bot flag at the time) are copied here so every filter is an indexed
    scan of this one table. Rows older than ``wiki.patrol.recentchanges.MAX_AGE`` are purged.
    """

    __tablename__ = "recent_change"
    __table_args__ = (
        Index("ix_recent_change_timestamp", "timestamp"),
        # Watchlist and RecentChangesLinked: changes to given titles, newest first.
        Index("ix_recent_change_page", "namespace", "title", "id"),
        Index("ix_recent_change_revision_id", "revision_id"),
        Index("ix_recent_change_patrolled_id", "patrolled", "id"),
        Index("ix_recent_change_kind_id", "kind", "id"),
        Index("ix_recent_change_namespace_id", "namespace", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: "edit", "new" (a page creation) or "log" (a logged action).
    kind: Mapped[str] = mapped_column(String(8))
    namespace: Mapped[int] = mapped_column(Integer)
    #: The title at the time of the change.
    title: Mapped[str] = mapped_column(String(255))
    page_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revision_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    parent_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_text: Mapped[str] = mapped_column(String(255))
    #: The editor when the change was made: "anon", "new" (not autoconfirmed) or "confirmed".
    user_kind: Mapped[str] = mapped_column(String(10))
    bot: Mapped[bool] = mapped_column(Boolean, default=False)
    minor: Mapped[bool] = mapped_column(Boolean, default=False)
    old_size: Mapped[int] = mapped_column(Integer, default=0)
    new_size: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    #: 0 unpatrolled, 1 patrolled, 2 autopatrolled.
    patrolled: Mapped[int] = mapped_column(Integer, default=0)
    #: A copy of the revision's visibility bits, so hidden parts stay hidden here too.
    visibility: Mapped[int] = mapped_column(Integer, default=0)
    log_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    log_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    log_action: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: A copy of the revision's vandalism score (None for log rows and unscored edits).
    vandalism_score: Mapped[float | None] = mapped_column(Float, nullable=True)


class ChangeTag(Base):
    """A tag on a change (mw-rollback, mw-undo, mw-blank, ... or an abuse rule's tag)."""

    __tablename__ = "change_tag"
    __table_args__ = (
        Index("ix_change_tag_tag_rc_id", "tag", "rc_id"),
        Index("ix_change_tag_rc_id", "rc_id"),
        Index("ix_change_tag_revision_id", "revision_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tag: Mapped[str] = mapped_column(String(64))
    #: The recent-changes row (None once it has been purged); the revision stays tagged.
    rc_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revision_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    log_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Watch(Base):
    """A watched title (a page and its talk page are two rows, watched together)."""

    __tablename__ = "watchlist"
    __table_args__ = (Index("ix_watchlist_page", "namespace", "title"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", name="fk_watchlist_user_id", ondelete="CASCADE"), primary_key=True
    )
    namespace: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: None: watched until unwatched.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When the user last saw the page (a visit, or "mark all as seen").
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArchivedRevision(Base):
    """A revision of a deleted page, kept so an admin can restore it (MediaWiki's archive)."""

    __tablename__ = "archive"
    __table_args__ = (Index("ix_archive_title", "namespace", "title", "rev_id"),)

    #: The revision's own id, kept so links to it work again after a restore.
    rev_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    page_id: Mapped[int] = mapped_column(Integer)
    namespace: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    sha1: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_text: Mapped[str] = mapped_column(String(255))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    minor: Mapped[bool] = mapped_column(Boolean, default=False)
    visibility: Mapped[int] = mapped_column(Integer, default=0)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(Revision, "before_insert")
def _never_reuse_archived_ids(mapper: Any, connection: Connection, target: Revision) -> None:
    """SQLite gives a new row the largest id + 1, so once the newest revisions are archived
    (a page deletion) the next save would take one of their ids, and restoring them would then
    collide. Start above the archive instead. (PostgreSQL's sequences never reuse an id, and
    SQLite writers are serialised, so reading the maximum here is safe.)"""
    if target.id is not None or connection.dialect.name != "sqlite":
        return
    archived = connection.scalar(select(func.max(ArchivedRevision.rev_id))) or 0
    if archived and archived > (connection.scalar(select(func.max(Revision.id))) or 0):
        target.id = archived + 1


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
