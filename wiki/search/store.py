"""The process's handle on the shared index directory: which index is current, the writer lock,
and the open view, reopened only when the index's generation (or its directory) changes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from whoosh import index as windex

from wiki.db import Database
from wiki.models import Page
from wiki.search.documents import read_meta, reconcile_diff
from wiki.search.results import Status
from wiki.search.schema import exact_analyzer, make_schema
from wiki.search.view import View

CHECK_INTERVAL = 0.05  # seconds between a reader's checks for a newer index


class Store:
    """One process's handle on the shared index in ``<data dir>/search``. Thread-safe."""

    def __init__(self, root: Path, language: str) -> None:
        self.root = root
        self.language = language
        self.schema = make_schema()
        self.exact = exact_analyzer()
        self.lock = threading.RLock()  # whoosh readers are not safe across threads
        self._view: View | None = None
        self._checked = 0.0
        self._current_stat: tuple[int, int] | None = None
        self._title_cache: dict[tuple[str, str], Any] = {}  # (index dir, segment id) -> titles

    # --- files and locks ---

    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    def current_name(self) -> str | None:
        try:
            name = self.current_file.read_text().strip()
        except FileNotFoundError:
            return None
        return name if name and (self.root / name).is_dir() else None

    def set_current(self, name: str) -> None:
        tmp = self.root / f"CURRENT.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(name + "\n")
        os.replace(tmp, self.current_file)

    @contextlib.contextmanager
    def writer_lock(self, wait: float = 0.0) -> Iterator[bool]:
        """Hold the writer lock (an flock: released by the kernel if the process dies)."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.02)
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # --- reading ---

    def get_view(self) -> View | None:
        """The open index, refreshed if another commit or a rebuild happened (lock held)."""
        now = time.monotonic()
        if self._view is not None and now - self._checked < CHECK_INTERVAL:
            return self._view
        self._checked = now
        try:
            st = os.stat(self.current_file)
            stat: tuple[int, int] | None = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            stat = None
        if self._view is not None and stat == self._current_stat:
            self._view.refresh()
            return self._view
        name = self.current_name()
        if self._view is not None and self._view.name == name:
            self._current_stat = stat
            self._view.refresh()
            return self._view
        if self._view is not None:
            self._view.close()
            self._view = None
        self._title_cache.clear()  # another index directory: its segments are all new
        for attempt in range(5):
            if name is None:
                return None
            try:
                ix = windex.open_dir(str(self.root / name), schema=self.schema)
                self._view = View(name, ix, self._title_cache)
                break
            except (OSError, windex.EmptyIndexError):
                # A rebuild swapped and removed this directory as we opened it: look again.
                if attempt == 4:
                    raise
                time.sleep(0.02)
                name = self.current_name()
        self._current_stat = stat
        return self._view

    def invalidate(self) -> None:
        """Look for a newer index on the next read (after this process committed)."""
        self._checked = 0.0

    def close(self) -> None:
        with self.lock:
            if self._view is not None:
                self._view.close()
                self._view = None

    def status(self) -> Status:
        """Where the index is, its watermark, documents, segments and size on disk."""
        with self.lock:
            self.invalidate()
            view = self.get_view()
            if view is None:
                return Status(None, None, 0, 0, 0)
            path = self.root / view.name
            size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
            return Status(
                path=path,
                watermark=read_meta(view.searcher).watermark,
                documents=view.reader.doc_count() - 1,  # not the meta document
                segments=len(view.ix._segments()),
                size_bytes=size,
            )

    def differences(self, db: Database) -> set[int]:
        """Page ids whose indexed state differs from the database (empty: the index is exact).
        Reads every page id; for checks and tests, not for requests."""
        with self.lock:
            self.invalidate()
            view = self.get_view()
            with db.read() as session:
                if view is None:
                    return {pid for pid in session.scalars(select(Page.id))}
                return reconcile_diff(session, view.searcher)

    def watermark(self) -> int | None:
        """The highest revision id the index reflects, or None when there is no index yet."""
        return self.status().watermark
