"""The live recent-changes stream against a real server process: an edit made while the stream
is open arrives as a server-sent event within a couple of seconds."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.server import WikiServer

pytestmark = pytest.mark.slow


def test_an_edit_arrives_on_the_open_stream() -> None:
    # The stream stays open far longer than the test needs; the event arriving on it at all
    # shows it was pushed (no wall-clock assertion: a busy machine may take seconds).
    with WikiServer(workers=1) as server, httpx.Client(base_url=server.url, timeout=120) as c:
        url = "/wiki/Special:RecentChanges?stream=1&timeout=120&usertype=anon"
        with c.stream("GET", url) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            assert "script-src 'self'" in r.headers["content-security-policy"]
            lines = r.iter_lines()
            assert next(lines).startswith("retry:")  # the stream is open and has its start id
            saved = httpx.post(
                server.url + "/w/rest.php/v1/page",
                json={"title": "Live edit", "source": "Vandalisme langsung."},
                timeout=60,
            )
            assert saved.status_code == 201, saved.text
            event: dict[str, object] = {}
            for line in lines:
                if line.startswith("data: "):
                    event = json.loads(line[len("data: ") :])
                    break
    assert 'data-rc-id="' in str(event["html"]) and "Live edit" in str(event["html"])
    assert 'class="unpatrolled"' in str(event["html"])
