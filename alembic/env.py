"""Alembic environment: the URL comes from the caller (``wiki.migrations``) or the settings."""

from __future__ import annotations

from sqlalchemy import Connection

from alembic import context
from wiki import models  # noqa: F401  (registers every table on Base.metadata)
from wiki.db import Base, make_engine
from wiki.settings import Settings

target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        run(conn)
        conn.commit()
    engine.dispose()
