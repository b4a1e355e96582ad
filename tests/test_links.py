"""Service tests for the link tables (wiki.navigation.links) and the reports read from them: no
HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from wiki.db import Database
from wiki.models import Page
from wiki.navigation import backlinks, categories, links, moves, redirects, reports
from wiki.pages import rendering, revisions
from wiki.patrol import logs
from wiki.text import titles
from wiki.text.titles import NS_CATEGORY, NS_HELP, Title

MAX = 64 * 1024
ANON = revisions.Author(name="203.0.113.9")
BUDI = logs.Performer(name="Budi", user_id=None)


def save(db: Database, title: str, text: str) -> revisions.SaveResult:
    with db.read() as s:  # the base revision, read before the save as an editor would
        page = revisions.get_page(s, titles.parse(title))
        base = page.latest_id if page else None
    with db.write() as s:
        return revisions.save(
            s, titles.parse(title), text, author=ANON, base_id=base, max_bytes=MAX
        )


def move(db: Database, old: str, new: str, **kw: Any) -> moves.MoveResult:
    with db.write() as s:
        return moves.move(
            s, titles.parse(old), titles.parse(new), performer=BUDI, max_bytes=MAX, **kw
        )


def snap(db: Database) -> dict[str, set[tuple[Any, ...]]]:
    with db.read() as s:
        return links.snapshot(s)


def targets(db: Database) -> dict[str, tuple[int | None, int]]:
    """Title -> (page id, link count) of every link target row."""
    return {Title(ns, t).full: (pid, n) for ns, t, pid, n in snap(db)["link_target"]}


def assert_rebuild_matches(db: Database) -> None:
    before = snap(db)
    with db.write() as s:
        links.rebuild(s, rendering.render_text)
    after = snap(db)
    for table in before:
        assert before[table] == after[table], (table, before[table] ^ after[table])


def test_save_records_links_categories_and_redirect(db: Database) -> None:
    a = save(
        db,
        "Alpha",
        "See [[Beta]], [[beta|again]], [[Nowhere]] and [[Special:AllPages]].\n\n"
        "[[Category:Greek]] [[Kategori:letters]] [[Category:Not~~~valid]]",
    ).page.id
    b = save(db, "Beta", "#REDIRECT [[Alpha]]\nOld name.").page.id
    got = snap(db)
    assert got["link"] == {(a, 0, "Beta"), (a, 0, "Nowhere"), (b, 0, "Alpha")}
    assert got["category_link"] == {
        (a, "Greek", "Alpha", "page"),
        (a, "Letters", "Alpha", "page"),
    }
    assert got["redirect"] == {(b, 0, "Alpha")}
    assert targets(db) == {"Alpha": (a, 1), "Beta": (b, 1), "Nowhere": (None, 1)}
    with db.read() as s:
        assert s.get(Page, b).is_redirect and not s.get(Page, a).is_redirect  # type: ignore[union-attr]


def test_edits_write_only_the_difference_and_keep_counts(db: Database) -> None:
    save(db, "A", "[[X]] [[Y]]")
    save(db, "B", "[[X]]")
    assert targets(db)["X"] == (None, 2)
    save(db, "A", "[[Y]] [[Z]] [[Category:C]]")
    assert targets(db)["X"] == (None, 1) and targets(db)["Z"] == (None, 1)
    save(db, "B", "no links")
    assert "X" not in targets(db), "an unlinked, missing title leaves no row behind"
    x = save(db, "Y", "now exists").page.id
    assert targets(db)["Y"] == (x, 1), "creating a page turns its links blue in one row"
    save(db, "A", "#REDIRECT [[Y]]")
    with db.read() as s:
        assert revisions.get_page(s, titles.parse("A")).is_redirect  # type: ignore[union-attr]
    assert snap(db)["category_link"] == set()
    assert_rebuild_matches(db)


def test_categories_list_members_alphabetically_in_batches(db: Database) -> None:
    for name in ("Cempaka", "Anggrek", "Bakung", "Dahlia", "Aster"):
        save(db, name, "Bunga. [[Category:Flowers]]")
    save(db, "Category:Wild flowers", "Sub. [[Category:Flowers]]")
    save(db, "Help:Anyelir", "[[Category:Flowers]]")
    with db.read() as s:
        first = categories.members(s, "Flowers", categories.PAGE, limit=3)
        assert [m.title.full for m in first.items] == ["Anggrek", "Help:Anyelir", "Aster"]
        assert first.total == 6 and first.prev is None and first.next is not None
        assert [letter for letter, _ in first.by_letter()] == ["A"]
        second = categories.members(s, "Flowers", categories.PAGE, start=first.next, limit=3)
        assert [m.title.text for m in second.items] == ["Bakung", "Cempaka", "Dahlia"]
        assert second.next is None and second.prev == ("Bakung", second_id(s, "Bakung"))
        back = categories.members(s, "Flowers", categories.PAGE, until=second.prev, limit=3)
        assert [m.title.full for m in back.items] == [m.title.full for m in first.items]
        subcats = categories.members(s, "Flowers", categories.SUBCAT)
        assert [m.title.full for m in subcats.items] == ["Category:Wild flowers"]
        listed = categories.all_categories(s)
        assert [(c.name, c.members, c.exists) for c in listed.items] == [("Flowers", 7, False)]


def second_id(s: Any, title: str) -> int:
    page = revisions.get_page(s, titles.parse(title))
    assert page is not None
    return page.id


def test_reports_read_the_maintained_counts(db: Database) -> None:
    save(db, "Hub", "[[Leaf]] [[Gone]] [[Gone too]]")
    save(db, "Leaf", "[[Gone]] [[Hub]]")
    save(db, "Orphan", "Nobody links here, and it links nowhere.")
    save(db, "Alias", "#REDIRECT [[Orphan]]")
    with db.read() as s:
        wanted = reports.wanted_pages(s)
        assert [(w.title.full, w.links) for w in wanted.items] == [("Gone", 2), ("Gone too", 1)]
        page1 = reports.wanted_pages(s, limit=1)
        assert page1.next is not None
        page2 = reports.wanted_pages(s, after=reports.parse_pair(page1.next), limit=1)
        assert [w.title.full for w in page2.items] == ["Gone too"] and page2.next is None
        # Orphan is reached through its redirect; Alias itself is a redirect.
        assert [p.title.full for p in reports.lonely_pages(s).items] == []
        assert [p.title.full for p in reports.deadend_pages(s).items] == ["Orphan"]
        lengths = [p.length for p in reports.pages_by_length(s, longest=True).items]
        assert lengths == sorted(lengths, reverse=True) and len(lengths) == 3
        everything = reports.all_pages(s)
        assert [p.title.text for p in everything.items] == ["Alias", "Hub", "Leaf", "Orphan"]
        assert [p.title.text for p in reports.all_pages(s, prefix="L").items] == ["Leaf"]
        batch = reports.all_pages(s, limit=2)
        assert batch.next == "Leaf"
        assert reports.random_page(s) in {titles.parse(t) for t in ("Hub", "Leaf", "Orphan")}
        assert reports.random_page(s, NS_HELP) is None
        stats = reports.statistics(s)
        assert (stats.pages, stats.content_pages, stats.redirects, stats.edits) == (4, 3, 1, 4)
    save(db, "Alias", "Not a redirect any more.")
    with db.read() as s:
        assert [p.title.full for p in reports.lonely_pages(s).items] == ["Alias", "Orphan"]


def test_backlinks_expand_redirects_one_level_and_filter(db: Database) -> None:
    target = save(db, "Target", "x").page.id
    linker = save(db, "Linker", "[[Target]]").page.id
    alias = save(db, "Alias", "#REDIRECT [[Target]]").page.id
    save(db, "Via", "[[Alias]]")
    member = save(db, "Member", "[[Category:Target]]").page.id
    with db.read() as s:
        got = backlinks.what_links_here(s, titles.parse("Target"))
        assert [(b.title.full, b.linked, b.redirect) for b in got.items] == [
            ("Linker", True, False),
            ("Alias", True, True),
        ]
        assert got.items[1].via_redirect == [titles.parse("Via")]
        only_redirects = backlinks.what_links_here(s, titles.parse("Target"), hide_links=True)
        assert [b.page_id for b in only_redirects.items] == [alias]
        no_redirects = backlinks.what_links_here(s, titles.parse("Target"), hide_redirects=True)
        assert [b.page_id for b in no_redirects.items] == [linker]
        first = backlinks.what_links_here(s, titles.parse("Target"), limit=1)
        assert first.next_from == alias
        rest = backlinks.what_links_here(s, titles.parse("Target"), from_id=alias, limit=1)
        assert [b.page_id for b in rest.items] == [alias] and rest.next_from is None
        cat = backlinks.what_links_here(s, Title(NS_CATEGORY, "Target"))
        assert [(b.page_id, b.member) for b in cat.items] == [(member, True)]
        assert (
            backlinks.what_links_here(s, Title(NS_CATEGORY, "Target"), hide_members=True).items
            == []
        )
    assert target


def test_redirect_reports(db: Database) -> None:
    save(db, "C", "end")
    save(db, "B", "#REDIRECT [[C]]")
    save(db, "A", "#REDIRECT [[B]]")
    save(db, "D", "#REDIRECT [[Nowhere]]")
    with db.read() as s:
        listed = redirects.list_redirects(s)
        assert [(r.source.text, r.target.text, r.target_exists) for r in listed.items] == [
            ("A", "B", True),
            ("B", "C", True),
            ("D", "Nowhere", False),
        ]
        double = redirects.double_redirects(s)
        assert [(r.source.text, r.target.text, r.final) for r in double.items] == [
            ("A", "B", titles.parse("C"))
        ]
        assert redirects.list_redirects(s, limit=2).next == titles.parse("D")


def test_rebuild_gives_the_same_tables_after_edits_and_moves(db: Database) -> None:
    save(db, "Kebijakan", "[[Anggaran]] [[Partisipasi]] [[Category:Kebijakan]]")
    save(db, "Anggaran", "[[Kebijakan]] [[APBN]] [[Category:Keuangan]]")
    save(db, "Talk:Kebijakan", "Diskusi tentang [[Kebijakan]].")
    save(db, "Category:Keuangan", "[[Category:Kebijakan]]")
    save(db, "Lama", "#REDIRECT [[Kebijakan]]")
    save(db, "Anggaran", "[[Kebijakan publik]] [[APBD]] [[Category:Keuangan]]")
    move(db, "Kebijakan", "Kebijakan publik", reason="judul lengkap")
    move(db, "Category:Keuangan", "Category:Anggaran negara", leave_redirect=False)
    save(db, "APBN", "Anggaran negara [[Category:Anggaran negara]]")
    assert_rebuild_matches(db)
    # The rebuild also repairs tables that went wrong (here: emptied behind its back).
    with db.write() as s:
        links.rebuild(s, lambda text: rendering.render_text(""))
    with db.write() as s:
        links.rebuild(s, rendering.render_text)
    assert_rebuild_matches(db)


def test_self_redirect_is_recorded(db: Database) -> None:
    for text in ["#REDIRECT [[Self]]", "#redirect: [[self]] trailing"]:
        page = save(db, "Self", text).page.id
        assert snap(db)["redirect"] == {(page, 0, "Self")}, text
        assert targets(db)["Self"] == (page, 1)


def test_concurrent_saves_keep_the_counts_right(db: Database) -> None:
    """Writers that link to, create and unlink the same titles at once (real row locks on
    PostgreSQL; queued writers on SQLite) leave the tables exactly as a rebuild would."""
    from concurrent.futures import ThreadPoolExecutor

    def work(i: int) -> None:
        # Opposite orders, a page that creates a shared target, and one that drops its links.
        text = "[[Shared A]] [[Shared B]]" if i % 2 else "[[Shared B]] [[Shared A]]"
        save(db, f"Writer {i}", text)
        if i == 3:
            save(db, "Shared A", "now it exists [[Writer 1]]")
        if i == 5:
            save(db, "Writer 5", "no links any more")

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(work, range(12)))
    got = targets(db)
    assert got["Shared B"] == (None, 11)
    assert got["Shared A"][1] == 11 and got["Shared A"][0] is not None
    assert_rebuild_matches(db)


def test_concurrent_random_edits_leave_what_a_rebuild_makes(db: Database) -> None:
    """Many writers linking, unlinking, creating and redirecting the same few titles."""
    import contextlib
    import random
    from concurrent.futures import ThreadPoolExecutor

    from wiki.errors import EditConflict

    def work(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(10):
            links_to = (f"[[Page {rng.randrange(10)}]]" for _ in range(rng.randrange(5)))
            text = " ".join(links_to) or "no links"
            if rng.random() < 0.15:
                text = f"#REDIRECT [[Page {rng.randrange(10)}]]"
            # Two writers on one page may conflict: the loser's text would be kept as a draft.
            with contextlib.suppress(EditConflict):
                save(db, f"Page {rng.randrange(10)}", text)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(work, range(4)))
    assert_rebuild_matches(db)


def test_rebuild_links_command(
    tmp_path: Any,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from wiki import cli

    monkeypatch.setenv("WIKI_DATA_DIR", str(tmp_path / "inst"))
    monkeypatch.setenv("WIKI_DATABASE_URL", database_url)
    assert cli.main(["rebuild-links"]) == 1  # not migrated yet
    assert cli.main(["init"]) == 0
    db = Database(database_url)
    try:
        save(db, "A", "[[B]] [[Category:C]]")
        save(db, "B", "#REDIRECT [[A]]")
        with db.write() as s:  # damage the tables behind the app's back
            links.clear(s, revisions.get_page(s, titles.parse("A")))  # type: ignore[arg-type]
        capsys.readouterr()
        assert cli.main(["rebuild-links"]) == 0
        pages = len(cli.SEED_PAGES) + 2
        assert f"Rebuilt links of {pages} pages" in capsys.readouterr().out
        assert {row[1] for row in snap(db)["category_link"]} == {"C"}, "A's category is back"
        assert_rebuild_matches(db)
    finally:
        db.dispose()


def test_rebuild_gives_the_same_tables_after_delete_and_restore(db: Database) -> None:
    from wiki.pages import deletion

    save(db, "Sumber", "[[Tujuan]] [[Hilang]] [[Category:Uji]]")
    save(db, "Tujuan", "[[Sumber]]")
    save(db, "Pintas", "#REDIRECT [[Sumber]]")
    with db.write() as s:
        deletion.delete_page(s, titles.parse("Sumber"), performer=BUDI, reason="uji")
    assert targets(db)["Sumber"] == (None, 2), "links to a deleted page turn red"
    assert "Hilang" not in targets(db) and snap(db)["category_link"] == set()
    assert_rebuild_matches(db)
    with db.write() as s:
        restored = deletion.undelete(s, titles.parse("Sumber"), performer=BUDI)
    assert targets(db)["Sumber"] == (restored.page_id, 2)
    assert targets(db)["Hilang"] == (None, 1)
    assert_rebuild_matches(db)
