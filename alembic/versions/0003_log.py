"""log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 06:34:19.221177
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "log_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("performer_id", sa.Integer(), nullable=True),
        sa.Column("performer_text", sa.String(length=255), nullable=False),
        sa.Column("namespace", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["performer_id"], ["user.id"], name="fk_log_entry_performer_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.create_index("ix_log_entry_performer_id", ["performer_text", "id"], unique=False)
        batch_op.create_index("ix_log_entry_target_id", ["namespace", "title", "id"], unique=False)
        batch_op.create_index("ix_log_entry_timestamp", ["timestamp"], unique=False)
        batch_op.create_index("ix_log_entry_type_id", ["type", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_log_entry_type_id")
        batch_op.drop_index("ix_log_entry_timestamp")
        batch_op.drop_index("ix_log_entry_target_id")
        batch_op.drop_index("ix_log_entry_performer_id")

    op.drop_table("log_entry")
