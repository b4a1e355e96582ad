"""vandalism scores on revisions and recent changes; abuse rules and their log

The seeded abuse rules are disabled: an admin turns them on in Special:AbuseFilter.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 08:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vandalism_score", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("vandalism_reasons", sa.Text(), nullable=False, server_default="[]")
        )
    with op.batch_alter_table("recent_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vandalism_score", sa.Float(), nullable=True))
    rule = op.create_table(
        "abuse_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("pattern", sa.Text(), nullable=False),
        sa.Column("max_delta", sa.Integer(), nullable=True),
        sa.Column("min_removed", sa.Integer(), nullable=True),
        sa.Column("namespaces", sa.String(length=255), nullable=False),
        sa.Column("new_users_only", sa.Boolean(), nullable=False),
        sa.Column("min_score", sa.Float(), nullable=True),
        sa.Column("actions", sa.String(length=64), nullable=False),
        sa.Column("throttle_count", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "abuse_hit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_text", sa.String(length=255), nullable=False),
        sa.Column("namespace", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("abuse_hit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_abuse_hit_rule_user", ["rule_id", "user_text", "timestamp"], unique=False
        )
        batch_op.create_index("ix_abuse_hit_timestamp", ["timestamp"], unique=False)
    # A disabled starter set (wiki.patrol.abuse.SEED_RULES describes the same rules).
    now = datetime.now(UTC).replace(tzinfo=None)
    # RE2 has no backreferences: each run is spelled out ("a{10}|b{10}|...").
    runs = "|".join(f"{c}{{10}}" for c in "abcdefghijklmnopqrstuvwxyz!") + r"|\?{10}"
    common = {
        "enabled": False,
        "max_delta": None,
        "min_removed": None,
        "namespaces": "",
        "new_users_only": True,
        "min_score": None,
        "throttle_count": 3,
        "updated_at": now,
    }
    op.bulk_insert(
        rule,
        [
            common
            | {
                "name": "Page blanking by new users",
                "pattern": "",
                "min_removed": 1000,
                "max_delta": -1000,
                "namespaces": "0",
                "actions": "warn,tag",
                "message": "You removed most of this page. If that was a mistake, go back; "
                "if it was on purpose, say why in the summary and save again.",
            },
            common
            | {
                "name": "Repeated characters",
                "pattern": f"(?i)({runs})",
                "actions": "log,tag",
                "message": "Your edit repeats a character many times.",
            },
            common
            | {
                "name": "Many external links from new users",
                "pattern": "(?s)(https?://.*){5}",
                "actions": "warn,log",
                "message": "Your edit adds many external links. Links to commercial sites "
                "are removed; please add sources only.",
            },
        ],
    )


def downgrade() -> None:
    op.drop_table("abuse_hit")
    op.drop_table("abuse_rule")
    with op.batch_alter_table("recent_change", schema=None) as batch_op:
        batch_op.drop_column("vandalism_score")
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_column("vandalism_reasons")
        batch_op.drop_column("vandalism_score")
