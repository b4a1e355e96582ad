"""Patrolling, rollback, undo and restore: the services, then the HTML forms and buttons."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.conftest import make_user
from tests.patrolkit import Html, as_user, browser, post, save
from wiki.accounts import users
from wiki.db import Database
from wiki.errors import BadInput
from wiki.models import ChangeTag, RecentChange
from wiki.pages import revisions
from wiki.pages.revisions import Author
from wiki.patrol import logs, recentchanges, recording, reverts
from wiki.patrol import marks as patrol
from wiki.text import titles

MAX = 100_000
PAT = Author("Pat", None, frozenset({"*", "user", "autoconfirmed", "patroller"}))
ORIGINAL = "Alinea satu tentang pajak.\n\nAlinea dua tentang subsidi.\n\nAlinea tiga tentang utang."


def _edit(db: Database, title: str, text: str, who: str | Author, summary: str = "") -> int:
    """Save as ``who``: an IP, or an account (made on first use)."""
    if isinstance(who, Author):
        author = who
    elif users.is_ip(who):
        author = Author(who)
    else:
        with db.read() as s:
            found = users.get_by_name(s, who)
        uid = found.id if found else make_user(db, who, autoconfirmed=True)
        author = Author(who, uid)
    with db.write() as s:
        t = titles.parse(title)
        page = revisions.get_page(s, t)
        base = page.latest_id if page else None
        result = revisions.save(
            s, t, text, author=author, summary=summary, base_id=base, max_bytes=MAX
        )
        return result.revision.id


def _text(db: Database, title: str) -> str:
    with db.read() as s:
        page = revisions.get_page(s, titles.parse(title))
        assert page is not None
        return revisions.latest_revision(s, page).text


def _rollback(db: Database, title: str, from_user: str) -> reverts.RollbackResult:
    pat = make_user_once(db, "Pat")
    with db.write() as s:
        return reverts.rollback(
            s,
            titles.parse(title),
            from_user=from_user,
            author=Author("Pat", pat, PAT.groups),
            max_bytes=MAX,
        )


def make_user_once(db: Database, name: str) -> int:
    with db.read() as s:
        found = users.get_by_name(s, name)
    return found.id if found else make_user(db, name, groups=("patroller",), autoconfirmed=True)


# --- rollback ----------------------------------------------------------------------------------


def test_rollback_one_edit(db: Database) -> None:
    _edit(db, "Pajak", ORIGINAL, "Alice")
    vandal = _edit(db, "Pajak", "LOL", "203.0.113.5")
    done = _rollback(db, "Pajak", "203.0.113.5")
    assert _text(db, "Pajak") == ORIGINAL
    assert done.reverted == 1 and done.to_user == "Alice"
    rev = done.result.revision
    assert rev.summary == "Reverted edits by 203.0.113.5 to last revision by Alice" and rev.minor
    with db.read() as s:
        rc = recording.for_revision(s, rev.id)
        assert rc is not None and rc.patrolled != recentchanges.UNPATROLLED
        assert patrol.state(s, vandal) == recentchanges.PATROLLED  # the reverted edit too
        tags = set(s.query(ChangeTag.tag).filter_by(revision_id=rev.id).all())
        assert ("mw-rollback",) in tags
        entry = logs.entries(s, type="rollback")[0]
        assert entry.params["count"] == 1 and entry.params["from"] == "203.0.113.5"


def test_rollback_many_consecutive_edits(db: Database) -> None:
    _edit(db, "Subsidi", ORIGINAL, "Alice")
    for i in range(4):
        _edit(db, "Subsidi", ORIGINAL + f"\n\nspam {i}", "203.0.113.5")
    done = _rollback(db, "Subsidi", "203.0.113.5")
    assert done.reverted == 4 and _text(db, "Subsidi") == ORIGINAL
    with db.read() as s:
        left = s.query(RecentChange).filter_by(patrolled=recentchanges.UNPATROLLED).all()
        assert [r.title for r in left if r.kind != "log"] == ["Subsidi"]  # only Alice's creation


def test_rollback_refuses_when_someone_else_edited_in_between(db: Database) -> None:
    _edit(db, "Utang", ORIGINAL, "Alice")
    _edit(db, "Utang", ORIGINAL + "\n\nvandal", "203.0.113.5")
    _edit(db, "Utang", ORIGINAL + "\n\nvandal\n\nBob's fix", "Bob")
    with pytest.raises(reverts.RollbackRefused) as exc:
        _rollback(db, "Utang", "203.0.113.5")
    assert exc.value.status == 409 and "Bob" in exc.value.message
    assert _text(db, "Utang").endswith("Bob's fix")
    # Only the latest run is rolled back: vandal, Bob, vandal again -> back to Bob's.
    _edit(db, "Utang", "vandal again", "203.0.113.5")
    done = _rollback(db, "Utang", "203.0.113.5")
    assert done.reverted == 1 and done.to_user == "Bob" and _text(db, "Utang").endswith("fix")


def test_rollback_refuses_when_the_vandal_created_the_page(db: Database) -> None:
    _edit(db, "Hoaks", "hoax text", "203.0.113.5")
    _edit(db, "Hoaks", "more hoax", "203.0.113.5")
    with pytest.raises(reverts.RollbackRefused) as exc:
        _rollback(db, "Hoaks", "203.0.113.5")
    assert "every revision" in exc.value.message  # MediaWiki cannot roll back to nothing either
    assert _text(db, "Hoaks") == "more hoax"


def test_rollback_refuses_when_there_is_nothing_to_change(db: Database) -> None:
    _edit(db, "Sama", "same", "Alice")
    _edit(db, "Sama", "changed", "203.0.113.5")
    _edit(db, "Sama", "same", "203.0.113.5")  # the vandal undid themselves
    with pytest.raises(reverts.RollbackRefused):
        _rollback(db, "Sama", "203.0.113.5")
    with pytest.raises(BadInput):
        _rollback(db, "Sama", "")


# --- undo --------------------------------------------------------------------------------------


def test_undo_with_later_edits_merges_cleanly(db: Database) -> None:
    first = _edit(db, "Undo", ORIGINAL, "Alice")
    bad = _edit(db, "Undo", ORIGINAL.replace("pajak", "PAJAK JELEK"), "203.0.113.5")
    _edit(
        db, "Undo", ORIGINAL.replace("pajak", "PAJAK JELEK").replace("utang", "utang negara"), "Bob"
    )
    with db.read() as s:
        proposal = reverts.plan_undo(s, titles.parse("Undo"), bad, None, can_view_suppressed=False)
    assert proposal.text == ORIGINAL.replace("utang", "utang negara")  # Bob's edit kept
    assert proposal.summary == f"Undo revision {bad} by 203.0.113.5"
    assert proposal.undo == bad and first < bad


def test_undo_conflicting_with_later_edits_fails_and_changes_nothing(db: Database) -> None:
    _edit(db, "Konflik", ORIGINAL, "Alice")
    bad = _edit(db, "Konflik", ORIGINAL.replace("pajak", "PAJAK JELEK"), "203.0.113.5")
    later = ORIGINAL.replace("pajak", "pajak daerah")
    _edit(db, "Konflik", later, "Bob")
    with db.read() as s, pytest.raises(reverts.UndoConflict):
        reverts.plan_undo(s, titles.parse("Konflik"), bad, None, can_view_suppressed=False)
    assert _text(db, "Konflik") == later


def test_undo_a_range(db: Database) -> None:
    base = _edit(db, "Rentang", ORIGINAL, "Alice")
    _edit(db, "Rentang", ORIGINAL + "\n\nx", "203.0.113.5")
    last = _edit(db, "Rentang", ORIGINAL + "\n\nx\n\ny", "203.0.113.6")
    with db.read() as s:
        p = reverts.plan_undo(s, titles.parse("Rentang"), last, base, can_view_suppressed=False)
    assert p.text == ORIGINAL and p.summary == f"Undo revisions {base + 1} to {last}"


# --- over HTTP ---------------------------------------------------------------------------------


def test_rollback_button_on_history_diff_and_contributions(
    client: TestClient, db: Database
) -> None:
    app = client.app
    alice = as_user(app, db, "Alice")
    save(alice, "Kebijakan", ORIGINAL)
    vandal = browser(app, "203.0.113.5")
    save(vandal, "Kebijakan", "DIRUSAK")
    save(vandal, "Kebijakan", "DIRUSAK LAGI")
    pat = as_user(app, db, "Pat", groups=("patroller",), ip="192.0.2.30")
    for url in (
        "/wiki/Kebijakan?action=history",
        "/wiki/Kebijakan?diff=cur&oldid=1",
        "/wiki/Special:Contributions/203.0.113.5",
        "/wiki/Special:RecentChanges",
    ):
        forms = [f for f in Html(pat.get(url).text).by_class("rollback-form")]
        assert len(forms) == 1, url
        assert forms[0]["attrs"]["action"] == "/wiki/Kebijakan?action=rollback"
    # Forms cannot nest: history's button belongs to a form after the compare form.
    hist = pat.get("/wiki/Kebijakan?action=history").text
    assert 'form="mw-rollback-form"' in hist
    assert hist.index('id="mw-rollback-form"') > hist.index("</form>")
    r = post(pat, "/wiki/Kebijakan?action=rollback", {"from": "203.0.113.5"})
    assert r.status_code == 303 and "rolledback=2" in r.headers["location"]
    assert ORIGINAL.split("\n")[0] in browser(app, "192.0.2.77").get("/wiki/Kebijakan").text
    shown = pat.get(r.headers["location"])
    assert shown.status_code == 200 and "DIRUSAK LAGI" in shown.text  # the diff of what was undone
    again = post(pat, "/wiki/Kebijakan?action=rollback", {"from": "203.0.113.5"})
    assert again.status_code == 409 and "Pat" in again.text


def test_mark_as_patrolled_on_a_diff_is_idempotent_and_logged(
    client: TestClient, db: Database
) -> None:
    app = client.app
    anon = browser(app, "203.0.113.5")
    save(anon, "Patroli", "teks")
    save(anon, "Patroli", "teks diubah")
    pat = as_user(app, db, "Pat", groups=("patroller",), ip="192.0.2.30")
    html = pat.get("/wiki/Patroli?diff=2").text
    form = Html(html).by_class("patrol-form")
    assert len(form) == 1
    rcid = next(i["attrs"]["value"] for i in Html(html).find("input", name="rcid"))
    r = post(pat, "/wiki/Patroli?action=markpatrolled", {"rcid": rcid})
    assert r.status_code == 303
    assert not Html(pat.get(r.headers["location"]).text).by_class("patrol-form")
    assert post(pat, "/wiki/Patroli?action=markpatrolled", {"rcid": rcid}).status_code == 303
    with db.read() as s:
        assert len(logs.entries(s, type="patrol")) == 1
    # Patrollers' own edits are autopatrolled: no link on their diffs.
    save(pat, "Patroli", "teks diubah patroli")
    assert not Html(pat.get("/wiki/Patroli?diff=3").text).by_class("patrol-form")
    # The reader without the right sees no link and cannot post.
    bob = as_user(app, db, "Bob", ip="192.0.2.31")
    assert not Html(bob.get("/wiki/Patroli?diff=1").text).by_class("patrol-form")
    assert post(bob, "/wiki/Patroli?action=markpatrolled", {"rcid": "1"}).status_code == 403


def test_undo_form_shows_the_diff_and_saves_tagged(client: TestClient, db: Database) -> None:
    app = client.app
    alice = as_user(app, db, "Alice")
    save(alice, "Formulir", ORIGINAL)
    save(browser(app, "203.0.113.5"), "Formulir", ORIGINAL.replace("subsidi", "SPAM"))
    save(alice, "Formulir", ORIGINAL.replace("subsidi", "SPAM").replace("utang", "utang luar"))
    r = alice.get("/wiki/Formulir?action=edit&undo=2&undoafter=1")
    assert r.status_code == 200
    page = Html(r.text)
    summary = page.find("input", id="wpSummary")[0]["attrs"]["value"]
    assert summary == "Undo revision 2 by 203.0.113.5"
    assert page.by_class("changes") and "SPAM" in page.by_class("changes")[0]["text"]
    undid = page.find("input", name="wpUndidRevision")[0]["attrs"]["value"]
    text = page.find("textarea", id="wpTextbox1")[0]["text"]
    assert "SPAM" not in text and "utang luar" in text
    token = page.find("input", name="wpEditToken")[0]["attrs"]["value"]
    base = page.find("input", name="wpBaseRevId")[0]["attrs"]["value"]
    saved = alice.post(
        "/wiki/Formulir?action=submit",
        data={
            "wpEditToken": token,
            "wpBaseRevId": base,
            "wpTextbox1": text,
            "wpSummary": summary,
            "wpUndidRevision": undid,
            "wpSave": "1",
        },
    )
    assert saved.status_code == 303
    with db.read() as s:
        assert s.query(ChangeTag).filter_by(revision_id=4, tag="mw-undo").count() == 1
    # A conflicting undo says so, and the form holds the current text.
    save(alice, "Formulir", ORIGINAL.replace("pajak", "pajak baru"))
    save(browser(app, "203.0.113.5"), "Formulir", ORIGINAL.replace("pajak", "PAJAK"))
    save(alice, "Formulir", ORIGINAL.replace("pajak", "pajak lagi"))
    r = alice.get("/wiki/Formulir?action=edit&undo=6")
    assert r.status_code == 409 and "could not be undone" in r.text


def test_restore_an_old_revision(client: TestClient, db: Database) -> None:
    app = client.app
    alice = as_user(app, db, "Alice")
    save(alice, "Pulih", "versi pertama")
    save(alice, "Pulih", "versi kedua")
    oldid = Html(alice.get("/wiki/Pulih?oldid=1").text).find("p", **{"class": "restore"})
    assert oldid
    r = alice.get("/wiki/Pulih?action=edit&oldid=1")
    page = Html(r.text)
    assert page.find("textarea", id="wpTextbox1")[0]["text"] == "versi pertama"
    assert page.find("input", id="wpSummary")[0]["attrs"]["value"] == "Restore revision 1 by Alice"
    assert alice.get("/wiki/Pulih?action=edit&oldid=999").status_code == 404
