"""The background indexer thread: keeps the index up to the database in one process."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from pathlib import Path

from wiki.db import Database
from wiki.search.index import SearchIndex

log = logging.getLogger("wiki.search.worker")

RECONCILE_EVERY = 60.0  # seconds between reconciles (and soon after a change without revisions)
RECONCILE_DEBOUNCE = 2.0


# --- the background indexer ------------------------------------------------------------------


class Indexer:
    """A daemon thread that keeps the index up to the database, in one app process.

    Every ``interval`` seconds (and within 0.1 s of the cache epoch moving) it runs
    ``SearchIndex.sync``; it reconciles at start, every RECONCILE_EVERY seconds, and soon after
    the epoch moved without a new revision (a delete or a move); when the index is idle with
    piled-up segments it optimizes. Errors are logged, never raised.
    """

    def __init__(
        self, index: SearchIndex, db: Database, *, interval: float, epoch: Path | None = None
    ) -> None:
        self.index = index
        self.db = db
        self.interval = interval
        self.epoch = epoch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0

    def start(self) -> None:
        if self._thread is None and self.interval > 0:
            self._thread = threading.Thread(target=self._run, name="gotong-indexer", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _epoch(self) -> int:
        if self.epoch is None:
            return 0
        try:
            return os.stat(self.epoch).st_mtime_ns
        except OSError:
            return 0

    def _run(self) -> None:
        tick = min(self.interval, 0.1)
        last_poll = 0.0
        last_reconcile = 0.0
        last_change = time.monotonic()
        epoch = self._epoch()
        reconcile_due = True
        failures = 0
        while not self._stop.is_set():
            now = time.monotonic()
            new_epoch = self._epoch()
            moved = new_epoch != epoch
            epoch = new_epoch
            if not (moved or reconcile_due or now - last_poll >= self.interval):
                self._stop.wait(tick)
                continue
            last_poll = now
            if now - last_reconcile >= RECONCILE_EVERY:
                reconcile_due = True
            try:
                report = self.index.sync(self.db, reconcile=reconcile_due, stop=self._stop)
                failures = 0
            except InterruptedError:
                break  # stopped during a first build
            except Exception:
                failures += 1
                log.exception("search: indexer pass failed")
                self._stop.wait(min(30.0, tick * 2**failures))
                continue
            self.passes += 1
            if report is not None:
                if report.reconciled:
                    reconcile_due = False
                    last_reconcile = now
                if report.indexed or report.deleted:
                    last_change = now
                elif moved and now - last_reconcile >= RECONCILE_DEBOUNCE:
                    reconcile_due = True  # changed without a revision: delete, move, hide
                    continue
                elif now - last_change > 30.0 and self.index.needs_optimize():
                    with contextlib.suppress(Exception):
                        self.index.optimize()
            self._stop.wait(tick)
