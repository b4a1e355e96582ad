"""Run the real wiki in a subprocess: ``wiki init`` then ``wiki serve`` on a free loopback port.

Used by the browser tests, the crash/multi-process tests and ``bench/http_bench.py``::

    with WikiServer(workers=2) as server:
        httpx.get(server.url + "/wiki/Main_Page")
        server.kill()      # SIGKILL the whole process group (a crash)
        server.restart()   # same port, data dir and database

The database is a SQLite file in the data dir, or, when ``WIKI_TEST_DATABASE_URL`` is set, a
fresh PostgreSQL schema that is dropped again on close (the same scheme as tests/conftest.py).

The server runs in its own session (process group), so uvicorn's worker processes are stopped
with it even when the parent is killed. Its output goes to ``<data dir>/server.log``
(:meth:`WikiServer.log_text`), never to a pipe that could fill up and block it.

In pytest, import the ``live_server`` fixture (module scope) into a conftest::

    from tests.server import live_server  # noqa: F401
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_ENV = "WIKI_TEST_DATABASE_URL"
SECRET_KEY = "live-server-secret-key-" + "s" * 32
#: Generous deadlines: on a busy 2-core machine (load average 15+) starting Python, importing the
#: app and running `wiki init` can take tens of seconds. We wait for an event (an answer, a
#: process gone), so a quiet machine does not wait any longer for them.
START_TIMEOUT = 180.0
INIT_TIMEOUT = 180.0
STOP_TIMEOUT = 30.0


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def pg_schema_url(base: str, schema: str) -> str:
    """``base`` with its search_path set to ``schema`` (as tests/conftest.py builds it)."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


class ServerError(RuntimeError):
    """The server did not start (or stop) as expected; the message has its log's tail."""


class WikiServer:
    """One real Gotong server: ``python -m wiki.cli serve`` with its own data dir and database.

    ``data_dir``: where the SQLite file, secret and logs go (default: a new temp dir that is
    removed on close). ``database_url``: overrides the SQLite/PostgreSQL choice. ``env``: extra
    ``WIKI_*`` (or other) variables for both ``init`` and ``serve``.
    """

    def __init__(
        self,
        *,
        workers: int = 1,
        data_dir: Path | None = None,
        database_url: str | None = None,
        env: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.workers = workers
        self.host = host
        self.port = port or free_port(host)
        self.start_timeout = start_timeout
        self._own_dir = data_dir is None
        self.data_dir = (
            Path(tempfile.mkdtemp(prefix="gotong-live-")) if data_dir is None else data_dir
        )
        self._requested_db = database_url
        self._extra_env = dict(env or {})
        self._pg_admin_url: str | None = None
        self._pg_schema: str | None = None
        self.database_url = ""
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    # --- public API ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:40123``."""
        return f"http://{self.host}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def env(self) -> dict[str, str]:
        """The environment ``init`` and ``serve`` run with (no WIKI_* from the caller's shell)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIKI_")}
        env.update(
            WIKI_DATA_DIR=str(self.data_dir),
            WIKI_DATABASE_URL=self.database_url,
            WIKI_SECRET_KEY=SECRET_KEY,
            PYTHONUNBUFFERED="1",
        )
        env.update(self._extra_env)
        return env

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "wiki.cli",
            "serve",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]

    def start(self) -> WikiServer:
        """Create the database (first time), run ``wiki init``, serve, and wait for ``/``."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.database_url:
            self.database_url = self._make_database()
        init = subprocess.run(
            [sys.executable, "-m", "wiki.cli", "init"],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            timeout=INIT_TIMEOUT,
            check=False,
        )
        if init.returncode != 0:
            out = (init.stdout + init.stderr).decode("utf-8", "replace")
            raise ServerError(f"`wiki init` failed ({init.returncode}):\n{out}")
        self._spawn()
        return self

    def stop(self) -> None:
        """SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL whatever is left of the group."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=STOP_TIMEOUT)
        self._reap()

    def kill(self) -> None:
        """SIGKILL the server and its workers at once (a crash); ``restart()`` brings it back."""
        if self.proc is not None:
            self._reap()

    def restart(self) -> None:
        """Stop (if running) and serve again on the same port, data dir and database."""
        self.stop()
        self._spawn()

    def close(self) -> None:
        """Stop the server and drop its database schema and temp dir."""
        try:
            self.stop()
        finally:
            self._drop_database()
            if self._own_dir:
                shutil.rmtree(self.data_dir, ignore_errors=True)

    def log_text(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    @property
    def pid(self) -> int | None:
        """The uvicorn parent's pid, which is also the server's process group id."""
        return self.proc.pid if self.proc is not None else None

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes (``--workers N`` > 1; Linux), e.g. to kill just one."""
        if self.proc is None:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if (
                fields[0] != "Z"
                and int(fields[1]) == self.proc.pid
                and b"--multiprocessing-fork" in cmdline
                and b"resource_tracker" not in cmdline
            ):
                pids.append(int(entry.name))
        return sorted(pids)

    def __enter__(self) -> WikiServer:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------------

    def _spawn(self) -> None:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in _reap)
        self.proc = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: workers die with it
        )
        try:
            self._wait_ready()
        except BaseException:
            self._reap()
            raise

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        last_error = ""
        with httpx.Client(timeout=30.0, follow_redirects=False) as client:
            while time.monotonic() < deadline:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    raise ServerError(
                        f"server exited with {self.proc.returncode} before answering:\n"
                        + self.log_text()
                    )
                try:
                    response = client.get(self.url + "/")
                except httpx.TransportError as exc:
                    last_error = repr(exc)
                else:
                    if response.status_code < 500:
                        return
                    last_error = f"HTTP {response.status_code}"
                time.sleep(0.05)
        raise ServerError(
            f"server did not answer {self.url}/ within {self.start_timeout:.0f} s "
            f"({last_error}):\n{self.log_text()}"
        )

    def _reap(self) -> None:
        """SIGKILL the process group, wait for the parent, close the log file."""
        proc = self.proc
        if proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=STOP_TIMEOUT)
            _wait_group_gone(proc.pid, STOP_TIMEOUT)
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _make_database(self) -> str:
        if self._requested_db:
            return self._requested_db
        pg = os.environ.get(PG_ENV, "")
        if not pg:
            return f"sqlite:///{(self.data_dir / 'wiki.sqlite3').resolve()}"
        from sqlalchemy import create_engine, text

        schema = "live_" + uuid.uuid4().hex[:16]
        engine = create_engine(pg)
        try:
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        finally:
            engine.dispose()
        self._pg_admin_url, self._pg_schema = pg, schema
        return pg_schema_url(pg, schema)

    def _drop_database(self) -> None:
        if self._pg_admin_url is None or self._pg_schema is None:
            return
        from sqlalchemy import create_engine, text

        engine = create_engine(self._pg_admin_url)
        try:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self._pg_schema}" CASCADE'))
        finally:
            engine.dispose()
            self._pg_admin_url = self._pg_schema = None


def group_alive(pgid: int) -> bool:
    """Whether any live (non-zombie) process is left in process group ``pgid``.

    Zombies do not count: orphaned children are reaped by PID 1, which in a container may be
    slow to do it, but they hold no port or file any more.
    """
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: zombies count too
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


def _wait_group_gone(pgid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WikiServer]:
    """A real server (2 workers) shared by the tests of one module; stopped afterwards."""
    data_dir = tmp_path_factory.mktemp("live")
    with WikiServer(workers=2, data_dir=data_dir) as server:
        yield server
