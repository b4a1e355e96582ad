"""The live-server helper itself: start, crash (SIGKILL), restart on the same data, stop."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.server import WikiServer, group_alive

pytestmark = pytest.mark.slow

TOKEN_RE = re.compile(r'name="wpEditToken" value="([^"]+)"')


def test_kill_restart_keeps_data_and_leaves_no_workers() -> None:
    with WikiServer(workers=2) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/wiki/Main_Page").status_code == 200
        form = client.get("/wiki/Crash_test?action=edit")
        token = TOKEN_RE.search(form.text)
        assert token, form.text[:300]
        saved = client.post(
            "/wiki/Crash_test?action=submit",
            data={"wpEditToken": token.group(1), "wpBaseRevId": "", "wpTextbox1": "Survives."},
        )
        assert saved.status_code == 303, saved.text[:300]

        workers = server.worker_pids()
        assert len(workers) == 2, workers
        pgid = server.pid
        assert pgid is not None
        server.kill()
        assert not group_alive(pgid), "uvicorn workers outlived a SIGKILL of the server"
        with pytest.raises(httpx.TransportError):
            httpx.get(server.url + "/", timeout=1)

        server.restart()
        assert server.pid != pgid
        page = client.get("/wiki/Crash_test")
        assert page.status_code == 200 and "Survives." in page.text

        pgid = server.pid
        assert pgid is not None
        server.stop()
        assert not group_alive(pgid)
