"""Talk pages: the service (wiki.talk.posting) with a database, the forms, the API and
notifications."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.conftest import TOKEN_RE, edit, login, make_user, token_of
from wiki.cli import SEED_DIR, SEED_PAGES
from wiki.db import Database
from wiki.errors import BadInput, EditConflict
from wiki.models import IpNewTalk, Notification, Revision, TopicSubscription, User
from wiki.pages.revisions import Author
from wiki.patrol import watchlist
from wiki.settings import Settings
from wiki.talk import notifications, signatures, threads
from wiki.talk import posting as talk
from wiki.text.titles import Title, parse

TALK = parse("Talk:Budget 2027")
MAX = 2 * 1024 * 1024


def author(db: Database, name: str) -> Author:
    with db.read() as s:
        user = s.scalar(select(User).where(User.name == name))
        assert user is not None
        return Author(name=name, user_id=user.id)


def inbox(db: Database, name: str) -> list[tuple[str, str, str]]:
    """(kind, actor, anchor) of a user's notifications, oldest first."""
    with db.read() as s:
        user_id = s.scalar(select(User.id).where(User.name == name))
        assert user_id is not None
        views = notifications.inbox(s, user_id)
    return [(n.kind, n.actor, n.anchor) for n in reversed(views)]


def text_of(db: Database, title: Title = TALK) -> str:
    with db.read() as s:
        from wiki.pages import revisions

        page = revisions.get_page(s, title)
        assert page is not None
        return revisions.latest_revision(s, page).text


@pytest.fixture
def people(db: Database) -> dict[str, int]:
    return {name: make_user(db, name) for name in ("Budi", "Sari", "Ani")}


def start(db: Database, who: str = "Budi", text: str = "Is it 10% or 8%?") -> talk.Posted:
    with db.write() as s:
        return talk.add_topic(s, TALK, "Budget figure", text, author=author(db, who), max_bytes=MAX)


def reply(db: Database, to: str, text: str, who: str | Author = "Sari") -> talk.Posted:
    by = author(db, who) if isinstance(who, str) else who
    with db.write() as s:
        return talk.reply(s, TALK, to, text, author=by, max_bytes=MAX)


# --- the service ----------------------------------------------------------------------------------


def test_topic_and_reply_are_signed_and_placed(db: Database, people: dict[str, int]) -> None:
    first = start(db)
    assert first.result.created and first.comment.depth == 0
    assert first.topic.heading == "Budget figure" and first.topic.id == "h" + first.comment.id[1:]
    second = reply(db, first.comment.id, "8%: the source is newer.")
    third = reply(db, first.comment.id, "Agreed.", "Ani")
    nested = reply(db, second.comment.id, "Thanks!", "Budi")
    thread = threads.parse(text_of(db))
    assert [(c.author, c.depth, c.parent) for c in thread.comments] == [
        ("Budi", 0, None),
        ("Sari", 1, first.comment.id),
        ("Budi", 2, second.comment.id),
        ("Ani", 1, first.comment.id),
    ]
    assert nested.result.revision.summary == "/* Budget figure */ Reply to Sari"
    assert third.result.revision.parent_id == second.result.revision.id
    lines = text_of(db).split("\n")
    assert lines[0] == "## Budget figure"
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\)"
    assert re.fullmatch(
        r"\* 8%: the source is newer\. — \[\[User:Sari\|Sari\]\] " + stamp, lines[3]
    )


def test_reply_to_a_removed_comment_is_refused_with_the_text(
    db: Database, people: dict[str, int]
) -> None:
    first = start(db)
    with db.write() as s:
        from wiki.pages import revisions

        revisions.save(
            s,
            TALK,
            "## Budget figure\n\nGone.",
            author=author(db, "Ani"),
            max_bytes=MAX,
            base_id=first.result.revision.id,
        )
    with pytest.raises(EditConflict) as caught:
        reply(db, first.comment.id, "My careful reply")
    assert caught.value.yours == "My careful reply"
    with pytest.raises(BadInput):
        reply(db, first.comment.id, "  ~~~~ ")
    with pytest.raises(BadInput), db.write() as s:
        talk.add_topic(s, TALK, "   ", "text", author=author(db, "Budi"), max_bytes=MAX)


