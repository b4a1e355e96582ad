"""Per-process caches that stay correct across processes, and across hosts.

Cached entries remember the *version* they were built under and are used only while it is
unchanged. A version is read *before* the database, so an entry built from data older than a
concurrent save is stale on the very next request.

Versions live in small files in the data directory (one ``stat`` to read, no database round
trip), so every worker process of a host sees a save at once:

- ``cache/epoch``: everything (a migration, an import; ``invalidate_all``);
- ``cache/pages/<xx>/<sha1 of the title key>``: one page (``invalidate``: a save of the page,
  or of a page it links to being created or deleted, see :mod:`wiki.navigation.dependents`);
- ``cache/accounts``, ``cache/inbox``: named epochs for account and inbox caches;
- ``cache/changes``: touched on every invalidation of page content (not on account or inbox
  changes). It is what the live recent-changes stream and the search indexer wait on
  (:meth:`PageCache.changes`).

With several hosts each host keeps its own files, and a :class:`Channel` (Redis pub/sub or
PostgreSQL ``LISTEN/NOTIFY``, :mod:`wiki.cache_channels`) carries every invalidation to the
other hosts, which apply it to their files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

K = TypeVar("K")
V = TypeVar("V")

log = logging.getLogger(__name__)

#: More page files than this in one invalidation: bump the global epoch instead.
MAX_PAGE_FILES = 2000
#: The named epochs a message may carry (anything else is ignored).
EPOCH_NAMES = frozenset({"epoch", "accounts", "inbox"})


def _bump_file(path: Path) -> None:
    """Move ``path``'s mtime forward (creating it), strictly past its current value."""
    now = time.time_ns()
    try:
        current = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        current = 0
    new = max(now, current + 1000)
    os.utime(path, ns=(new, new))


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return 0


class Epoch:
    """A counter shared by every process using the same data directory (and, through the
    channel, by every host). ``on_bump`` publishes a bump to the other hosts."""

    def __init__(self, path: Path, on_bump: Callable[[str], None] | None = None) -> None:
        self.path = path
        self.on_bump = on_bump
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)

    def current(self) -> int:
        try:
            return os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            self.path.touch()
            return os.stat(self.path).st_mtime_ns

    def bump(self) -> None:
        """Invalidate every entry built under an earlier epoch, in every process and host."""
        _bump_file(self.path)
        if self.on_bump is not None:
            self.on_bump(self.path.name)


