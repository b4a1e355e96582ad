"""Every saved edit is scored (wiki.patrol.scoring), and the score shows where patrollers look:
recent changes, the watchlist and contributions (badge and filter), the diff page (reasons in
words), the REST API (hidden with the text), and watchers' inboxes ("likely vandalism")."""

from __future__ import annotations

import json

from sqlalchemy import select
from starlette.testclient import TestClient

from tests.conftest import edit, make_user
from tests.patrolkit import as_user, browser, post, rc_rows, save, text_of
from wiki.db import Database
from wiki.models import Notification, Page, RecentChange, Revision, User
from wiki.patrol import scoring

GOOD = (
    "Jakarta adalah ibu kota Indonesia.[^1]\n\n[^1]: Sumber: BPS https://bps.go.id\n"
    "Surabaya adalah kota terbesar kedua.[^2]\n\n[^2]: Sumber: BPS https://bps.go.id/sby\n"
    "Bandung terletak di Jawa Barat.[^3]\n\n[^3]: Sumber: BPS https://bps.go.id/bdg\n"
)
VANDAL = "GOBLOK ANJING BODOH wkwkwkwk!!!!!!!!!!"
IP = "198.51.100.7"


def _setup(client: TestClient) -> None:
    """A sourced page by the site (revision 1), then an IP's vandalism (revision 2)."""
    assert edit(client, "Kota", GOOD, summary="sumber").status_code == 303
    save(browser(client.app, IP), "Kota", VANDAL)


def test_score_is_stored_with_the_revision_and_recent_change(
    client: TestClient, db: Database
) -> None:
    _setup(client)
    with db.read() as s:
        revs = s.scalars(select(Revision).order_by(Revision.id)).all()
        good, bad = revs[-2], revs[-1]
        assert good.vandalism_score is not None and bad.vandalism_score is not None
        assert scoring.badge_of(bad.vandalism_score) == "bad"
        assert scoring.badge_of(good.vandalism_score) == "good"
        stored = json.loads(bad.vandalism_reasons)
        codes = [r["code"] for r in stored["reasons"]]
        assert "removes_sources" in codes and "adds_insult" in codes
        # The score, split: the content alone reaches the badge here.
        assert stored["content"] >= scoring.load_model().thresholds["bad"]
        assert abs(stored["content"] + stored["editor"] - bad.vandalism_score) < 1e-3
        rc = s.scalars(select(RecentChange).where(RecentChange.revision_id == bad.id)).one()
        assert rc.vandalism_score == bad.vandalism_score


def test_author_facts_come_from_the_user_row(client: TestClient, db: Database) -> None:
    make_user(db, "Lama", autoconfirmed=True)
    assert edit(client, "Fakta", "teks awal", summary="awal").status_code == 303
    with db.write() as s:
        user = s.scalars(select(User).where(User.name == "Lama")).one()
        page = s.scalars(select(Page).where(Page.title == "Fakta")).one()
        rev = s.get(Revision, page.latest_id)
        assert rev is not None
        rev.user_id, rev.user_text = user.id, user.name
        facts = scoring.edit_facts(s, page, rev, None)
        assert not facts.is_anonymous and facts.edit_count == 49
        assert 29 < facts.account_age_days < 31
        assert facts.recent_reverts == 0 and not facts.recently_vandalised
        rev.user_id, rev.user_text = None, IP
        ip_facts = scoring.edit_facts(s, page, rev, None)
        assert ip_facts.is_anonymous and ip_facts.account_age_days == 0
        s.rollback()


def test_rollback_counts_as_recent_revert_and_recent_vandalism(
    client: TestClient, db: Database
) -> None:
    _setup(client)
    admin = as_user(client.app, db, "Penjaga", groups=("admin",))
    r = post(admin, "/wiki/Kota?action=rollback", {"from": IP})
    assert r.status_code == 303, r.text[:500]
    with db.read() as s:
        page = s.scalars(select(Page).where(Page.title == "Kota")).one()
        rev = s.get(Revision, page.latest_id)
        assert rev is not None
        rev.user_text = IP
        facts = scoring.edit_facts(s, page, rev, None)
        assert facts.recent_reverts == 1 and facts.recently_vandalised