def test_notifications_mentions_replies_and_subscriptions(
    db: Database, people: dict[str, int]
) -> None:
    first = start(db, text="Is it 10%? @Sari, @Nobody and [[User:Ani]] please check.")
    assert inbox(db, "Sari") == [("mention", "Budi", first.comment.id)]
    assert inbox(db, "Ani") == [("mention", "Budi", first.comment.id)]
    second = reply(db, first.comment.id, "It is 8%.")  # Sari answers Budi
    assert inbox(db, "Budi") == [("reply", "Sari", second.comment.id)]
    # Budi started the topic and Sari replied: both follow it now. Ani comments.
    with db.read() as s:
        subs = set(s.execute(select(TopicSubscription.topic, TopicSubscription.user_id)))
    assert subs == {(first.topic.id, people["Budi"]), (first.topic.id, people["Sari"])}
    third = reply(db, second.comment.id, "Confirmed, @Sari.", "Ani")
    assert inbox(db, "Sari")[-1] == ("mention", "Ani", third.comment.id)  # not also "reply"
    assert inbox(db, "Budi")[-1] == ("topic", "Ani", third.comment.id)  # a followed topic
    assert len(inbox(db, "Ani")) == 1  # nobody is told about their own comment


def test_new_topic_tells_watchers_and_user_talk_tells_its_owner(
    db: Database, people: dict[str, int]
) -> None:
    with db.write() as s:
        watchlist.watch(s, people["Ani"], TALK.subject())
    first = start(db)
    assert ("topic", "Budi", first.comment.id) in inbox(db, "Ani")
    reply(db, first.comment.id, "A reply is not a new topic.")
    assert [k for k, _, _ in inbox(db, "Ani")].count("topic") == 1
    owner_talk = parse("User talk:Sari")
    with db.write() as s:
        posted = talk.add_topic(
            s, owner_talk, "Hello", "Welcome!", author=author(db, "Budi"), max_bytes=MAX
        )
    assert inbox(db, "Sari")[-1] == ("usertalk", "Budi", posted.comment.id)


def test_ip_talk_page_gets_a_new_messages_flag(db: Database, people: dict[str, int]) -> None:
    ip_talk = parse("User talk:203.0.113.7")
    with db.write() as s:
        posted = talk.add_topic(
            s,
            ip_talk,
            "Your edit",
            "Please cite a source.",
            author=author(db, "Budi"),
            max_bytes=MAX,
        )
        assert talk.new_messages(s, "203.0.113.7") == posted.result.revision.id
    anon = Author(name="203.0.113.7")
    with db.write() as s:
        talk.clear_new_messages(s, "203.0.113.7")
        talk.reply(s, ip_talk, posted.comment.id, "Sorry, done.", author=anon, max_bytes=MAX)
        assert talk.new_messages(s, "203.0.113.7") is None  # their own reply flags nothing
    assert inbox(db, "Budi")[-1][0] == "reply"
    assert threads.parse(text_of(db, ip_talk)).comments[-1].anonymous


def test_editor_save_signs_and_notifies_but_a_revert_tells_nobody(
    db: Database, people: dict[str, int]
) -> None:
    first = start(db)
    base = first.result.revision
    typed = base.text + "\n* Unsigned reply for @Ani"
    with db.write() as s:
        saved = talk.save(s, TALK, typed, author=author(db, "Sari"), base_id=base.id, max_bytes=MAX)
    assert threads.parse(saved.revision.text).comments[-1].author == "Sari"
    assert inbox(db, "Ani") == [
        ("mention", "Sari", threads.parse(saved.revision.text).comments[-1].id)
    ]
    # Someone removes it, someone else restores it: old comments are not news.
    with db.write() as s:
        talk.save(
            s, TALK, base.text, author=author(db, "Budi"), base_id=saved.revision.id, max_bytes=MAX
        )
    with db.write() as s:
        latest = s.scalar(select(func.max(Revision.id)))
        talk.save(
            s, TALK, saved.revision.text, author=author(db, "Ani"), base_id=latest, max_bytes=MAX
        )
    assert len(inbox(db, "Ani")) == 1
    assert len(inbox(db, "Budi")) == 1  # Sari's reply, once


