"""talk pages: topic subscriptions and IPs' new-message flags

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "topic_subscription",
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"], ["page.id"], name="fk_topic_subscription_page_id", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name="fk_topic_subscription_user_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("page_id", "topic", "user_id"),
    )
    with op.batch_alter_table("topic_subscription", schema=None) as batch_op:
        batch_op.create_index("ix_topic_subscription_user_id", ["user_id"], unique=False)
    op.create_table(
        "ip_newtalk",
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("ip"),
    )


def downgrade() -> None:
    op.drop_table("ip_newtalk")
    with op.batch_alter_table("topic_subscription", schema=None) as batch_op:
        batch_op.drop_index("ix_topic_subscription_user_id")
    op.drop_table("topic_subscription")
