"""Service tests for moving pages (wiki.navigation.moves): no HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_links import assert_rebuild_matches, move, save, snap, targets
from wiki.db import Database
from wiki.errors import BadInput, NotFound
from wiki.pages import revisions
from wiki.patrol import logs
from wiki.text import titles


def history(db: Database, title: str) -> list[revisions.RevisionInfo]:
    with db.read() as s:
        page = revisions.get_page(s, titles.parse(title))
        assert page is not None, title
        return revisions.history(s, page).revisions


def text_of(db: Database, title: str) -> str | None:
    with db.read() as s:
        page = revisions.get_page(s, titles.parse(title))
        return revisions.latest_revision(s, page).text if page else None


def test_move_takes_history_and_talk_and_leaves_redirects(db: Database) -> None:
    first = save(db, "Pajak", "Versi satu.").page.id
    save(db, "Pajak", "Versi dua. [[Category:Keuangan]]")
    save(db, "Talk:Pajak", "Diskusi.")
    save(db, "Rujukan", "Lihat [[Pajak]].")
    result = move(db, "Pajak", "Pajak daerah", reason="lebih tepat")
    assert result.page_id == first and result.redirect_left and result.talk is not None
    assert result.talk.new == titles.parse("Talk:Pajak daerah")

    revs = history(db, "Pajak daerah")
    assert [r.summary for r in revs] == [
        "Budi moved page [[Pajak]] to [[Pajak daerah]]: lebih tepat",
        "",
        "",
    ]
    assert revs[0].minor and revs[0].user_text == "Budi" and revs[0].delta == 0
    assert text_of(db, "Pajak daerah") == "Versi dua. [[Category:Keuangan]]"
    assert text_of(db, "Pajak") == "#REDIRECT [[Pajak daerah]]"
    assert text_of(db, "Talk:Pajak") == "#REDIRECT [[Talk:Pajak daerah]]"
    assert text_of(db, "Talk:Pajak daerah") == "Diskusi."

    tables = snap(db)
    assert (first, "Keuangan", "Pajak daerah", "page") in tables["category_link"]
    assert targets(db)["Pajak daerah"] == (first, 1)  # the redirect links here
    assert targets(db)["Pajak"][1] == 1  # Rujukan still links to the old title: the redirect
    with db.read() as s:
        entries = logs.entries(s, type="move")
    assert [(e.title.full, e.params["target"], e.action) for e in entries] == [
        ("Talk:Pajak", "Talk:Pajak daerah", "move"),
        ("Pajak", "Pajak daerah", "move"),
    ]
    assert entries[1].comment == "lebih tepat" and entries[1].performer == "Budi"
    assert_rebuild_matches(db)


def test_move_without_redirect_turns_links_red(db: Database) -> None:
    save(db, "Lama", "teks")
    save(db, "Rujukan", "[[Lama]]")
    result = move(db, "Lama", "Baru", leave_redirect=False)
    assert not result.redirect_left and result.talk is None
    assert text_of(db, "Lama") is None
    assert targets(db)["Lama"] == (None, 1), "the old title is now wanted"
    with db.read() as s:
        assert logs.entries(s, type="move")[0].params["noredirect"] is True
    assert_rebuild_matches(db)


def test_move_back_over_the_redirect_it_left(db: Database) -> None:
    page = save(db, "A", "teks").page.id
    move(db, "A", "B")
    result = move(db, "B", "A")
    assert result.overwrote_redirect and result.page_id == page
    assert text_of(db, "A") == "teks" and text_of(db, "B") == "#REDIRECT [[A]]"
    with db.read() as s:
        assert logs.entries(s, type="move")[0].action == "move_redir"
    assert_rebuild_matches(db)


def test_move_onto_an_existing_page_is_refused(db: Database) -> None:
    save(db, "Source", "teks")
    for taken, texts in [
        ("A page", ["Another page."]),
        ("A redirect elsewhere", ["#REDIRECT [[Elsewhere]]"]),
        ("A redirect with history", ["#REDIRECT [[Source]]", "#REDIRECT [[Source]]\nEdited."]),
    ]:
        for text in texts:
            save(db, taken, text)
        before = snap(db)
        with pytest.raises(BadInput, match="already exists"):
            move(db, "Source", taken)
        assert snap(db) == before and text_of(db, "Source") == "teks", taken


def test_impossible_moves_are_refused(db: Database) -> None:
    save(db, "Source", "teks")
    for old, new, error, match in [
        ("Source", "Source", BadInput, "onto itself"),
        ("Source", "Special:Source", BadInput, "Special namespace"),
        ("Special:AllPages", "Source 2", BadInput, "Special namespace"),
        ("Missing", "Anything", NotFound, "does not exist"),
    ]:
        with pytest.raises(error, match=match):
            move(db, old, new)


def test_talk_page_stays_when_its_target_is_taken(db: Database) -> None:
    save(db, "Subjek", "teks")
    save(db, "Talk:Subjek", "diskusi lama")
    save(db, "Talk:Subjek baru", "diskusi lain")
    result = move(db, "Subjek", "Subjek baru")
    assert result.talk is None and result.talk_refusal is not None
    assert text_of(db, "Subjek baru") == "teks"
    assert text_of(db, "Talk:Subjek") == "diskusi lama"


def test_move_into_category_namespace_makes_a_subcategory(db: Database) -> None:
    page = save(db, "Pajak", "[[Category:Keuangan]]").page.id
    kwargs: dict[str, Any] = {"leave_redirect": False}
    move(db, "Pajak", "Category:Pajak", **kwargs)
    assert (page, "Keuangan", "Pajak", "subcat") in snap(db)["category_link"]
    assert_rebuild_matches(db)


def test_watchers_follow_and_recent_changes_list_the_move(db: Database) -> None:
    from tests.conftest import make_user
    from wiki.patrol import recentchanges, watchlist

    save(db, "Lama", "teks")
    watcher = make_user(db, "Pengamat")
    bystander = make_user(db, "Lainnya")
    with db.write() as s:
        watchlist.watch(s, watcher, titles.parse("Lama"))
    move(db, "Lama", "Baru")
    with db.read() as s:
        assert watchlist.state(s, watcher, titles.parse("Baru")).watched
        assert watchlist.state(s, watcher, titles.parse("Talk:Baru")).watched
        assert watchlist.state(s, watcher, titles.parse("Lama")).watched  # still, as MediaWiki
        assert not watchlist.state(s, bystander, titles.parse("Baru")).watched
        listed = recentchanges.changes(
            s, recentchanges.Filters(), can_view_suppressed=False
        ).changes
    moved = [c for c in listed if c.is_log and c.log_type == "move"]
    assert [(c.title.full, c.log_params["target"], c.user_text) for c in moved] == [
        ("Lama", "Baru", "Budi")
    ]
