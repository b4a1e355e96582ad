"""Rate limits per action and per group, with counters every app process shares.

Fixed windows: a counter per (action, who, window number) is incremented atomically in the
database (an upsert with RETURNING) or in Redis (INCR) when ``WIKI_REDIS_URL`` is set. A hit
over the limit returns the seconds until the window ends, for ``Retry-After``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from wiki.db import Database
from wiki.errors import ConfigError
from wiki.models import RateCounter

GROUPS = ("anon", "newbie", "user")


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def parse(spec: str) -> dict[tuple[str, str], Limit]:
    """``edit:anon=8/60,edit:user=90/60`` → {("edit", "anon"): Limit(8, 60), ...}."""
    limits: dict[tuple[str, str], Limit] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            key, value = part.split("=")
            action, group = key.strip().split(":")
            count, seconds = value.strip().split("/")
            limit = Limit(int(count), int(seconds))
        except ValueError as exc:
            raise ConfigError(f"WIKI_RATE_LIMITS: cannot read {part!r}") from exc
        if group not in GROUPS or limit.count < 1 or limit.seconds < 1:
            raise ConfigError(f"WIKI_RATE_LIMITS: bad group or numbers in {part!r}")
        limits[(action.strip(), group)] = limit
    return limits


class RateLimiter:
    """Counts hits and says when a limit is exceeded."""

    def __init__(self, db: Database, spec: str, redis_url: str = "", namespace: str = "") -> None:
        self.db = db
        self.limits = parse(spec)
        #: Separates wikis sharing one Redis server.
        self.namespace = namespace
        self._redis: Any = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=2)

    def hit(self, action: str, *, ip: str, user_id: int | None, autoconfirmed: bool) -> int | None:
        """Count one ``action``; None when allowed, else the seconds to wait."""
        if user_id is None:
            group, who = "anon", f"ip:{ip}"
        else:
            group, who = ("user" if autoconfirmed else "newbie"), f"u:{user_id}"
        limit = self.limits.get((action, group))
        if limit is None and group == "newbie":
            limit = self.limits.get((action, "user"))
        if limit is None:
            return None
        now = time.time()
        window = int(now // limit.seconds)
        key = f"{action}:{who}:{limit.seconds}"
        count = self._incr(key, window, limit.seconds)
        if count > limit.count:
            return max(1, int((window + 1) * limit.seconds - now) + 1)
        return None

    def _incr(self, key: str, window: int, seconds: int) -> int:
        if self._redis is not None:
            rkey = f"gotong:{self.namespace}:rl:{key}:{window}"
            pipe = self._redis.pipeline()
            pipe.incr(rkey)
            pipe.expire(rkey, seconds + 5)
            count, _ = pipe.execute()
            return int(count)
        dialect = self.db.dialect
        insert_fn: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert_fn(RateCounter).values(key=key, window=window, count=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key", "window"], set_={"count": RateCounter.count + 1}
        ).returning(RateCounter.count)
        with self.db.write() as session:
            count = session.execute(stmt).scalar_one()
            if window % 16 == 0:  # now and then, forget windows that are over
                session.execute(
                    delete(RateCounter).where(RateCounter.key == key, RateCounter.window < window)
                )
        return int(count)
