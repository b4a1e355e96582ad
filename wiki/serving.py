"""``wiki serve`` glue: an HTTP protocol that turns on TCP_NODELAY for every connection, and
the supervised search indexer process of the host."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("wiki.serving")


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with Nagle's algorithm off, as uvicorn does for a single worker."""

    def connection_made(self, transport: Any) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


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
