"""blocks of IP addresses and ranges that spare logged-in users (MediaWiki's "anon only")

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing blocks keep their meaning: they applied to everyone on the address.
    with op.batch_alter_table("block") as batch:
        batch.add_column(
            sa.Column("anon_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("block") as batch:
        batch.drop_column("anon_only")