class LRU(Generic[K, V]):
    """A small thread-safe LRU of (version, value) pairs."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, tuple[Hashable, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, version: Hashable) -> V | None:
        with self._lock:
            item = self._data.get(key)
            if item is None or item[0] != version:
                return None
            self._data.move_to_end(key)
            return item[1]

    def put(self, key: K, version: Hashable, value: V) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = (version, value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


@dataclass(frozen=True)
class Invalidation:
    """What one change makes stale: everything, some named epochs, some cache keys."""

    everything: bool = False
    epochs: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()
    #: Page content changed (a save, a move, ...): wakes the search indexer and live streams.
    #: False for per-visitor state such as a bell's unread count.
    content: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "all": self.everything,
            "epochs": sorted(self.epochs),
            "keys": sorted(self.keys),
            "content": self.content,
        }

    @classmethod
    def from_json(cls, data: object) -> Invalidation:
        """Parse a message from another host; anything malformed means "everything"."""
        if not isinstance(data, dict):
            return cls(everything=True)
        epochs, keys = data.get("epochs", []), data.get("keys", [])
        if not isinstance(epochs, list) or not isinstance(keys, list):
            return cls(everything=True)
        return cls(
            everything=bool(data.get("all")),
            content=bool(data.get("content", True)),
            epochs=frozenset(e for e in epochs if isinstance(e, str) and e in EPOCH_NAMES),
            keys=frozenset(k for k in keys if isinstance(k, str)),
        )


class Channel(Protocol):
    """Carries invalidations between hosts (see :mod:`wiki.cache_channels`)."""

    def publish(self, change: Invalidation) -> None: ...

    def start(self, apply: Callable[[Invalidation], None]) -> None: ...

    def close(self) -> None: ...


@dataclass
class PageCache:
    """The versions that cached pages, articles and account data are checked against.

    The one API for invalidation (``Wiki.write`` and the write actions call it after their
    transaction commits):

    - :meth:`invalidate` with cache keys (``Title.key``, or ``inbox:<user id>``): those pages;
    - :meth:`invalidate_all`: everything (a migration, a bulk import);
    - ``epoch("accounts").bump()`` and friends: one named epoch.

    Which pages a save makes stale (the page, its redirects, and when it is created, deleted
    or moved, the pages linking to it) is worked out from the database by
    :func:`wiki.navigation.dependents.stale_after` before the keys get here.
    """

    directory: Path
    channel: Channel | None = None
    _listeners: list[Callable[[], None]] = field(default_factory=list, init=False)
    _epochs: dict[str, Epoch] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for name in sorted(EPOCH_NAMES):
            self._epochs[name] = Epoch(self.directory / name, on_bump=self._epoch_bumped)
        self.changes_path.touch(exist_ok=True)

    # --- reading ------------------------------------------------------------------------------

    @property
    def changes_path(self) -> Path:
        """Touched on every change of page content: what the search indexer and live streams
        watch."""
        return self.directory / "changes"

    def epoch(self, name: str) -> Epoch:
        return self._epochs[name]

    def version(self, key: str) -> tuple[int, int]:
        """The version of one cache key: the global epoch and the key's own."""
        return (self._epochs["epoch"].current(), _mtime(self._key_path(key)))

    def changes(self) -> int:
        """A number that moves on every change of page content, on this host or another."""
        return _mtime(self.changes_path)

    # --- invalidating -------------------------------------------------------------------------

    def invalidate(self, keys: Iterable[str], *, content: bool = True) -> None:
        """Make the cached entries for ``keys`` stale on every process and host. ``content``:
        page content changed (say False for per-visitor state: the indexer stays asleep)."""
        change = Invalidation(keys=frozenset(keys), content=content)
        self.apply(change)
        self._publish(change)

    def invalidate_all(self) -> None:
        """Make every cached page stale on every process and host."""
        change = Invalidation(everything=True, content=True)
        self.apply(change)
        self._publish(change)

    def apply(self, change: Invalidation) -> None:
        """Apply an invalidation to this host's files (and tell in-process listeners)."""
        if change.everything or len(change.keys) > MAX_PAGE_FILES:
            _bump_file(self._epochs["epoch"].path)
        else:
            for key in change.keys:
                _bump_file(self._key_path(key))
        for name in change.epochs:
            _bump_file(self._epochs[name].path)
        if change.everything:  # a lost message, a reconnect: accounts may have changed too
            _bump_file(self._epochs["accounts"].path)
            _bump_file(self._epochs["inbox"].path)
        if change.everything or change.content:
            self._changed()

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` (from any thread) after each change of page content, local or
        remote.
        For a wake-up only: it must be quick and must not raise."""
        self._listeners.append(listener)

    def start(self) -> None:
        """Start listening to the other hosts (no-op without a channel)."""
        if self.channel is not None:
            self.channel.start(self.apply)

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()

    # --- internals ----------------------------------------------------------------------------

    def _key_path(self, key: str) -> Path:
        digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()
        return self.directory / "pages" / digest[:2] / digest

    def _epoch_bumped(self, name: str) -> None:
        content = name == "epoch"
        if content:
            self._changed()
        self._publish(Invalidation(epochs=frozenset({name}), content=content))

    def _changed(self) -> None:
        _bump_file(self.changes_path)
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:  # a listener must never break a save
                log.exception("cache listener failed")

    def _publish(self, change: Invalidation) -> None:
        if self.channel is None:
            return
        try:
            self.channel.publish(change)
        except Exception as exc:  # the save is committed; other hosts catch up on reconnect
            log.warning("could not publish a cache invalidation: %s", exc)
