"""A private, throwaway PostgreSQL cluster that a test may stop and start (never the shared one).

``initdb`` into a temp dir, ``pg_ctl start`` on a free port, owned by the ``postgres`` user when
the tests run as root (PostgreSQL refuses to run as root). ``available()`` says whether the
binaries are there; tests skip without them, except under ``CI``, where they fail.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from tests.server import free_port

START_TIMEOUT = 120  # seconds: pg_ctl waits for the server to accept connections


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "pg_ctl").exists():
            return candidate
    return None


def available() -> bool:
    if _bin_dir() is None:
        return False
    if os.geteuid() != 0:
        return True
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


class PgCluster:
    """``with PgCluster() as pg: pg.url; pg.stop(); pg.start()``."""

    def __init__(self) -> None:
        bindir = _bin_dir()
        assert bindir is not None, "PostgreSQL binaries not found"
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="gotong-pg-"))
        self.datadir = self.root / "data"
        self._user: pwd.struct_passwd | None = (
            pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        )
        if self._user is not None:
            os.chown(self.root, self._user.pw_uid, self._user.pw_gid)
        self.superuser = self._user.pw_name if self._user else pwd.getpwuid(os.geteuid()).pw_name

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{self.superuser}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        user = self._user
        done = subprocess.run(
            cmd,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
            cwd=self.root,
            capture_output=True,
            timeout=START_TIMEOUT + 30,
            check=False,
        )
        if done.returncode != 0:
            out = (done.stdout + done.stderr).decode("utf-8", "replace")
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{out}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.datadir), "-A", "trust", "-U", self.superuser, "-N")

    def start(self) -> None:
        """Start and wait until it accepts connections (``pg_ctl -w``)."""
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.root / "log"),
            "-o", opts, "-w", "-t", str(START_TIMEOUT), "start",
        )  # fmt: skip

    def stop(self) -> None:
        """An abrupt stop, as a crash or a failover looks to clients."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")

    def close(self) -> None:
        try:
            if (self.datadir / "postmaster.pid").exists():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        try:
            self.init()
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
