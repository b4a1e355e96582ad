"""WIKI_AUTO_REVERT (wiki.patrol.autorevert): off by default; when on, only likely vandalism by
editors who are not autoconfirmed, once per page per editor per day, logged and explained."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.conftest import edit
from tests.patrolkit import as_user, browser, save
from wiki.db import Database
from wiki.models import LogEntry, Page, Revision
from wiki.settings import Settings

GOOD = (
    "Jakarta adalah ibu kota Indonesia.[^1]\n\n[^1]: Sumber: BPS https://bps.go.id\n"
    "Surabaya adalah kota terbesar kedua.[^2]\n\n[^2]: Sumber: BPS https://bps.go.id/sby\n"
)
VANDAL = "GOBLOK ANJING BODOH wkwkwkwk!!!!!!!!!!"
IP = "198.51.100.7"


def _latest_text(db: Database, title: str) -> str:
    with db.read() as s:
        page = s.scalars(select(Page).where(Page.title == title)).one()
        rev = s.get(Revision, page.latest_id)
        assert rev is not None
        return rev.text


def _autoreverts(db: Database) -> list[LogEntry]:
    with db.read() as s:
        return list(s.scalars(select(LogEntry).where(LogEntry.action == "autorevert")).all())


def test_off_by_default(client: TestClient, db: Database) -> None:
    assert not Settings().auto_revert
    assert edit(client, "Kota", GOOD, summary="sumber").status_code == 303
    save(browser(client.app, IP), "Kota", VANDAL)
    assert _latest_text(db, "Kota") == VANDAL and _autoreverts(db) == []


class TestWhenOn:
    @pytest.fixture
    def app_settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, auto_revert=True)

    def test_reverts_once_per_page_per_day_and_explains(
        self, client: TestClient, db: Database
    ) -> None:
        assert edit(client, "Kota", GOOD, summary="sumber").status_code == 303
        ip = browser(client.app, IP)
        save(ip, "Kota", VANDAL)
        assert _latest_text(db, "Kota").strip() == GOOD.strip()  # the parent's text is back
        [entry] = _autoreverts(db)
        assert entry.type == "rollback" and f'"from": "{IP}"' in entry.params
        talk = _latest_text(db, f"{IP}")  # User talk:<IP> (namespace 3, title the IP)
        assert "Kota" in talk and "vandal" in talk.lower()
        # The same editor on the same page the same day: left to people.
        save(ip, "Kota", VANDAL)
        assert _latest_text(db, "Kota") == VANDAL and len(_autoreverts(db)) == 1

    def test_spares_autoconfirmed_editors_and_good_edits(
        self, client: TestClient, db: Database
    ) -> None:
        assert edit(client, "Kota", GOOD, summary="sumber").status_code == 303
        old_hand = as_user(client.app, db, "Lama", autoconfirmed=True)
        save(old_hand, "Kota", VANDAL)
        assert _latest_text(db, "Kota") == VANDAL
        save(browser(client.app, IP), "Kota", GOOD + "\nKota ini ramai.", summary="tambah")
        assert _autoreverts(db) == []

    def test_through_the_api_too(self, client: TestClient, db: Database) -> None:
        made = client.post(
            "/w/rest.php/v1/page", json={"title": "Api", "source": GOOD, "comment": "awal"}
        ).json()
        ip = browser(client.app, IP)
        r = ip.put(
            "/w/rest.php/v1/page/Api",
            json={"source": VANDAL, "comment": "", "latest": {"id": made["latest"]["id"]}},
        )
        assert r.status_code == 200, r.text
        assert _latest_text(db, "Api") != VANDAL and len(_autoreverts(db)) == 1
