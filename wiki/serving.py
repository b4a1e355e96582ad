"""Serving: uvicorn, its supervisor for several workers, and TCP_NODELAY on every connection.

``wiki serve --workers N`` runs uvicorn's process supervisor: it starts N workers on one shared
socket, replaces a worker that dies or stops answering its health check
(``WIKI_WORKER_TIMEOUT``), restarts them one at a time on ``SIGHUP`` (each replacement
serves before the old worker is retired: a graceful reload, e.g. after an upgrade), and
recycles a worker after ``WIKI_MAX_REQUESTS`` requests. A stopping worker gets
``WIKI_GRACEFUL_TIMEOUT`` seconds to finish its requests. ``SIGTTIN``/``SIGTTOU`` add or
remove a worker.
Also the host's supervised search indexer process (``IndexerProcess``)."""

from __future__ import annotations

import logging
import pickle
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.supervisors import multiprocess

from wiki.settings import Settings


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with Nagle's algorithm off, as uvicorn does for a single worker."""

    def connection_made(self, transport: Any) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


class Worker(multiprocess.Process):
    """uvicorn's worker handle, with a health check that notices a dead worker at once.

    uvicorn pings a worker and waits up to the whole timeout for the answer; a worker that
    exits in between (max-requests recycling, a crash) never answers, and the pipe gives no
    EOF (the supervisor holds both ends), so with a generous timeout the supervisor went
    blind for that long and replaced no worker at all (both recycled: no server). This one
    waits in short slices and gives up as soon as the process is gone.
    """

    def _healthcheck(self, timeout: float) -> bool | None:
        deadline = time.monotonic() + timeout
        try:
            self.parent_conn.send(b"ping")
            while True:
                if self.parent_conn.poll(min(0.2, max(0.0, deadline - time.monotonic()))):
                    started: bool = self.parent_conn.recv()
                    return started
                if not self.process.is_alive() or time.monotonic() >= deadline:
                    return None
        except (OSError, EOFError, pickle.UnpicklingError):
            return None


def uvicorn_options(settings: Settings, *, host: str, port: int, workers: int) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run`` (separate, so a test can check them)."""
    # A single uvicorn process has no supervisor to replace it: recycle only with workers.
    max_requests = (settings.max_requests or None) if workers > 1 else None
    return {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        # uvicorn binds the shared socket itself when workers > 1 and then never sets
        # TCP_NODELAY, so every keep-alive response waits ~40 ms for a delayed ACK
        # (uvicorn issue #3149). Our protocol class sets it on each connection.
        "http": "wiki.serving:NoDelayH11Protocol",
        "proxy_headers": False,  # WIKI_TRUSTED_PROXIES decides (wiki.web.proxy)
        "log_level": "info",
        "timeout_worker_healthcheck": settings.worker_timeout,
        "timeout_graceful_shutdown": settings.graceful_timeout,
        "timeout_keep_alive": settings.keepalive_timeout,
        "limit_max_requests": max_requests,
        "limit_max_requests_jitter": (max_requests or 0) // 10,
    }


def run(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Serve until stopped (blocking)."""
    import uvicorn

    # The supervisor builds its workers from this module global; ours checks health better.
    multiprocess.Process = Worker  # type: ignore[misc]
    uvicorn.run(
        "wiki.app:create_app", **uvicorn_options(settings, host=host, port=port, workers=workers)
    )


log = logging.getLogger("wiki.serving")


class IndexerProcess:
    """The host's search indexer (``wiki indexer``), a child of ``wiki serve``: started before
    the workers, restarted when it dies (after a growing pause), stopped with the server."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.env = env
        self.restarts = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "wiki.cli", "indexer"], env=self.env)

    def start(self) -> None:
        self._proc = self._spawn()
        self._thread = threading.Thread(target=self._supervise, name="indexer-supervisor")
        self._thread.daemon = True
        self._thread.start()

    def _supervise(self) -> None:
        pause = 1.0
        while not self._stop.is_set():
            proc = self._proc
            if proc is None:
                return
            code = proc.wait()
            if self._stop.is_set():
                return
            log.warning("search indexer exited with %s; restarting in %.0f s", code, pause)
            if self._stop.wait(pause):
                return
            pause = min(60.0, pause * 2)
            self.restarts += 1
            self._proc = self._spawn()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._thread is not None:
            self._thread.join(timeout)
