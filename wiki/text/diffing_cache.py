"""A per-process cache of computed diffs, so a second view of the same comparison is free.

Keyed by the SHA-256 of both texts (plus the options), not by revision ids: revisions are
immutable, so the key never goes stale and nothing needs invalidating; and an entry can only
be found by a caller that already holds both texts, that is, one that got past the
visibility checks of the revisions (hidden text stays hidden: the cache never answers
"what did revision N say"). Bounded by the size of the texts it holds, least recently used
first out. Thread-safe: diffs run in the thread pool.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from wiki.text.diffing import DiffResult, diff

__all__ = ["CacheStats", "DiffCache", "cached_diff", "default_cache"]

#: Total size (characters of both texts) of the comparisons kept, per process; a result
#: takes one to two and a half bytes per character of its texts (measured on 500 KB pages).
MAX_CHARS = 16_000_000
#: At most this many comparisons are kept, per process.
MAX_ENTRIES = 512

_Key = tuple[bytes, bytes, float, int]


@dataclass(frozen=True, slots=True)
class CacheStats:
    hits: int
    misses: int
    entries: int
    chars: int


class DiffCache:
    """An LRU of :class:`DiffResult` keyed by the texts' digests and the diff options."""

    def __init__(self, max_chars: int = MAX_CHARS, max_entries: int = MAX_ENTRIES) -> None:
        self.max_chars = max_chars
        self.max_entries = max_entries
        self._items: OrderedDict[_Key, tuple[DiffResult, int]] = OrderedDict()
        self._chars = 0
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()

    def diff(self, old: str, new: str, *, timeout: float, context: int = 1) -> DiffResult:
        """:func:`wiki.text.diffing.diff`, computed once per pair of texts and options."""
        if old == new:
            return diff(old, new, timeout=timeout, context=context)
        key = (_digest(old), _digest(new), timeout, context)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self._hits += 1
                return found[0]
            self._misses += 1
        result = diff(old, new, timeout=timeout, context=context)
        size = len(old) + len(new)
        if size > self.max_chars:
            return result
        with self._lock:
            if key not in self._items:
                self._items[key] = (result, size)
                self._chars += size
            while self._chars > self.max_chars or len(self._items) > self.max_entries:
                _, (_, dropped) = self._items.popitem(last=False)
                self._chars -= dropped
        return result

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._items), self._chars)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._chars = 0


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


#: The process-wide cache used by the web views.
default_cache = DiffCache()


def cached_diff(old: str, new: str, *, timeout: float, context: int = 1) -> DiffResult:
    """:func:`wiki.text.diffing.diff` through :data:`default_cache`."""
    return default_cache.diff(old, new, timeout=timeout, context=context)
