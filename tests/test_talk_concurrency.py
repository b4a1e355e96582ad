"""Replies never conflict: 20 people answer the same comment at the same moment, against a real
server with two worker processes (SQLite, or PostgreSQL with WIKI_TEST_DATABASE_URL)."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import select

from tests.server import WikiServer
from wiki.db import Database
from wiki.models import Revision
from wiki.pages import revisions
from wiki.talk import threads
from wiki.text.titles import parse

pytestmark = pytest.mark.slow
REPLIES = 20
GENEROUS = "edit:anon=10000/60,topic:anon=10000/60"


def test_twenty_simultaneous_replies_to_one_comment_all_land() -> None:
    with WikiServer(workers=2, env={"WIKI_RATE_LIMITS": GENEROUS}) as server:
        api = server.url + "/w/rest.php/v1/page/Talk:Budget_2027"
        started = httpx.post(
            api + "/topics", json={"subject": "Figures", "comment": "Is it 10%?"}, timeout=30
        )
        assert started.status_code == 201, started.text
        first = started.json()["comment"]["id"]
        base = started.json()["revision"]["id"]
        # Someone else's topic below, so replies must go in the middle of the page.
        later = httpx.post(api + "/topics", json={"subject": "Other", "comment": "Hi"}, timeout=30)
        assert later.status_code == 201
        barrier = threading.Barrier(REPLIES)

        def send(i: int) -> httpx.Response:
            # A client (and connection) each, so both worker processes take requests.
            with httpx.Client(timeout=60) as client:
                barrier.wait()
                return client.post(
                    f"{api}/topics/{first}/replies", json={"comment": f"Reply number {i}."}
                )

        with ThreadPoolExecutor(REPLIES) as pool:
            answers = list(pool.map(send, range(REPLIES)))
        assert [a.status_code for a in answers] == [201] * REPLIES, [a.text for a in answers]

        db = Database(server.database_url)
        try:
            with db.read() as s:
                page = revisions.get_page(s, parse("Talk:Budget 2027"))
                assert page is not None
                revs = s.execute(
                    select(Revision.id, Revision.parent_id, Revision.text)
                    .where(Revision.page_id == page.id, Revision.id > base)
                    .order_by(Revision.id)
                ).all()
        finally:
            db.dispose()

    # 20 revisions after the second topic, each on top of the one before: nothing merged over.
    assert len(revs) == 1 + REPLIES
    assert all(rev.parent_id == prev.id for prev, rev in itertools.pairwise(revs))
    thread = threads.parse(revs[-1].text)
    replies = [c for c in thread.comments if c.parent == first]
    assert len(replies) == REPLIES and all(c.depth == 1 for c in replies)
    assert all(c.author == "127.0.0.1" and c.anonymous for c in replies)  # signed
    texts = sorted(thread.text(c) for c in replies)
    assert texts == sorted(f"Reply number {i}." for i in range(REPLIES))  # none lost
    # In order: the page lists the replies in the order their revisions were saved.
    by_revision = [a.json() for a in sorted(answers, key=lambda a: a.json()["revision"]["id"])]
    assert [c.id for c in replies] == [b["comment"]["id"] for b in by_revision]
    assert [t.heading for t in thread.topics] == ["", "Figures", "Other"]
