"""links

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 06:38:33.506928
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "link_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("namespace", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=True),
        sa.Column("link_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["page.id"], name="fk_link_target_page_id"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("namespace", "title", name="uq_link_target_namespace_title"),
    )
    with op.batch_alter_table("link_target", schema=None) as batch_op:
        batch_op.create_index(
            "ix_link_target_lonely", ["namespace", "link_count", "title"], unique=False
        )
        batch_op.create_index(
            "ix_link_target_page_id_count", ["page_id", "link_count", "id"], unique=False
        )

    op.create_table(
        "link",
        sa.Column("from_page_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["from_page_id"], ["page.id"], name="fk_link_from_page_id"),
        sa.ForeignKeyConstraint(["target_id"], ["link_target.id"], name="fk_link_target_id"),
        sa.PrimaryKeyConstraint("from_page_id", "target_id"),
    )
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.create_index("ix_link_target_id_from", ["target_id", "from_page_id"], unique=False)

    op.create_table(
        "category_link",
        sa.Column("from_page_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=255), nullable=False),
        sa.Column("sortkey", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_page_id"], ["page.id"], name="fk_category_link_from_page_id"
        ),
        sa.PrimaryKeyConstraint("from_page_id", "category"),
    )
    with op.batch_alter_table("category_link", schema=None) as batch_op:
        batch_op.create_index(
            "ix_category_link_listing",
            ["category", "kind", "sortkey", "from_page_id"],
            unique=False,
        )

    op.create_table(
        "redirect",
        sa.Column("from_page_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["from_page_id"], ["page.id"], name="fk_redirect_from_page_id"),
        sa.ForeignKeyConstraint(["target_id"], ["link_target.id"], name="fk_redirect_target_id"),
        sa.PrimaryKeyConstraint("from_page_id"),
    )
    with op.batch_alter_table("redirect", schema=None) as batch_op:
        batch_op.create_index("ix_redirect_target_id", ["target_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("redirect", schema=None) as batch_op:
        batch_op.drop_index("ix_redirect_target_id")
    op.drop_table("redirect")

    with op.batch_alter_table("category_link", schema=None) as batch_op:
        batch_op.drop_index("ix_category_link_listing")
    op.drop_table("category_link")

    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.drop_index("ix_link_target_id_from")
    op.drop_table("link")

    with op.batch_alter_table("link_target", schema=None) as batch_op:
        batch_op.drop_index("ix_link_target_page_id_count")
        batch_op.drop_index("ix_link_target_lonely")
    op.drop_table("link_target")
