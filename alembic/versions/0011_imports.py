"""imported revisions: source, original id and original text

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imported_revision",
        sa.Column("rev_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=True),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=64), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=True),
        sa.Column("unconverted", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("rev_id"),
    )
    op.create_index("ix_imported_revision_source", "imported_revision", ["source", "original_id"])


def downgrade() -> None:
    op.drop_index("ix_imported_revision_source", table_name="imported_revision")
    op.drop_table("imported_revision")
