"""The indexer loop: keeps the index up to the database, and sleeps while nothing changes.

It waits on a *doorbell* that app processes ring after each commit that changed pages
(``wiki.search.signals``). Rung, it runs one pass (``SearchIndex.sync``). Not rung for
``interval`` seconds, it reads one integer, the database's highest revision id, and does
nothing more unless that moved past its watermark (a save whose ring was lost): idle, it never
opens the index. A ring that brought no new revision was a change without one (a deletion, a
move, a hidden revision): a reconcile follows ``RECONCILE_DEBOUNCE`` seconds later, and one
runs every ``RECONCILE_EVERY`` seconds anyway. With the index idle and its segments piled up,
it optimizes.

Two ways to run it: ``Indexer.start`` (a daemon thread in the app process, for tests and
``WIKI_SEARCH_INDEXER=thread``), or ``run_host_indexer`` (the one indexer of a host: the
``wiki indexer`` process that ``wiki serve`` starts and supervises).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from wiki.db import Database, is_unavailable
from wiki.models import Revision
from wiki.search.index import SearchIndex
from wiki.search.results import SyncReport
from wiki.search.signals import (
    Doorbell,
    LocalBell,
    SocketBell,
    SocketDoorbell,
    notify_on_commit,
    socket_path,
)

log = logging.getLogger("wiki.search.worker")

RECONCILE_EVERY = 600.0  # seconds between full reconciles (changes ring the bell meanwhile)
RECONCILE_DEBOUNCE = 2.0  # seconds after a ring without a new revision before reconciling
GAP_RECHECK = 2.0  # seconds between passes while revision ids are missing (PostgreSQL)
OPTIMIZE_IDLE = 30.0  # seconds without changes before piled-up segments are merged


class Indexer:
    """One indexer loop over ``index`` and ``db``; errors are logged, never raised."""

    def __init__(
        self,
        index: SearchIndex,
        db: Database,
        *,
        interval: float,
        doorbell: Doorbell | None = None,
    ) -> None:
        self.index = index
        self.db = db
        self.interval = interval
        self.doorbell: Doorbell = doorbell if doorbell is not None else LocalBell()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0  # sync passes run
        self.polls = 0  # fallback polls (one integer read)

    def start(self) -> None:
        """Run in a daemon thread (``interval`` 0: not at all)."""
        if self._thread is None and self.interval > 0:
            self._thread = threading.Thread(target=self.run, name="gotong-indexer", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if isinstance(self.doorbell, LocalBell):
            self.doorbell.ring()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def ring(self) -> None:
        """Wake the loop (for a ``LocalBell``)."""
        if isinstance(self.doorbell, LocalBell):
            self.doorbell.ring()

    def _top(self) -> int:
        with self.db.read() as session:
            return session.scalar(select(func.max(Revision.id))) or 0

    def _pass(self, reconcile: bool) -> SyncReport | None:
        report = self.index.sync(self.db, reconcile=reconcile, stop=self._stop)
        self.passes += 1
        return report

    def run(self) -> None:
        """The loop, until ``stop``."""
        watermark = -1
        gaps = 0
        last_reconcile = last_change = time.monotonic()
        reconcile_at: float | None = 0.0  # at start
        failures = 0
        rung = True
        optimized = False
        while not self._stop.is_set():
            now = time.monotonic()
            if now - last_reconcile >= RECONCILE_EVERY:
                reconcile_at = now
            reconcile = reconcile_at is not None and now >= reconcile_at
            try:
                if rung or reconcile or (gaps and now - last_change >= GAP_RECHECK):
                    report = self._pass(reconcile)
                else:
                    self.polls += 1
                    report = self._pass(False) if self._top() > watermark else None
                    if report is None and not optimized and now - last_change > OPTIMIZE_IDLE:
                        optimized = True  # looked at once per idle spell
                        if self.index.needs_optimize():
                            self.index.optimize()
                failures = 0
            except InterruptedError:
                break  # stopped during a first build
            except Exception as exc:
                failures += 1
                if is_unavailable(exc):  # the database outage is logged once, by Database
                    self.db.outage.failed(exc)
                else:
                    log.exception("search: indexer pass failed")
                self._stop.wait(min(30.0, 0.1 * 2**failures))
                continue
            if report is not None:
                watermark, gaps = report.watermark, report.gaps
                if report.reconciled:
                    reconcile_at = None
                    last_reconcile = now
                if report.indexed or report.deleted:
                    last_change = now
                    optimized = False
                elif rung and reconcile_at is None and not reconcile:
                    reconcile_at = now + RECONCILE_DEBOUNCE  # changed without a revision
            timeout = self.interval
            if reconcile_at is not None:
                timeout = min(timeout, max(0.0, reconcile_at - time.monotonic()))
            if gaps:
                timeout = min(timeout, GAP_RECHECK)
            rung = self.doorbell.wait(timeout) if not self._stop.is_set() else False


def watch(index: SearchIndex, db: Database, mode: str, interval: float) -> Callable[[], None]:
    """Keep ``index`` following ``db`` while an app serves; returns what stops it.

    ``thread``: an indexer thread here, rung by this process's commits (``interval`` 0: none).
    ``host``: this process's commits ring the host's indexer through its socket.
    """
    if mode == "host":
        bell = SocketBell(socket_path(index.root))
        notify_on_commit(db, [bell])
        return bell.close
    if interval <= 0:
        return lambda: None
    local = LocalBell()
    notify_on_commit(db, [local])
    worker = Indexer(index, db, interval=interval, doorbell=local)
    worker.start()
    return worker.stop


def run_host_indexer(index: SearchIndex, db: Database, *, interval: float) -> int:
    """The host's one indexer, in this process, until SIGTERM or SIGINT. It listens on the
    socket in the index directory; when another indexer already does, it only polls."""
    doorbell: Doorbell
    try:
        doorbell = SocketDoorbell(socket_path(index.root))
    except OSError as exc:
        log.warning("search: %s; polling every %.1f s only", exc, interval)
        doorbell = LocalBell()
    indexer = Indexer(index, db, interval=interval, doorbell=doorbell)

    def stop(_signum: int, _frame: Any) -> None:
        indexer._stop.set()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        indexer.run()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        with contextlib.suppress(OSError):
            doorbell.close()
    return 0
