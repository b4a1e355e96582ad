"""patrol: recent changes, change tags, watchlist, archive, revision visibility

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 08:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Recent changes are rebuilt from this much history (wiki.patrol.recentchanges.MAX_AGE).
BACKFILL_DAYS = 90


def upgrade() -> None:
    op.add_column(
        "user", sa.Column("watch_edits", sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    op.add_column(
        "user",
        sa.Column("feed_token", sa.String(length=64), server_default="", nullable=False),
    )
    op.add_column(
        "revision", sa.Column("visibility", sa.Integer(), server_default="0", nullable=False)
    )

    op.create_table(
        "recent_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("namespace", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_text", sa.String(length=255), nullable=False),
        sa.Column("user_kind", sa.String(length=10), nullable=False),
        sa.Column("bot", sa.Boolean(), nullable=False),
        sa.Column("minor", sa.Boolean(), nullable=False),
        sa.Column("old_size", sa.Integer(), nullable=False),
        sa.Column("new_size", sa.Integer(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("patrolled", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.Integer(), nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=True),
        sa.Column("log_type", sa.String(length=32), nullable=True),
        sa.Column("log_action", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recent_change", schema=None) as batch_op:
        batch_op.create_index("ix_recent_change_timestamp", ["timestamp"], unique=False)
        batch_op.create_index("ix_recent_change_page", ["namespace", "title", "id"], unique=False)
        batch_op.create_index("ix_recent_change_revision_id", ["revision_id"], unique=False)
        batch_op.create_index("ix_recent_change_patrolled_id", ["patrolled", "id"], unique=False)
        batch_op.create_index("ix_recent_change_kind_id", ["kind", "id"], unique=False)
        batch_op.create_index("ix_recent_change_namespace_id", ["namespace", "id"], unique=False)

    op.create_table(
        "change_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("rc_id", sa.Integer(), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("log_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("change_tag", schema=None) as batch_op:
        batch_op.create_index("ix_change_tag_tag_rc_id", ["tag", "rc_id"], unique=False)
        batch_op.create_index("ix_change_tag_rc_id", ["rc_id"], unique=False)
        batch_op.create_index("ix_change_tag_revision_id", ["revision_id"], unique=False)

    op.create_table(
        "watchlist",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("namespace", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name="fk_watchlist_user_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "namespace", "title"),
    )
    with op.batch_alter_table("watchlist", schema=None) as batch_op:
        batch_op.create_index("ix_watchlist_page", ["namespace", "title"], unique=False)

    op.create_table(
        "archive",
        sa.Column("rev_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("namespace", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha1", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_text", sa.String(length=255), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("minor", sa.Boolean(), nullable=False),
        sa.Column("visibility", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("rev_id"),
    )
    with op.batch_alter_table("archive", schema=None) as batch_op:
        batch_op.create_index("ix_archive_title", ["namespace", "title", "rev_id"], unique=False)

    # Recent changes start from the existing history (as MediaWiki's rebuildrecentchanges
    # does): recent revisions become patrolled rows; accounts count as confirmed editors.
    cutoff = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=BACKFILL_DAYS)
    op.get_bind().execute(
        sa.text(
            """
            INSERT INTO recent_change (timestamp, kind, namespace, title, page_id, revision_id,
                parent_id, user_id, user_text, user_kind, bot, minor, old_size, new_size,
                summary, patrolled, visibility)
            SELECT r.timestamp,
                   CASE WHEN r.parent_id IS NULL THEN 'new' ELSE 'edit' END,
                   p.namespace, p.title, r.page_id, r.id, r.parent_id, r.user_id, r.user_text,
                   CASE WHEN r.user_id IS NULL THEN 'anon' ELSE 'confirmed' END,
                   FALSE, r.minor, COALESCE(pr.size, 0), r.size, r.summary, 1, 0
            FROM revision r
            JOIN page p ON p.id = r.page_id
            LEFT JOIN revision pr ON pr.id = r.parent_id
            WHERE r.timestamp >= :cutoff
            ORDER BY r.id
            """
        ),
        {"cutoff": cutoff},
    )


def downgrade() -> None:
    with op.batch_alter_table("archive", schema=None) as batch_op:
        batch_op.drop_index("ix_archive_title")
    op.drop_table("archive")
    with op.batch_alter_table("watchlist", schema=None) as batch_op:
        batch_op.drop_index("ix_watchlist_page")
    op.drop_table("watchlist")
    with op.batch_alter_table("change_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_change_tag_revision_id")
        batch_op.drop_index("ix_change_tag_rc_id")
        batch_op.drop_index("ix_change_tag_tag_rc_id")
    op.drop_table("change_tag")
    with op.batch_alter_table("recent_change", schema=None) as batch_op:
        batch_op.drop_index("ix_recent_change_namespace_id")
        batch_op.drop_index("ix_recent_change_kind_id")
        batch_op.drop_index("ix_recent_change_patrolled_id")
        batch_op.drop_index("ix_recent_change_revision_id")
        batch_op.drop_index("ix_recent_change_page")
        batch_op.drop_index("ix_recent_change_timestamp")
    op.drop_table("recent_change")
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_column("visibility")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("feed_token")
        batch_op.drop_column("watch_edits")
