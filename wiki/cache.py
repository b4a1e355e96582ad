"""Per-process caches that stay correct across processes.

Every save bumps a shared *epoch* (a file's mtime in the data directory: one ``stat`` to read,
no database round trip). Cached entries remember the epoch they were built under and are used
only while it is unchanged. The epoch is read *before* the database, so an entry built from data
older than a concurrent save is stale on the very next request.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Epoch:
    """A counter shared by every process using the same data directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)

    def current(self) -> int:
        try:
            return os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            self.path.touch()
            return os.stat(self.path).st_mtime_ns

    def bump(self) -> None:
        """Invalidate every entry built under an earlier epoch, in every process."""
        now = time.time_ns()
        current = self.current()
        new = max(now, current + 1000)
        os.utime(self.path, ns=(new, new))


class LRU(Generic[K, V]):
    """A small thread-safe LRU of (epoch, value) pairs."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, tuple[int, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, epoch: int) -> V | None:
        with self._lock:
            item = self._data.get(key)
            if item is None or item[0] != epoch:
                return None
            self._data.move_to_end(key)
            return item[1]

    def put(self, key: K, epoch: int, value: V) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = (epoch, value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
