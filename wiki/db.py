"""Database engine and sessions.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions on SQLite
start with ``BEGIN IMMEDIATE`` so two writers queue on the lock instead of failing half-way with
"database is locked"; on PostgreSQL, writers serialise on a row lock (``SELECT … FOR UPDATE``).

When the database cannot be reached (PostgreSQL down or restarting, a full pool, a locked
SQLite file past its busy timeout) the session raises as usual, and ``Outage`` notes it: one
log line when errors start and one when a session succeeds again, however many requests fail
in between. The web layer answers such errors with 503 and ``Retry-After``
(``wiki.web.errors``); nothing needs a restart, since the pool reconnects by itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Seconds PostgreSQL may take to accept a connection before the request gives up (503).
PG_CONNECT_TIMEOUT = 5
#: Seconds a request waits for a pooled connection before it gives up (503).
POOL_TIMEOUT = 10

log = logging.getLogger("wiki.db")


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means "the database cannot answer now" rather than a bug: a lost or
    refused connection, a server shutting down, a full pool, a lock held too long."""
    return isinstance(
        exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError
    ) or (isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated)


class Outage:
    """Whether the database is failing now; logs once when it starts and once when it ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.since: float | None = None  # monotonic time of the first failure, None when fine

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            if self.since is not None:
                return
            self.since = time.monotonic()
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        log.error(
            "database unavailable (%s: %s); answering 503 until it is back",
            type(exc).__name__,
            first_line[:300],
        )

    def recovered(self) -> None:
        with self._lock:
            if self.since is None:
                return
            seconds, self.since = time.monotonic() - self.since, None
        log.warning("database available again after %.1f s", seconds)


class Base(DeclarativeBase):
    """Declarative base for every model."""


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """Create an engine with the pragmas and begin behaviour described above."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            pool_size=8,
            max_overflow=16,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event, not the driver, decide how transactions start.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        pool_timeout=POOL_TIMEOUT,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT} if "postgresql" in url else {},
    )


class Database:
    """An engine plus two session factories: one for reads and one for writes."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        write_bind = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if is_sqlite(self.engine)
            else self.engine
        )
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._write = sessionmaker(bind=write_bind, expire_on_commit=False)
        self.outage = Outage()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading. Closing it ends the transaction; loaded objects stay usable
        (a rollback would expire them)."""
        try:
            with self._read() as session:
                yield session
        except Exception as exc:
            if is_unavailable(exc):
                self.outage.failed(exc)
            raise
        if self.outage.since is not None:
            self.outage.recovered()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        try:
            with self._write() as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        except Exception as exc:
            if is_unavailable(exc):
                self.outage.failed(exc)
            raise
        if self.outage.since is not None:
            self.outage.recovered()

    def listen(self, name: str, fn: Callable[..., Any]) -> None:
        """Register a session event (``after_commit``, ``do_orm_execute``, …) on the write
        sessions of this database only."""
        event.listen(self._write, name, fn)

    def dispose(self) -> None:
        self.engine.dispose()
