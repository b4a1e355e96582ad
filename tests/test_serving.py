"""``wiki serve`` under a process supervisor: timeouts from settings, max-requests recycling and
a graceful reload on SIGHUP (issue 19, item 6)."""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import pytest

from tests.server import WikiServer
from wiki.serving import uvicorn_options
from wiki.settings import Settings

DEADLINE = 180.0  # seconds: generous, for a busy 2-core machine; we wait for events, not time


def test_uvicorn_gets_the_timeouts_from_settings() -> None:
    settings = Settings(
        worker_timeout=90, graceful_timeout=12, keepalive_timeout=7, max_requests=500
    )
    options = uvicorn_options(settings, host="127.0.0.1", port=8000, workers=3)
    assert options["timeout_worker_healthcheck"] == 90  # uvicorn's default of 5 s killed workers
    assert options["timeout_graceful_shutdown"] == 12
    assert options["timeout_keep_alive"] == 7
    assert options["limit_max_requests"] == 500 and options["limit_max_requests_jitter"] == 50
    assert options["http"] == "wiki.serving:NoDelayH11Protocol"
    single = uvicorn_options(settings, host="127.0.0.1", port=8000, workers=1)
    assert single["limit_max_requests"] is None  # nobody would restart a lone worker


def test_default_worker_timeout_is_generous() -> None:
    assert Settings().worker_timeout >= 30


def _wait_for(condition: object, what: str, server: WikiServer) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what}:\n{server.log_text()}"
        time.sleep(0.05)


@pytest.mark.slow
def test_workers_are_recycled_after_max_requests_without_failing_a_request() -> None:
    with WikiServer(workers=2, env={"WIKI_MAX_REQUESTS": "10"}) as server:
        _wait_for(lambda: len(server.worker_pids()) == 2, "two workers", server)
        first = set(server.worker_pids())
        statuses = []
        for _ in range(60):
            # A new connection each time, so both workers get requests. A connection that a
            # worker accepted just as it began to retire is closed unanswered (uvicorn closes
            # idle connections on shutdown); a reverse proxy retries such a request, as here.
            for attempt in range(2):
                try:
                    r = httpx.get(
                        f"{server.url}/healthz", timeout=30, headers={"Connection": "close"}
                    )
                except httpx.TransportError:
                    assert attempt == 0, "a retried request failed too"
                    continue
                statuses.append(r.status_code)
                break
        assert statuses == [200] * 60
        # Both workers retired (they did so at about the same time) and were replaced: the
        # supervisor noticed at once, not after WIKI_WORKER_TIMEOUT (60 s) of waiting for a
        # dead worker's health-check answer.
        _wait_for(lambda: not first & set(server.worker_pids()), "fresh workers", server)
        assert "Maximum request limit" in server.log_text(tail=100_000)


@pytest.mark.slow
def test_sighup_reloads_workers_gracefully() -> None:
    with WikiServer(workers=2) as server:
        _wait_for(lambda: len(server.worker_pids()) == 2, "two workers", server)
        old = set(server.worker_pids())
        stop = threading.Event()
        results: list[int | str] = []

        def reader() -> None:
            with httpx.Client(base_url=server.url, timeout=30) as c:
                while not stop.is_set():
                    try:
                        results.append(c.get("/wiki/Main_Page").status_code)
                    except httpx.HTTPError as exc:
                        results.append(repr(exc))

        thread = threading.Thread(target=reader)
        thread.start()
        try:
            _wait_for(lambda: len(results) >= 5, "requests before the reload", server)
            assert server.pid is not None
            os.kill(server.pid, signal.SIGHUP)
            _wait_for(
                lambda: len(server.worker_pids()) == 2 and not old & set(server.worker_pids()),
                "both workers replaced",
                server,
            )
            count = len(results)
            _wait_for(lambda: len(results) >= count + 5, "requests after the reload", server)
        finally:
            stop.set()
            thread.join(timeout=60)
        assert set(results) == {200}, [r for r in results if r != 200][:5]
