"""Carry cache invalidations between hosts: Redis pub/sub, or PostgreSQL ``LISTEN/NOTIFY``.

Each app process publishes what its writes made stale and listens, in a daemon thread, for
what other hosts' writes made stale; :meth:`wiki.cache.PageCache.apply` then bumps this host's
version files. A message from this host (same data directory) is skipped: its files are
already bumped. When the connection drops, the listener reconnects with a back-off and then
treats everything as stale, since messages may have been missed meanwhile.

Other subsystems that need a wake-up on a save made on another host (the search indexer, the
live recent-changes stream) subscribe to :meth:`wiki.cache.PageCache.subscribe` or watch
``PageCache.changes_path``: both move on remote invalidations too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wiki.cache import Channel, Invalidation, PageCache
from wiki.settings import Settings

log = logging.getLogger(__name__)

#: PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; bigger changes say "everything".
PG_PAYLOAD_MAX = 7000
RECONNECT_MIN, RECONNECT_MAX = 0.2, 5.0


def host_id(directory: Path) -> str:
    """This host's id: made once per data directory, shared by its worker processes."""
    path = directory / "host-id"
    directory.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        new = uuid.uuid4().hex
        tmp = directory / f"host-id.{new}"
        tmp.write_text(new)
        try:
            os.link(tmp, path)  # atomic: the first worker's id wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def channel_name(database_url: str) -> str:
    """One channel per wiki (per database), so wikis sharing a Redis never mix."""
    return "gotong_cache_" + hashlib.sha256(database_url.encode()).hexdigest()[:16]


class _Listener:
    """The shared part: encode, decode, skip our own messages, reconnect with back-off."""

    def __init__(self, origin: str, name: str) -> None:
        self.origin = origin
        self.name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Set once the first subscription is live (tests wait on it).
        self.ready = threading.Event()

    def encode(self, change: Invalidation) -> str:
        return json.dumps({"origin": self.origin, **change.to_json()}, separators=(",", ":"))

    def decode(self, payload: str | bytes) -> Invalidation | None:
        try:
            data = json.loads(payload)
        except ValueError:
            return Invalidation(everything=True)
        if isinstance(data, dict) and data.get("origin") == self.origin:
            return None
        return Invalidation.from_json(data)

    def start(self, apply: Callable[[Invalidation], None]) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, args=(apply,), name=f"cache-{self.name}", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._stop.set()

    def _run(self, apply: Callable[[Invalidation], None]) -> None:
        delay = RECONNECT_MIN
        while not self._stop.is_set():
            try:
                for payload in self.listen(on_subscribed=lambda: self._subscribed(apply)):
                    delay = RECONNECT_MIN
                    change = self.decode(payload)
                    if change is not None:
                        apply(change)
            except Exception as exc:  # any connection trouble: back off and reconnect
                log.warning("cache channel %s: %s; reconnecting", self.name, exc)
            self._stop.wait(delay)
            delay = min(RECONNECT_MAX, delay * 2)

    def _subscribed(self, apply: Callable[[Invalidation], None]) -> None:
        if self.ready.is_set():
            apply(Invalidation(everything=True))  # a reconnect: messages may have been missed
        self.ready.set()

    def listen(self, on_subscribed: Callable[[], None]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class RedisChannel(_Listener, Channel):
    """Redis pub/sub (``WIKI_REDIS_URL``)."""

    def __init__(self, url: str, name: str, origin: str) -> None:
        import redis

        super().__init__(origin, name)
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._url = url

    def publish(self, change: Invalidation) -> None:
        self._client.publish(self.name, self.encode(change))

    def listen(self, on_subscribed: Callable[[], None]) -> Any:
        import redis

        client = redis.Redis.from_url(
            self._url, socket_timeout=None, socket_connect_timeout=5, health_check_interval=10
        )
        pubsub = client.pubsub(ignore_subscribe_messages=False)
        try:
            pubsub.subscribe(self.name)
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                if message["type"] == "subscribe":
                    on_subscribed()
                elif message["type"] == "message":
                    yield message["data"]
        finally:
            pubsub.close()
            client.close()

    def close(self) -> None:
        super().close()
        self._client.close()


class PostgresChannel(_Listener, Channel):
    """PostgreSQL ``LISTEN/NOTIFY`` (when the database is PostgreSQL and Redis is not set)."""

    def __init__(self, conninfo: str, name: str, origin: str) -> None:
        super().__init__(origin, name)
        self._conninfo = conninfo
        self._lock = threading.Lock()
        self._publisher: Any = None

    def publish(self, change: Invalidation) -> None:
        payload = self.encode(change)
        if len(payload.encode()) > PG_PAYLOAD_MAX:
            payload = self.encode(Invalidation(everything=True))
        import psycopg

        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._publisher is None or self._publisher.closed:
                        self._publisher = psycopg.connect(
                            self._conninfo, autocommit=True, connect_timeout=5
                        )
                    self._publisher.execute("SELECT pg_notify(%s, %s)", (self.name, payload))
                    return
                except psycopg.OperationalError:
                    self._publisher = None
                    if attempt == 2:
                        raise

    def listen(self, on_subscribed: Callable[[], None]) -> Any:
        import psycopg

        with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'LISTEN "{self.name}"')
            on_subscribed()
            while not self._stop.is_set():
                for notify in conn.notifies(timeout=1.0):
                    yield notify.payload

    def close(self) -> None:
        super().close()
        with self._lock:
            if self._publisher is not None:
                self._publisher.close()
                self._publisher = None


def libpq_url(sqlalchemy_url: str) -> str:
    """``postgresql+psycopg://…`` as libpq takes it (``postgresql://…``)."""
    scheme, sep, rest = sqlalchemy_url.partition("://")
    return "postgresql" + sep + rest if scheme.startswith("postgresql") else sqlalchemy_url


def page_cache(settings: Settings) -> PageCache:
    """The app's (or a CLI command's) cache versions, with the channel to the other hosts."""
    directory = settings.data_dir / "cache"
    return PageCache(directory, make_channel(settings.redis_url, settings.database_url, directory))


def make_channel(redis_url: str, database_url: str, directory: Path) -> Channel | None:
    """Redis when configured, else PostgreSQL NOTIFY on PostgreSQL, else none (one host)."""
    name = channel_name(database_url)
    if redis_url:
        return RedisChannel(redis_url, name, host_id(directory))
    if database_url.startswith("postgresql"):
        return PostgresChannel(libpq_url(database_url), name, host_id(directory))
    return None
