"""Typed SQLAlchemy models. Alembic owns the schema; ``tests/test_migrations.py`` keeps the two
in agreement."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
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


class RenderedRevision(Base):
    """Render cache: a revision's HTML, with wiki-link slots resolved at view time."""

    __tablename__ = "rendered_revision"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revision.id", name="fk_rendered_revision_id", ondelete="CASCADE"),
        primary_key=True,
    )
    #: Version of the renderer that produced this row; a bump re-renders lazily.
    renderer: Mapped[int] = mapped_column(Integer)
    #: HTML with wiki-link slots (see ``wiki.markup``).
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
