"""Behaviour that needs real server processes: limits shared by two workers."""

from __future__ import annotations

import os
import time

import httpx
import pytest
from sqlalchemy import func, select

from tests.server import WikiServer
from wiki.db import Database
from wiki.models import Revision

pytestmark = pytest.mark.slow
LIMIT = 10
WINDOW = 86_400  # long fixed windows: a burst straddles two only if it starts in the last
GUARD = 300  # seconds of one, which the test waits out (generous: a busy machine is slow)


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_rate_limit_holds_across_two_app_processes(backend: str) -> None:
    env = {"WIKI_RATE_LIMITS": f"edit:anon={LIMIT}/{WINDOW}"}
    if backend == "redis":
        env["WIKI_REDIS_URL"] = os.environ.get("WIKI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    with WikiServer(workers=2, env=env) as server:
        db = Database(server.database_url)
        with db.read() as s:
            before = s.scalar(select(func.count()).select_from(Revision)) or 0
        statuses = []
        # Fixed windows: start early in one, so the burst cannot straddle two.
        if time.time() % WINDOW > WINDOW - GUARD:
            time.sleep(WINDOW - time.time() % WINDOW + 0.5)
        # A fresh connection per request, so both worker processes take requests.
        for i in range(100):
            r = httpx.post(
                f"{server.url}/w/rest.php/v1/page",
                json={"title": f"Spam {i}", "source": f"spam {i}"},
                timeout=60,
            )
            statuses.append(r.status_code)
            if r.status_code == 429:
                assert int(r.headers["retry-after"]) > 0
        with db.read() as s:
            after = s.scalar(select(func.count()).select_from(Revision)) or 0
        db.dispose()
    assert statuses[:LIMIT] == [201] * LIMIT
    assert set(statuses[LIMIT:]) == {429}
    assert after - before == LIMIT  # not one extra revision