def test_a_forged_signature_tells_nobody(db: Database, people: dict[str, int]) -> None:
    first = start(db)
    stamp = signatures.stamp(first.result.revision.timestamp + timedelta(seconds=5))
    forged = first.result.revision.text + f"\n* Hi @Ani — [[User:Sari|Sari]] {stamp}"
    with db.write() as s:
        talk.save(
            s,
            TALK,
            forged,
            author=author(db, "Budi"),
            base_id=first.result.revision.id,
            max_bytes=MAX,
        )
    assert inbox(db, "Ani") == []


# --- HTTP: tabs, forms ----------------------------------------------------------------------------


def tabs(page: str) -> dict[str, tuple[str, str]]:
    """id -> ("new" when red, href) of the Page | Talk | Add topic tabs."""
    found = {}
    for tab_id, classes, href in re.findall(
        r'<li id="(ca-[a-z]+)" class="([^"]*)"><a href="([^"]*)"', page
    ):
        found[tab_id] = ("new" if "new" in classes.split() else "", html.unescape(href))
    return found


def test_page_and_talk_tabs(client: TestClient) -> None:
    edit(client, "Otters", "Otters swim.")
    t = tabs(client.get("/wiki/Otters").text)
    assert t["ca-nstab"] == ("", "/wiki/Otters")
    assert t["ca-talk"] == ("new", "/wiki/Talk:Otters?action=edit&section=new")
    edit(client, "Talk:Otters", "Welcome to the talk page.")
    assert tabs(client.get("/wiki/Otters").text)["ca-talk"] == ("", "/wiki/Talk:Otters")
    on_talk = tabs(client.get("/wiki/Talk:Otters").text)
    assert on_talk["ca-nstab"] == ("", "/wiki/Otters") and "ca-addsection" in on_talk
    edit(client, "Talk:Seals", "Nothing here yet.")
    assert tabs(client.get("/wiki/Talk:Seals").text)["ca-nstab"][0] == "new"
    assert (
        tabs(client.get("/wiki/Pembicaraan:Seals", follow_redirects=True).text)["ca-talk"][0] == ""
    )


