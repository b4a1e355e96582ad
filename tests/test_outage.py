"""Database outages: 503 with Retry-After, one log line per outage, recovery without a restart,
and the /healthz and /readyz probes (issue 19, item 1)."""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time

import httpx
import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests import pgcluster
from tests.server import WikiServer, free_port
from wiki import migrations
from wiki.app import create_app
from wiki.settings import Settings


def _down_settings(settings: Settings) -> Settings:
    """Settings whose database is a PostgreSQL port where nothing listens."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    return dataclasses.replace(settings, database_url=url)


def test_unreachable_database_gives_503_with_retry_after_and_one_log_line(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    app = create_app(_down_settings(settings))
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        for _ in range(3):
            r = c.get("/wiki/Main_Page")
            assert r.status_code == 503 and r.headers["retry-after"].isdigit()
            assert "not answering" in r.text and "text/html" in r.headers["content-type"]
            api = c.post("/w/rest.php/v1/page", json={"title": "Lost", "source": "words"})
            assert api.status_code == 503 and api.headers["retry-after"].isdigit()
            assert api.json()["httpCode"] == 503
        r = c.get("/wiki/Main_Page", headers={"Accept-Language": "id"})
        assert r.status_code == 503 and "Tidak ada yang tersimpan" in r.text
        assert c.get("/healthz").status_code == 200
        ready = c.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"] == "unreachable"
    app.state.wiki.db.dispose()
    errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert len(errors) == 1, [rec.getMessage() for rec in errors]
    assert "database unavailable" in errors[0].getMessage()
    assert not any(rec.exc_info for rec in caplog.records), "no tracebacks"


def test_readyz_reports_schema_and_index_lag(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver") as c:
        # The test schema comes from create_all: no alembic version, so not ready.
        head = migrations.head_revision()
        body = c.get("/readyz").json()
        assert body["schema"] == {"current": None, "head": head}
        assert c.get("/readyz").status_code == 503
        with app.state.wiki.db.engine.begin() as conn:  # what `wiki init` leaves behind
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
        c.post("/w/rest.php/v1/page", json={"title": "Counted", "source": "one"})
        ready = c.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["search"]["lag"] in (None, 1)
        assert c.get("/healthz").json() == {"status": "ok"}
    app.state.wiki.db.dispose()


needs_pg = pytest.mark.skipif(
    not pgcluster.available() and not os.environ.get("CI"),
    reason="needs PostgreSQL's initdb/pg_ctl to run a private cluster",
)


@pytest.mark.slow
@needs_pg
def test_postgresql_outage_and_recovery_through_a_real_server() -> None:
    with (
        pgcluster.PgCluster() as pg,
        WikiServer(workers=2, database_url=pg.url) as server,
        httpx.Client(base_url=server.url, timeout=30) as c,
    ):
        assert (
            c.post("/w/rest.php/v1/page", json={"title": "Before", "source": "x"}).status_code
            == 201
        )
        pg.stop()
        statuses = set()
        for i in range(40):
            statuses.add(c.get(f"/wiki/Before?oldid={i + 1}").status_code)
            r = c.post("/w/rest.php/v1/page", json={"title": f"During {i}", "source": "y"})
            statuses.add(r.status_code)
            assert r.status_code == 503 and r.headers["retry-after"].isdigit()
        assert statuses == {503}
        assert c.get("/healthz").status_code == 200
        assert c.get("/readyz").status_code == 503
        pg.start()
        # Recovery needs no restart: wait for the pool to reconnect (an event, not a duration).
        deadline = time.monotonic() + 60
        while c.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, server.log_text()
            threading.Event().wait(0.1)
        assert (
            c.post("/w/rest.php/v1/page", json={"title": "After", "source": "z"}).status_code == 201
        )
        assert c.get("/wiki/Before").status_code == 200
        log = server.log_text(tail=200_000)
    assert "Traceback" not in log, log[-3000:]
    outages = log.count("database unavailable")
    # One line per outage per worker process (2 workers), not one per failed request (80+).
    assert 1 <= outages <= 2, log[-3000:]
    assert log.count("database available again") == outages