def test_recent_changes_badge_and_filter(client: TestClient) -> None:
    _setup(client)
    html = client.get("/wiki/Special:RecentChanges?hidelogs=1").text
    rows = rc_rows(html)
    assert len(rows) >= 2
    assert 'class="vandalism-badge vandalism-bad"' in html
    assert 'class="vandalism-badge vandalism-good"' in html
    bad = client.get("/wiki/Special:RecentChanges?hidelogs=1&score=bad")
    assert bad.status_code == 200
    assert "vandalism-bad" in bad.text and 'class="vandalism-badge vandalism-good"' not in bad.text
    assert '<option value="bad" selected>' in bad.text  # the filter is kept in the form
    assert "score=bad" in bad.text  # and in the links (enhanced/limit links keep filters)
    good = client.get("/wiki/Special:RecentChanges?hidelogs=1&score=good").text
    assert 'class="vandalism-badge vandalism-bad"' not in good
    assert 'class="vandalism-badge vandalism-good"' in good
    assert client.get("/wiki/Special:RecentChanges?score=awful").status_code == 400


def test_contributions_and_watchlist_badge_and_filter(client: TestClient, db: Database) -> None:
    watcher = as_user(client.app, db, "Pengamat")
    save(watcher, "Kota", GOOD + "\nTambahan.", summary="tambah")
    ip = browser(client.app, IP)
    save(ip, "Kota", VANDAL)
    contribs = client.get(f"/wiki/Special:Contributions/{IP}").text
    assert 'class="vandalism-badge vandalism-bad"' in contribs
    none = client.get(f"/wiki/Special:Contributions/{IP}?score=good").text
    assert "vandalism-badge" not in none
    assert '<option value="good" selected>' in none
    wl = watcher.get("/wiki/Special:Watchlist?score=bad")
    assert wl.status_code == 200
    assert 'class="vandalism-badge vandalism-bad"' in wl.text
    assert 'class="vandalism-badge vandalism-good"' not in wl.text


def test_diff_page_explains_the_score_in_words(client: TestClient) -> None:
    _setup(client)
    en = client.get("/wiki/Kota?diff=2&oldid=1&uselang=en").text
    assert "Vandalism score: " in en and "likely vandalism" in en
    words = text_of(en)
    assert "removes 3 sources" in words and "new IP editor" in words
    ind = client.get("/wiki/Kota?diff=2&oldid=1&uselang=id").text
    assert "menghapus 3 sumber" in text_of(ind)


def test_api_includes_the_score_and_hides_it_with_the_text(
    client: TestClient, db: Database
) -> None:
    _setup(client)
    data = client.get("/w/rest.php/v1/revision/2").json()
    v = data["vandalism"]
    assert v["badge"] == "bad" and 0.5 < v["score"] <= 1
    messages = [r["message"] for r in v["reasons"]]
    assert "removes 3 sources" in messages and "blanks the page" not in messages
    assert edit(client, "Kota", GOOD, summary="revert").status_code == 303  # not current
    admin = as_user(client.app, db, "Admin", groups=("admin",))
    r = post(admin, "/wiki/Special:RevisionDelete", {"ids": "2", "hide-text": "1"})
    assert r.status_code == 303, r.text[:500]
    hidden = client.get("/w/rest.php/v1/revision/2").json()
    assert "source" not in hidden and hidden["vandalism"] is None
    assert client.get("/w/rest.php/v1/revision/2/bare").json()["vandalism"] is None
    # Admins see both.
    shown = admin.get("/w/rest.php/v1/revision/2").json()
    assert shown["source"] == VANDAL and shown["vandalism"]["badge"] == "bad"
    # And the listings and the diff hide it too.
    rc = client.get("/wiki/Special:RecentChanges?hidelogs=1").text
    assert 'class="vandalism-badge vandalism-bad"' not in rc
    assert "vandalism-bad" not in client.get("/wiki/Special:RecentChanges?score=bad").text
    assert "Vandalism score" not in client.get("/wiki/Kota?diff=2&oldid=1&uselang=en").text


def test_watchers_get_a_likely_vandalism_notification(client: TestClient, db: Database) -> None:
    watcher = as_user(client.app, db, "Pengamat")
    save(watcher, "Kota", GOOD, summary="buat")  # watched by default
    other = browser(client.app, "198.51.100.8")
    save(other, "Kota", GOOD + "\nKota ini ramai.", summary="tambah")
    with db.read() as s:
        kinds = sorted(s.scalars(select(Notification.kind)).all())
    assert kinds == ["watch"]  # a good edit: only the usual notification
    ip = browser(client.app, IP)
    save(ip, "Kota", VANDAL)
    with db.read() as s:
        kinds = sorted(s.scalars(select(Notification.kind)).all())
    assert kinds == ["vandalism", "watch"]
    inbox = watcher.get("/wiki/Special:Notifications?uselang=en").text
    assert "looks like vandalism" in inbox
