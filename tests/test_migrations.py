"""Alembic owns the schema: migrating an empty database gives exactly what the models say."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from wiki import migrations, models  # noqa: F401
from wiki.db import Base, make_engine


def test_upgrade_head_matches_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrations.upgrade(engine)
        assert migrations.current_revision(engine) == migrations.head_revision()
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == [], f"models and migrations disagree: {diff}"
        migrations.upgrade(engine)  # idempotent
    finally:
        engine.dispose()
