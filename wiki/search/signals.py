"""Waking the indexer: app processes ring after a commit that changed pages, the indexer waits.

A small interface (``Bell``: ``ring``; ``Doorbell``: ``wait``), so that the cross-host channel
(Redis pub/sub or PostgreSQL ``LISTEN/NOTIFY``, being built for cache invalidation) can ring the
same indexer later. Two implementations here:

- ``LocalBell``: a ``threading.Event``, for an indexer thread in the same process (tests, dev);
- ``SocketBell``: a Unix datagram socket in the data dir (``search/wake.sock``). Every app
  process on the host sends one byte after a commit, without waiting and ignoring every error
  (nobody listening, buffer full: the indexer's slow fallback poll catches up). The one
  indexer of the host binds it.

``notify_on_commit`` rings the bells after every committed write transaction that touched the
``page`` or ``revision`` tables (a save, a move, a deletion, a hidden revision), whichever
route, action or command made it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import socket
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import ORMExecuteState, Session

from wiki.db import Database
from wiki.models import Page, Revision

SOCKET_NAME = "wake.sock"
_WATCHED_TABLES = frozenset({Page.__tablename__, Revision.__tablename__})
_FLAG = "wiki.search.changed"


class Bell(Protocol):
    """Something that wakes the indexer."""

    def ring(self) -> None: ...


class Doorbell(Protocol):
    """What the indexer waits on."""

    def wait(self, timeout: float) -> bool:
        """True when rung (since the last wait) before ``timeout`` seconds passed."""
        ...

    def close(self) -> None: ...


class LocalBell:
    """Rings an indexer thread of this process."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def ring(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> bool:
        rung = self._event.wait(timeout)
        self._event.clear()
        return rung

    def close(self) -> None:
        self._event.set()  # a waiting thread returns at once


def socket_path(search_root: Path) -> Path:
    return search_root / SOCKET_NAME


def listening(path: Path) -> bool:
    """Whether an indexer listens on the socket at ``path`` (for ``wiki check``)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        probe.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        probe.close()


class SocketBell:
    """Rings the host's indexer through its datagram socket; never blocks, never raises."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def ring(self) -> None:
        with self._lock:
            try:
                if self._sock is None:
                    self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                    self._sock.setblocking(False)
                self._sock.sendto(b"!", str(self.path))
            except OSError:
                pass  # nobody listening, or its buffer is full: it is awake or will poll

    def close(self) -> None:
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None


class SocketDoorbell:
    """The indexer's end of ``SocketBell``: binds the socket (taking over a stale one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            self._bind()
        except OSError:
            self._sock.close()
            raise
        self._sock.setblocking(False)

    def _bind(self) -> None:
        try:
            self._sock.bind(str(self.path))
            return
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
        # A socket file is there: in use by a live indexer, or left by a dead one.
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            probe.connect(str(self.path))
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            self._sock.bind(str(self.path))
            return
        finally:
            probe.close()
        raise OSError(errno.EADDRINUSE, f"another indexer listens on {self.path}")

    def wait(self, timeout: float) -> bool:
        readable, _, _ = select.select([self._sock], [], [], max(0.0, timeout))
        if not readable:
            return False
        with contextlib.suppress(BlockingIOError):
            while True:  # every ring so far counts as one
                self._sock.recv(64)
        return True

    def close(self) -> None:
        self._sock.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def notify_on_commit(db: Database, bells: Iterable[Bell]) -> None:
    """Ring ``bells`` after each committed write transaction of ``db`` that changed a page or
    a revision (through the ORM or a bulk statement)."""
    targets = list(bells)

    def after_flush(session: Session, _context: Any) -> None:
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, Page | Revision):
                session.info[_FLAG] = True
                return

    def on_execute(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            if getattr(table, "name", None) in _WATCHED_TABLES:
                state.session.info[_FLAG] = True

    def after_commit(session: Session) -> None:
        if session.info.pop(_FLAG, False):
            for bell in targets:
                bell.ring()

    def after_rollback(session: Session) -> None:
        session.info.pop(_FLAG, None)

    db.listen("after_flush", after_flush)
    db.listen("do_orm_execute", on_execute)
    db.listen("after_commit", after_commit)
    db.listen("after_soft_rollback", lambda session, _previous: after_rollback(session))
