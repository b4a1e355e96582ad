"""initial schema: pages, revisions, users, render cache

Revision ID: 0001
Revises:
Create Date: 2026-11-29 06:17:07.337422
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("namespace", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("latest_id", sa.Integer(), nullable=True),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("is_redirect", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("touched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("namespace", "title", name="uq_page_namespace_title"),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha1", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_text", sa.String(length=255), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("minor", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["page.id"], name="fk_revision_page_id"),
        sa.ForeignKeyConstraint(["parent_id"], ["revision.id"], name="fk_revision_parent_id"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name="fk_revision_user_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.create_index("ix_revision_page_id_id", ["page_id", "id"], unique=False)
        batch_op.create_index("ix_revision_timestamp", ["timestamp"], unique=False)
        batch_op.create_index("ix_revision_user_text_id", ["user_text", "id"], unique=False)

    # page.latest_id and revision.page_id point at each other: add this one last.
    with op.batch_alter_table("page", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_page_latest_id", "revision", ["latest_id"], ["id"])

    op.create_table(
        "rendered_revision",
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("renderer", sa.Integer(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("meta", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.id"], name="fk_rendered_revision_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("revision_id"),
    )


def downgrade() -> None:
    op.drop_table("rendered_revision")
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_index("ix_revision_user_text_id")
        batch_op.drop_index("ix_revision_timestamp")
        batch_op.drop_index("ix_revision_page_id_id")

    with op.batch_alter_table("page", schema=None) as batch_op:
        batch_op.drop_constraint("fk_page_latest_id", type_="foreignkey")
    op.drop_table("revision")
    op.drop_table("user")
    op.drop_table("page")
