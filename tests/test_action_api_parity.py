"""Parity: an edit through the Action API and the same edit through the web form write the same
revision, the same recent-change row, the same tags and the same notifications."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from tests.conftest import edit, login, make_user
from tests.test_action_api import api_login, bot_password, csrf, post
from wiki.db import Database
from wiki.models import ChangeTag, Notification, RecentChange, Revision
from wiki.patrol import watchlist
from wiki.text import titles


def _facts(db: Database, title: str) -> dict[str, Any]:
    """What an edit of ``title`` left behind, without ids, titles and times."""
    t = titles.parse(title)
    with db.read() as s:
        rc = s.scalars(
            select(RecentChange).where(RecentChange.title == t.text).order_by(RecentChange.id)
        ).all()[-1]
        rev = s.get(Revision, rc.revision_id)
        assert rev is not None
        tags = sorted(s.scalars(select(ChangeTag.tag).where(ChangeTag.rc_id == rc.id)))
        notes = s.scalars(
            select(Notification).where(Notification.title == t.text).order_by(Notification.id)
        ).all()
        return {
            "revision": (rev.text, rev.summary, rev.minor, rev.user_id, rev.user_text, rev.sha1),
            "rc": (
                rc.kind,
                rc.user_id,
                rc.user_text,
                rc.user_kind,
                rc.bot,
                rc.minor,
                rc.old_size,
                rc.new_size,
                rc.summary,
                rc.patrolled,
                rc.visibility,
            ),
            "tags": tags,
            "notifications": [(n.user_id, n.kind, n.actor_text, n.anchor) for n in notes],
        }


def test_api_edit_and_web_edit_leave_the_same_traces(client: TestClient, db: Database) -> None:
    make_user(db, "Budi")
    watcher = make_user(db, "Pengamat")
    with db.write() as s:
        for name in ("Lewat web", "Lewat API"):
            watchlist.watch(s, watcher, titles.parse(name))
    password = bot_password(client, db, "Budi", ("editpage",))
    login(client, "Budi")
    for text, summary in (("awal", "buat"), ("awal\n\ntambahan", "tambah")):
        assert edit(client, "Lewat_web", text, summary=summary).status_code == 303
    client.cookies.clear()
    assert api_login(client, "Budi@tool", password)["result"] == "Success"
    token = csrf(client)
    for text, summary in (("awal", "buat"), ("awal\n\ntambahan", "tambah")):
        done = post(
            client, action="edit", title="Lewat API", text=text, summary=summary, token=token
        )
        assert done["edit"]["result"] == "Success", done
    web, api = _facts(db, "Lewat web"), _facts(db, "Lewat API")
    assert web == api
    assert web["notifications"], "the watcher was told"
