"""One path for every change: every channel that writes page text obeys the same abuse rules,
blocks, protection and rate limits, because every one of them goes through ``wiki.actions``.

Each test runs one rule against every channel in ``CHANNELS``: the edit form (new page, edit,
section, undo and restore confirmed through the form), the REST API (POST, PUT, undo), and talk
topics and replies through their forms and through REST.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.conftest import BASE_RE, TOKEN_RE, make_user
from tests.patrolkit import api_headers, as_user, browser, post
from wiki.app import create_app
from wiki.db import Database
from wiki.models import AbuseHit, AbuseRule, Revision
from wiki.settings import Settings

IP = "198.51.100.77"
WORD = "zonkspam"
API = "/w/rest.php/v1"
ACK_RE = re.compile(r'name="wpAbuseAck" value="([^"]*)"')


@dataclass
class Wiki:
    """The pages every channel writes to, made before any rule exists."""

    app: Any
    db: Database
    first: int  # a revision of Halaman that still had WORD in it
    removal: int  # the revision that removed it (undoing it brings WORD back)
    comment: str  # a comment id on Talk:Halaman


def _form_fields(html: str) -> dict[str, str]:
    token, base = TOKEN_RE.search(html), BASE_RE.search(html)
    assert token and base, html[:500]
    fields = {"wpEditToken": token.group(1), "wpBaseRevId": base.group(1), "wpSave": "1"}
    for name in ("wpUndidRevision", "wpSection", "wpSummary"):
        m = re.search(rf'name="{name}" value="([^"]*)"', html)
        if m:
            fields[name] = m.group(1)
    box = re.search(r'<textarea[^>]*name="wpTextbox1"[^>]*>(.*?)</textarea>', html, re.S)
    assert box, html[:500]
    import html as html_lib

    fields["wpTextbox1"] = html_lib.unescape(box.group(1)).removeprefix("\n")
    return fields


def _submit(
    c: TestClient, title: str, form_url: str, ack: str, change: str | None
) -> httpx.Response:
    fields = _form_fields(c.get(form_url).text)
    if change is not None:
        fields["wpTextbox1"] = change
    if ack:
        fields["wpAbuseAck"] = ack
    return c.post(f"/wiki/{title}?action=submit", data=fields)


def _json(c: TestClient, method: str, url: str, body: dict[str, Any], ack: str) -> httpx.Response:
    if ack:
        body = {**body, "abuse_acknowledged": [int(i) for i in ack.split(",")]}
    return c.request(method, API + url, json=body, headers=api_headers(c))


def _latest(w: Wiki, title: str) -> int:
    with w.db.read() as s:
        return max(r.id for r in s.scalars(select(Revision)) if r.page_id == _page_id(s, title))


def _page_id(s: Any, title: str) -> int:
    from wiki.models import Page

    ns, _, text = title.rpartition(":")
    namespace = {"": 0, "Talk": 1}[ns]
    page = s.scalar(select(Page).where(Page.namespace == namespace, Page.title == text))
    assert page is not None
    return int(page.id)


#: The Action API answers errors with HTTP 200 and a code, as MediaWiki does; the tests read
#: the code as the HTTP status the other channels give.
ACTION_API_STATUS = {
    "abusefilter-disallowed": 403,
    "abusefilter-warning": 409,
    "blocked": 403,
    "protectedpage": 403,
    "permissiondenied": 403,
    "ratelimited": 429,
}


def _action_api(c: TestClient, w: Wiki, ack: str, **params: str) -> httpx.Response:
    data = {"action": "edit", "format": "json", "formatversion": "2", "token": "+\\", **params}
    if ack:
        data["abuseacknowledged"] = ack.replace(",", "|")
    r = c.post("/w/api.php", data=data)
    body = r.json()
    if "error" in body:
        status = ACTION_API_STATUS.get(body["error"]["code"], 400)
        headers = {"Retry-After": "60"} if status == 429 else {}
        return httpx.Response(status, json=body, headers=headers)
    return r


Channel = Callable[[TestClient, Wiki, str], httpx.Response]

CHANNELS: dict[str, Channel] = {
    "form: new page": lambda c, w, ack: _submit(
        c, "Baru", "/wiki/Baru?action=edit", ack, f"Halaman baru tentang {WORD}."
    ),
    "form: edit": lambda c, w, ack: _submit(
        c, "Halaman", "/wiki/Halaman?action=edit", ack, f"Intro.\n\n## Bagian\n\nIsi. {WORD}\n"
    ),
    "form: section": lambda c, w, ack: _submit(
        c, "Halaman", "/wiki/Halaman?action=edit&section=1", ack, f"## Bagian\n\nIsi {WORD}.\n"
    ),
    "form: undo": lambda c, w, ack: _submit(
        c, "Halaman", f"/wiki/Halaman?action=edit&undo={w.removal}", ack, None
    ),
    "form: restore": lambda c, w, ack: _submit(
        c, "Halaman", f"/wiki/Halaman?action=edit&oldid={w.first}", ack, None
    ),
    "REST: POST": lambda c, w, ack: _json(
        c, "POST", "/page", {"title": "Baru", "source": f"Tentang {WORD}.", "comment": ""}, ack
    ),
    "REST: PUT": lambda c, w, ack: _json(
        c,
        "PUT",
        "/page/Halaman",
        {"source": f"Intro {WORD}.", "comment": "", "latest": {"id": _latest(w, "Halaman")}},
        ack,
    ),
    "REST: undo": lambda c, w, ack: _json(
        c, "POST", "/page/Halaman/undo", {"undo": w.removal}, ack
    ),
    "Action API: edit": lambda c, w, ack: _action_api(
        c,
        w,
        ack,
        title="Halaman",
        text=f"Intro {WORD}.",
        baserevid=str(_latest(w, "Halaman")),
    ),
    "Action API: new section": lambda c, w, ack: _action_api(
        c, w, ack, title="Talk:Halaman", section="new", sectiontitle="Usul", text=f"{WORD}?"
    ),
    "talk form: topic": lambda c, w, ack: post(
        c,
        "/wiki/Special:NewTopic/Talk:Halaman",
        {"wpSummary": "Usul", "wpTextbox1": f"Bagaimana dengan {WORD}?", "wpAbuseAck": ack},
    ),
    "talk form: reply": lambda c, w, ack: post(
        c,
        "/wiki/Special:Reply/Talk:Halaman",
        {"comment": w.comment, "wpReply": f"Setuju, {WORD}.", "wpAbuseAck": ack},
    ),
    "talk REST: topic": lambda c, w, ack: _json(
        c, "POST", "/page/Talk:Halaman/topics", {"subject": "Usul", "comment": f"{WORD}!"}, ack
    ),
    "talk REST: reply": lambda c, w, ack: _json(
        c,
        "POST",
        f"/page/Talk:Halaman/topics/{w.comment}/replies",
        {"comment": f"Ya {WORD}."},
        ack,
    ),
}


@pytest.fixture
def wiki(app_settings: Settings) -> Any:
    app = create_app(app_settings)
    db = Database(app_settings.database_url)
    with TestClient(app, base_url="http://testserver", follow_redirects=False):
        writer = as_user(app, db, "Penulis", autoconfirmed=True)
        _json(
            writer,
            "POST",
            "/page",
            {"title": "Halaman", "source": f"Intro.\n\n## Bagian\n\nIsi.\n\n{WORD} lama.\n"},
            "",
        ).raise_for_status()
        first = _latest_of(db)
        r = _json(
            writer,
            "PUT",
            "/page/Halaman",
            {"source": "Intro.\n\n## Bagian\n\nIsi.\n", "latest": {"id": first}},
            "",
        )
        r.raise_for_status()
        removal = _latest_of(db)
        r = _json(
            writer, "POST", "/page/Talk:Halaman/topics", {"subject": "Awal", "comment": "Hai."}, ""
        )
        r.raise_for_status()
        comment = r.json()["comment"]["id"]
        yield Wiki(app=app, db=db, first=first, removal=removal, comment=comment)
    app.state.wiki.db.dispose()
    db.dispose()


def _latest_of(db: Database) -> int:
    with db.read() as s:
        return int(max(s.scalars(select(Revision.id))))


def _saved_with_word(db: Database) -> int:
    """Revisions holding WORD (the setup made one)."""
    with db.read() as s:
        return sum(1 for text in s.scalars(select(Revision.text)) if WORD in text)


def _rule(db: Database, actions: str) -> int:
    with db.write() as s:
        rule = AbuseRule(
            name="no zonkspam",
            enabled=True,
            pattern=WORD,
            namespaces="",
            new_users_only=False,
            actions=actions,
            throttle_count=3,
            message="Kata itu dilarang.",
        )
        s.add(rule)
        s.flush()
        return int(rule.id)


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_a_disallow_rule_refuses_the_same_text_on_every_channel(wiki: Wiki, channel: str) -> None:
    rule = _rule(wiki.db, "disallow")
    before = _saved_with_word(wiki.db)
    r = CHANNELS[channel](browser(wiki.app, IP), wiki, "")
    assert r.status_code == 403, (channel, r.status_code, r.text[:300])
    assert "Kata itu dilarang." in r.text
    assert _saved_with_word(wiki.db) == before
    with wiki.db.read() as s:
        hits = [(h.rule_id, h.action, h.user_text) for h in s.scalars(select(AbuseHit))]
    assert hits == [(rule, "disallow", IP)]


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_a_warn_rule_warns_on_every_channel_and_saving_again_saves(
    wiki: Wiki, channel: str
) -> None:
    rule = _rule(wiki.db, "warn")
    before = _saved_with_word(wiki.db)
    c = browser(wiki.app, IP)
    r = CHANNELS[channel](c, wiki, "")
    assert "Kata itu dilarang." in r.text, (channel, r.status_code, r.text[:300])
    assert _saved_with_word(wiki.db) == before
    if channel.startswith(("form:", "talk form:")):  # the form carries the warning's rule id
        assert r.status_code == (200 if channel.startswith("form:") else 409)
        m = ACK_RE.search(r.text)
        assert m and m.group(1) == str(rule)
    else:
        assert r.status_code == 409
    r = CHANNELS[channel](c, wiki, str(rule))
    assert r.status_code in (200, 201, 303), (channel, r.status_code, r.text[:300])
    assert _saved_with_word(wiki.db) == before + 1


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_a_blocked_ip_is_refused_on_every_channel(wiki: Wiki, channel: str) -> None:
    admin = as_user(wiki.app, wiki.db, "Admin", groups=("admin",), ip="192.0.2.99")
    r = post(admin, "/wiki/Special:Block", {"target": IP, "expiry": "1 day", "reason": "Hoaks"})
    assert r.status_code == 303
    before = _latest_of(wiki.db)
    r = CHANNELS[channel](browser(wiki.app, IP), wiki, "")
    assert r.status_code == 403, (channel, r.status_code, r.text[:300])
    assert "Hoaks" in r.text
    assert _latest_of(wiki.db) == before


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_protection_refuses_anonymous_editors_on_every_channel(wiki: Wiki, channel: str) -> None:
    admin = as_user(wiki.app, wiki.db, "Admin", groups=("admin",), ip="192.0.2.99")
    for title in ("Halaman", "Talk:Halaman", "Baru"):
        levels = {"level-edit": "autoconfirmed", "level-move": "", "level-create": "autoconfirmed"}
        r = post(
            admin,
            f"/wiki/{title}?action=protect",
            {**levels, "expiry": "infinite", "reason": "Sengketa"},
        )
        assert r.status_code == 303
    before = _latest_of(wiki.db)
    r = CHANNELS[channel](browser(wiki.app, IP), wiki, "")
    assert r.status_code == 403, (channel, r.status_code, r.text[:300])
    assert "Sengketa" in r.text
    assert _latest_of(wiki.db) == before


@pytest.fixture
def tight_settings(settings: Settings) -> Settings:
    from dataclasses import replace

    limits = "edit:anon=1/3600,topic:anon=100/3600,createaccount:anon=100/60,login:anon=100/60"
    return replace(settings, rate_limits=limits).validated()


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_the_edit_rate_limit_holds_on_every_channel(tight_settings: Settings, channel: str) -> None:
    app = create_app(tight_settings)
    db = Database(tight_settings.database_url)
    with TestClient(app, base_url="http://testserver", follow_redirects=False):
        make_user(db, "Penulis", autoconfirmed=True)
        writer = as_user_existing(app, "Penulis")
        _json(
            writer,
            "POST",
            "/page",
            {"title": "Halaman", "source": "Intro.\n\n## Bagian\n\nIsi.\n\nLama.\n"},
            "",
        )
        first = _latest_of(db)
        _json(
            writer,
            "PUT",
            "/page/Halaman",
            {"source": "Intro.\n\n## Bagian\n\nIsi.\n", "latest": {"id": first}},
            "",
        )
        removal = _latest_of(db)
        r = _json(writer, "POST", "/page/Talk:Halaman/topics", {"subject": "A", "comment": "B"}, "")
        w = Wiki(app=app, db=db, first=first, removal=removal, comment=r.json()["comment"]["id"])
        c = browser(app, IP)
        # The one edit this IP may make this hour, through another channel.
        assert CHANNELS["REST: POST"](c, w, "").status_code == 201
        before = _latest_of(db)
        r = CHANNELS[channel](c, w, "")
        assert r.status_code == 429, (channel, r.status_code, r.text[:300])
        assert r.headers["Retry-After"].isdigit()
        assert _latest_of(db) == before
    app.state.wiki.db.dispose()
    db.dispose()


def as_user_existing(app: Any, name: str) -> TestClient:
    from tests.conftest import login

    c = browser(app, "192.0.2.21")
    login(c, name)
    return c