def _form(client: TestClient, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    token = TOKEN_RE.search(page.text)
    assert token
    return {"wpEditToken": token.group(1)}


def test_add_topic_and_reply_through_the_forms(client: TestClient, db: Database) -> None:
    make_user(db, "Budi")
    make_user(db, "Sari")
    login(client, "Budi")
    data = _form(client, "/wiki/Talk:Otters?action=edit&section=new")
    r = client.post(
        "/wiki/Special:NewTopic/Talk:Otters",
        data={**data, "wpSummary": "Diet", "wpTextbox1": "Do they eat crabs, @Sari?"},
    )
    assert r.status_code == 303
    anchor = r.headers["location"].split("#")[1]
    assert r.headers["location"] == f"/wiki/Talk:Otters#{anchor}" and anchor.startswith("c-Budi-")
    page = client.get("/wiki/Talk:Otters").text
    assert f'id="{anchor}"' in page
    reply_href = html.unescape(re.search(r'class="talk-reply" href="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    assert reply_href == f"/wiki/Special:Reply/Talk:Otters?comment={anchor}"

    sari = TestClient(client.app, follow_redirects=False)
    login(sari, "Sari")
    data = _form(sari, reply_href)
    r = sari.post(
        "/wiki/Special:Reply/Talk:Otters",
        data={**data, "comment": anchor, "wpReply": "Yes, crabs."},
    )
    assert r.status_code == 303 and "#c-Sari-" in r.headers["location"]
    raw = client.get("/wiki/Talk:Otters?action=raw").text
    assert "\n* Yes, crabs. — [[User:Sari|Sari]] " in raw

    # Empty: 400, the form again. A removed comment: 409, with the text kept.
    r = sari.post(
        "/wiki/Special:Reply/Talk:Otters", data={**data, "comment": anchor, "wpReply": " "}
    )
    assert r.status_code == 400 and 'class="talk-reply-form"' in r.text
    r = sari.post(
        "/wiki/Special:Reply/Talk:Otters",
        data={**data, "comment": "c-Nobody-20200101000000", "wpReply": "Lost words"},
    )
    assert r.status_code == 409 and ">Lost words</textarea>" in r.text
    r = sari.post(
        "/wiki/Special:Reply/Talk:Nowhere",
        data={**data, "comment": anchor, "wpReply": "Still mine"},
    )
    assert r.status_code == 404 and ">Still mine</textarea>" in r.text
    r = client.post(
        "/wiki/Special:NewTopic/Talk:Otters",
        data={
            **_form(client, "/wiki/Talk:Otters?action=edit&section=new"),
            "wpSummary": "",
            "wpTextbox1": "Kept",
        },
    )
    assert r.status_code == 400 and ">Kept</textarea>" in r.text


def test_reply_form_for_a_missing_comment_is_404(client: TestClient) -> None:
    edit(client, "Talk:Otters", "Hello")
    assert (
        client.get("/wiki/Special:Reply/Talk:Otters?comment=c-X-20200101000000").status_code == 404
    )
    assert client.get("/wiki/Special:Reply/Talk:Otters").status_code == 400


def test_unsigned_comment_in_the_editor_is_signed(client: TestClient) -> None:
    edit(client, "Talk:Otters", "## Q\n\nWhy otters?")
    edit(
        client, "Talk:Otters", client.get("/wiki/Talk:Otters?action=raw").text + "\n* Because. ~~~"
    )
    raw = client.get("/wiki/Talk:Otters?action=raw").text
    comments = threads.parse(raw).comments
    assert len(comments) == 2 and all(c.author == "testclient" for c in comments)
    assert "* Because. [[Special:Contributions/testclient|testclient]]" in raw  # ~~~: the link
    edit(client, "Otters", "Signed ~~~~ stays as typed outside talk pages.")
    assert "~~~~" in client.get("/wiki/Otters?action=raw").text


# --- notifications: the bell, Special:Notifications, marking read ---------------------------------


@pytest.fixture
def two(client: TestClient, db: Database) -> Iterator[tuple[TestClient, TestClient]]:
    """Budi (logged in on ``client``) and Sari (her own client); Budi mentioned Sari."""
    make_user(db, "Budi")
    make_user(db, "Sari")
    login(client, "Budi")
    data = _form(client, "/wiki/Talk:Otters?action=edit&section=new")
    client.post(
        "/wiki/Special:NewTopic/Talk:Otters",
        data={**data, "wpSummary": "Diet", "wpTextbox1": "Crabs? @Sari"},
    )
    sari = TestClient(client.app, follow_redirects=False)
    login(sari, "Sari")
    yield client, sari
    sari.close()


def bell(page: str) -> str | None:
    m = re.search(r'<a id="pt-notifications"[^>]*>.*?</a>', page)
    if m is None:
        return None
    count = re.search(r'class="count">([^<]+)<', m.group())
    return count.group(1) if count else "0"


def test_bell_and_special_notifications(two: tuple[TestClient, TestClient]) -> None:
    budi, sari = two
    assert bell(sari.get("/wiki/Main_Page").text) == "1"
    assert bell(budi.get("/wiki/Main_Page").text) == "0"
    page = sari.get("/wiki/Special:Notifications").text
    (link,) = re.findall(r'<a class="go" href="([^"]+)">([^<]+)</a>', page)
    assert (
        link[0].startswith("/wiki/Talk:Otters#c-Budi-")
        and link[1] == "Budi mentioned you on Talk:Otters"
    )
    assert "Crabs? @Sari" in page and 'class="notification mention unread"' in page
    token = TOKEN_RE.search(page).group(1)  # type: ignore[union-attr]
    note_id = re.search(r'name="mark" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    r = sari.post("/wiki/Special:Notifications", data={"wpEditToken": token, "mark": note_id})
    assert r.status_code == 303
    assert bell(sari.get("/wiki/Main_Page").text) == "0"
    assert 'class="notification mention read"' in sari.get("/wiki/Special:Notifications").text
    assert (
        sari.get("/wiki/Special:Notifications?show=unread").text.count('class="notification ') == 0
    )


def test_reading_the_page_reads_its_notifications(two: tuple[TestClient, TestClient]) -> None:
    _, sari = two
    assert bell(sari.get("/wiki/Main_Page").text) == "1"
    assert bell(sari.get("/wiki/Talk:Otters").text) == "0"
    assert bell(sari.get("/wiki/Main_Page").text) == "0"


def test_mark_all_and_anonymous_have_no_inbox(
    two: tuple[TestClient, TestClient], client: TestClient
) -> None:
    _budi, sari = two
    token = token_of(sari, "/wiki/Special:Notifications")
    assert (
        sari.post(
            "/wiki/Special:Notifications", data={"wpEditToken": token, "mark": "all"}
        ).status_code
        == 303
    )
    assert bell(sari.get("/wiki/Main_Page").text) == "0"
    anon = TestClient(client.app, follow_redirects=False)
    assert anon.get("/wiki/Special:Notifications").status_code == 403
    page = anon.get("/wiki/Main_Page").text
    assert bell(page) is None


def test_anonymous_ip_sees_new_messages(client: TestClient, db: Database) -> None:
    make_user(db, "Budi")
    ip = TestClient(client.app, follow_redirects=False, client=("203.0.113.7", 5000))
    edit(ip, "Sandbox", "An anonymous edit.")  # the edit form gives the visitor a session
    login(client, "Budi")
    data = _form(client, "/wiki/User_talk:203.0.113.7?action=edit&section=new")
    client.post(
        "/wiki/Special:NewTopic/User_talk:203.0.113.7",
        data={**data, "wpSummary": "Sources", "wpTextbox1": "Please cite one."},
    )
    page = ip.get("/wiki/Main_Page").text
    assert 'class="usermessage"' in page and "/wiki/User_talk:203.0.113.7" in page
    assert 'class="usermessage"' not in ip.get("/wiki/User_talk:203.0.113.7").text
    assert 'class="usermessage"' not in ip.get("/wiki/Main_Page").text
    # A reader without a session cookie gets the cached page, with no bar and no query.
    stranger = TestClient(client.app, follow_redirects=False, client=("203.0.113.8", 5000))
    assert 'class="usermessage"' not in stranger.get("/wiki/Main_Page").text


# --- the REST API ---------------------------------------------------------------------------------


def test_api_topics_replies_and_errors(client: TestClient) -> None:
    api = "/w/rest.php/v1/page/Talk:Otters"
    r = client.post(f"{api}/topics", json={"subject": "Diet", "comment": "Crabs?"})
    assert r.status_code == 201, r.text
    body = r.json()
    first = body["comment"]["id"]
    assert body["topic"]["subject"] == "Diet" and body["comment"]["depth"] == 0
    assert body["url"] == f"/wiki/Talk:Otters#{first}"
    r = client.post(f"{api}/topics/{first}/replies", json={"comment": "Yes."})
    assert r.status_code == 201 and r.json()["comment"]["parent"] == first
    listed = client.get(f"{api}/topics").json()
    assert [len(t["comments"]) for t in listed["topics"]] == [2]
    r = client.post(f"{api}/topics/c-Nobody-20200101000000/replies", json={"comment": "Mine"})
    assert r.status_code == 409 and r.json()["yours"] == "Mine"
    assert client.post(f"{api}/topics/{first}/replies", json={"comment": ""}).status_code == 400
    assert client.post(f"{api}/topics", json={"subject": "", "comment": "x"}).status_code == 400
    r = client.post(
        "/w/rest.php/v1/page/Talk:Nowhere/topics/c-X-20200101000000/replies", json={"comment": "x"}
    )
    assert r.status_code == 404
    assert client.get("/w/rest.php/v1/page/Talk:Nowhere/topics").status_code == 404


def test_api_notifications(two: tuple[TestClient, TestClient], client: TestClient) -> None:
    budi, sari = two
    anon = TestClient(client.app)
    r = anon.get("/w/rest.php/v1/notifications")
    assert r.status_code == 401 and r.json()["httpCode"] == 401
    data = sari.get("/w/rest.php/v1/notifications").json()
    assert data["unread"] == 1
    (note,) = data["notifications"]
    assert note["kind"] == "mention" and note["actor"] == "Budi" and not note["read"]
    assert note["url"] == f"/wiki/Talk:Otters#{note['anchor']}"
    # With a session cookie, writes need the token.
    assert sari.post("/w/rest.php/v1/notifications/read", json={"all": True}).status_code == 403
    token = token_of(sari)
    r = sari.post(
        "/w/rest.php/v1/notifications/read",
        json={"ids": [note["id"]]},
        headers={"X-CSRF-Token": token},
    )
    assert r.json() == {"marked": 1}
    assert sari.get("/w/rest.php/v1/notifications?unread=1").json() == {
        "unread": 0,
        "notifications": [],
    }
    # Sari replies through the API (with her token): Budi is told.
    r = sari.post(
        f"/w/rest.php/v1/page/Talk:Otters/topics/{note['anchor']}/replies",
        json={"comment": "Fish mostly."},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 201
    kinds = [n["kind"] for n in budi.get("/w/rest.php/v1/notifications").json()["notifications"]]
    assert kinds == ["reply"]


# --- seeding --------------------------------------------------------------------------------------


def test_help_talk_pages_is_seeded_in_both_languages(settings: Settings, db: Database) -> None:
    from wiki.cli import seed

    assert SEED_PAGES["Help:Talk pages"] == "help_talk_pages"
    for lang in ("en", "id"):
        text = (SEED_DIR / f"help_talk_pages.{lang}.md").read_text(encoding="utf-8")
        assert "~~~~" in text and "```" in text
    assert "Help:Talk pages" in seed(db, settings)
    assert "Add topic" in text_of(db, parse("Help:Talk pages"))
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 0
        assert s.scalar(select(func.count()).select_from(IpNewTalk)) == 0


# --- cost and limits ------------------------------------------------------------------------------


def _queries(client: TestClient, url: str) -> list[str]:
    from sqlalchemy import event

    engine = client.app.state.wiki.db.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_the_bell_costs_no_query_while_nothing_changes(
    two: tuple[TestClient, TestClient], client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiki.web import talk as talk_web

    monkeypatch.setattr(talk_web, "_minute", lambda: 0)  # counts also age out each minute
    _, sari = two
    edit(sari, "Otters", "Otters swim.")
    sari.get("/wiki/Otters")
    # The unread count is cached until something changes (other page-view queries are not ours).
    ours = "SELECT notification.namespace, notification.title"
    assert not [q for q in _queries(sari, "/wiki/Otters") if q.startswith(ours)]
    edit(client, "Talk:Otters", "Hi @Sari")
    assert [q for q in _queries(sari, "/wiki/Otters") if q.startswith(ours)]  # a save: recount
    assert bell(sari.get("/wiki/Otters").text) == "2"
    anon = TestClient(client.app, follow_redirects=False)
    anon.get("/wiki/Otters")
    # The cached page: nothing about an inbox is looked up (the search indexer's thread may
    # query the same engine meanwhile, so only the inbox's tables are checked).
    inbox_tables = ("notification", "ip_newtalk", "session")
    assert not [q for q in _queries(anon, "/wiki/Otters") if any(t in q for t in inbox_tables)]


def test_topics_and_replies_are_rate_limited(settings: Settings) -> None:
    import dataclasses

    from wiki.app import create_app

    tight = dataclasses.replace(settings, rate_limits="edit:anon=100/60,topic:anon=1/60")
    app = create_app(tight)
    try:
        _rate_limited(app)
    finally:
        app.state.wiki.db.dispose()


def _rate_limited(app: Starlette) -> None:
    with TestClient(app, follow_redirects=False) as anon:
        api = "/w/rest.php/v1/page/Talk:Otters/topics"
        assert anon.post(api, json={"subject": "One", "comment": "First"}).status_code == 201
        r = anon.post(api, json={"subject": "Two", "comment": "Second"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        data = _form(anon, "/wiki/Talk:Otters?action=edit&section=new")
        r = anon.post(
            "/wiki/Special:NewTopic/Talk:Otters",
            data={**data, "wpSummary": "Three", "wpTextbox1": "Kept text"},
        )
        assert r.status_code == 429 and ">Kept text</textarea>" in r.text
        assert int(r.headers["retry-after"]) > 0
