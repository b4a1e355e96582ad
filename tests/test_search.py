"""Search service tests: ranking, stemming, query syntax, and the index following the database.

Each test's index lives in its own data dir; the database is SQLite or a PostgreSQL schema
(``WIKI_TEST_DATABASE_URL``), as everywhere else.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from wiki import search
from wiki.db import Base, Database
from wiki.models import Page, Revision, utcnow
from wiki.pages import revisions
from wiki.search import SearchIndex
from wiki.search import query as search_query
from wiki.search.schema import STEMMERS
from wiki.search.syntax import MAX_CLAUSES, Clause, highlight, join_blocks, parse_query
from wiki.settings import Settings
from wiki.text import titles

ROOT = Path(__file__).resolve().parent.parent
AUTHOR = revisions.Author(name="Tester")


def save(db: Database, title: str, text: str) -> int:
    """Save ``text`` as the latest revision of ``title``; returns the revision id."""
    with db.write() as session:
        t = titles.parse(title)
        page = revisions.get_page(session, t)
        result = revisions.save(
            session,
            t,
            text,
            author=AUTHOR,
            base_id=page.latest_id if page else None,
            max_bytes=1_000_000,
        )
        return result.revision.id


def found(index: SearchIndex, query: str, **kwargs: object) -> list[str]:
    return [hit.title for hit in index.search(query, **kwargs).hits]  # type: ignore[arg-type]


def delete_page_row(session: Session, page_id: int) -> None:
    """Delete a page and its revisions straight from the database, as a future "delete page"
    (or a crash, or an admin with SQL) might: every row that refers to them goes too."""
    rev_ids = list(session.scalars(select(Revision.id).where(Revision.page_id == page_id)))
    session.execute(update(Page).where(Page.id == page_id).values(latest_id=None))
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in ("page", "revision"):
            continue
        for fk in table.foreign_keys:
            target = fk.column.table.name
            ids = [page_id] if target == "page" else rev_ids if target == "revision" else None
            if not ids:
                continue
            col = fk.parent
            if col.nullable:
                session.execute(update(table).where(col.in_(ids)).values({col.name: None}))
            else:
                session.execute(delete(table).where(col.in_(ids)))
    session.execute(update(Revision).where(Revision.page_id == page_id).values(parent_id=None))
    session.execute(delete(Revision).where(Revision.page_id == page_id))
    session.execute(delete(Page).where(Page.id == page_id))


@pytest.fixture
def index(settings: Settings) -> Iterator[SearchIndex]:
    ix = SearchIndex(settings.data_dir / "search", "en")
    yield ix
    ix.close()


@pytest.fixture
def index_id(settings: Settings) -> Iterator[SearchIndex]:
    ix = SearchIndex(settings.data_dir / "search", "id")
    yield ix
    ix.close()


# --- the module boundary -----------------------------------------------------------------


def test_only_the_search_package_imports_whoosh() -> None:
    offenders = []
    for path in sorted((ROOT / "wiki").rglob("*.py")):
        if (ROOT / "wiki" / "search") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "whoosh" or n.startswith("whoosh.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_search_module_is_over_600_lines() -> None:
    sizes = {
        p.name: len(p.read_text(encoding="utf-8").splitlines())
        for p in (ROOT / "wiki" / "search").glob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 600} == {}


# --- query syntax (pure) -------------------------------------------------------------------


def test_parse_query_syntax() -> None:
    p = parse_query('otter "sea otter" -river intitle:habitat fish* a OR b prefix:Help:Ed')
    assert p.groups == (
        (Clause("otter"),),
        (Clause("sea otter", phrase=True),),
        (Clause("habitat", title_only=True),),
        (Clause("fish", wildcard=True),),
        (Clause("a"), Clause("b")),
    )
    assert p.excluded == (Clause("river"),)
    assert p.prefix == "Help:Ed"
    assert p.words == ["otter", "habitat", "a", "b"]


@pytest.mark.parametrize(
    "text",
    ['"unclosed', "AND OR", "*", "-", "NOT", '""', "x" * 10_000, "a:b:c", "((", "intitle:"],
)
def test_parse_query_never_fails(text: str) -> None:
    parsed = parse_query(text)
    assert len(parsed.groups) + len(parsed.excluded) <= MAX_CLAUSES


def test_namespace_prefix_in_query() -> None:
    assert parse_query("Help:editing").namespaces == (titles.NS_HELP,)
    assert parse_query("bantuan:editing").namespaces == (titles.NS_HELP,)
    assert parse_query("all:x").namespaces == tuple(titles.content_namespaces())
    assert parse_query("10:30 train").namespaces is None


def test_highlight_marks_exact_and_stemmed_forms() -> None:
    text = "Awal. " + "isi " * 100 + "Kebijakannya diubah; kebijakan lama berkebijakan."
    parts = highlight(text, {"kebijakan"}, {"bijak"}, STEMMERS["id"])
    marked = [t for t, m in parts if m]
    assert marked == ["Kebijakannya", "kebijakan", "berkebijakan"]
    assert parts[0] == ("… ", False)  # the window moved to the matches
    html = search.snippet_html([("a<b", False), ("c", True)])
    assert html == 'a&lt;b<span class="searchmatch">c</span>'


# --- ranking and stemming ------------------------------------------------------------------


def test_title_match_beats_body_match(db: Database, index: SearchIndex) -> None:
    save(db, "Otters", "Semiaquatic mammals that live along rivers.")
    save(db, "Rivers", "Many animals live here, among them the otters of the delta.")
    save(db, "Lakes", "Still water. Otters visit lakes too, and otters swim well.")
    index.sync(db)
    assert found(index, "otters")[0] == "Otters"


def test_exact_word_beats_stemmed_form(db: Database, index: SearchIndex) -> None:
    save(db, "Alpha", "The volunteers were running the meeting in the hall.")
    save(db, "Beta", "The volunteers will run the meeting in the hall soon.")
    index.sync(db)
    assert found(index, "running") == ["Alpha", "Beta"]
    assert found(index, "run") == ["Beta", "Alpha"]


def test_indonesian_stemming_finds_every_form(db: Database, index_id: SearchIndex) -> None:
    save(db, "Satu", "Pemerintah mengumumkan kebijakannya kemarin.")
    save(db, "Dua", "Desa yang berkebijakan terbuka lebih maju.")
    save(db, "Tiga", "Kebijakan publik dibahas bersama warga.")
    save(db, "Empat", "Halaman tentang sungai dan hutan.")
    index_id.sync(db)
    exact = {
        "kebijakan": "Tiga",
        "kebijakannya": "Satu",
        "berkebijakan": "Dua",
        "KEBIJAKAN": "Tiga",
    }
    for query, first in exact.items():
        results = index_id.search(query)
        assert sorted(h.title for h in results.hits) == ["Dua", "Satu", "Tiga"], query
        assert results.hits[0].title == first, query  # the form as typed ranks first
        for hit in results.hits:  # the snippet marks the form the page uses
            assert any(m and "bijak" in t.lower() for t, m in hit.snippet)


def test_indonesian_stopwords_are_ignored(db: Database, index_id: SearchIndex) -> None:
    save(db, "Anggaran desa", "Anggaran yang disusun warga.")
    index_id.sync(db)
    assert found(index_id, "anggaran yang") == ["Anggaran desa"]


def test_english_stemming(db: Database, index: SearchIndex) -> None:
    save(db, "Rules", "Every policy needs public participation.")
    index.sync(db)
    assert found(index, "policies participating") == ["Rules"]


# --- syntax against an index ---------------------------------------------------------------


@pytest.fixture
def corpus(db: Database, index: SearchIndex) -> SearchIndex:
    save(db, "Sea otter", "The sea otter lives in the North Pacific. It eats urchins.")
    save(db, "River otter", "The river otter lives in rivers and lakes; it eats fish.")
    save(db, "Otter habitat", "Otters need clean water.\n\n## Coasts\n\nSea and river coasts.")
    save(db, "Talk:Sea otter", "Should we mention urchins more?")
    save(db, "Help:Searching", "How to search for otters on this wiki.")
    save(db, "Project:Otter project", "The project about otters.")
    save(db, "Otters", "#REDIRECT [[Sea otter]]")
    save(db, "Enhydra lutris", "#REDIRECT [[Sea otter]]")
    index.sync(db)
    return index


def test_phrase_exclude_intitle_prefix_wildcard_or(corpus: SearchIndex) -> None:
    assert found(corpus, '"sea otter"') == ["Sea otter"]
    assert found(corpus, "otter -river") == ["Sea otter"]  # habitat mentions river coasts
    assert found(corpus, "intitle:habitat") == ["Otter habitat"]
    assert found(corpus, "intitle:coasts") == []
    assert found(corpus, "coasts") == ["Otter habitat"]  # a heading
    assert sorted(found(corpus, "prefix:Sea")) == ["Sea otter"]
    assert sorted(found(corpus, "lives prefix:River")) == ["River otter"]
    assert sorted(found(corpus, "urch*")) == ["Sea otter"]
    assert sorted(found(corpus, "urchins OR fish")) == ["River otter", "Sea otter"]


def test_namespaces_profiles_and_redirects(corpus: SearchIndex) -> None:
    assert "Talk:Sea otter" not in found(corpus, "urchins")
    assert found(corpus, "urchins", namespaces=(titles.NS_TALK,)) == ["Talk:Sea otter"]
    assert sorted(found(corpus, "otters", namespaces=None)) == [
        "Help:Searching",
        "Otter habitat",
        "Project:Otter project",
        "River otter",  # "otter" is a form of "otters"
        "Sea otter",
        "Talk:Sea otter",
    ]
    assert found(corpus, "Help:otters") == ["Help:Searching"]
    # The redirect page is never a result; its title leads to the page it points to.
    hits = corpus.search("otters").hits
    assert "Otters" not in [h.title for h in hits]
    hits = corpus.search("enhydra").hits
    assert [(h.title, h.redirect_from) for h in hits] == [("Sea otter", "Enhydra lutris")]


def test_sort_by_last_edit_and_pagination(db: Database, index: SearchIndex) -> None:
    for i in range(25):
        save(db, f"Page {i:02d}", f"Common word number {i}.")
    index.sync(db)
    first = index.search("common", limit=20)
    assert first.total == 25 and len(first.hits) == 20 and first.has_more
    second = index.search("common", offset=20, limit=20)
    assert len(second.hits) == 5 and not second.has_more
    assert {h.title for h in first.hits}.isdisjoint(h.title for h in second.hits)
    newest = index.search("common", sort="last_edit", limit=3)
    assert [h.title for h in newest.hits] == ["Page 24", "Page 23", "Page 22"]


def test_a_misspelt_query_is_searched_in_the_index_spelling(corpus: SearchIndex) -> None:
    results = corpus.search("urchnis")
    assert results.corrected == "urchins" and results.suggestion is None
    assert [h.title for h in results.hits] == ["Sea otter"]
    assert any(m and t == "urchins" for t, m in results.hits[0].snippet)
    # As typed, on request ("Search instead for"): nothing, and the suggestion.
    as_typed = corpus.search("urchnis", correct=False)
    assert as_typed.hits == [] and as_typed.suggestion == "urchins"
    assert corpus.search("sea otter").suggestion is None
    assert corpus.search("sea otter").corrected is None


def test_suggestions_are_words_of_the_language_or_frequent(
    db: Database, index_id: SearchIndex
) -> None:
    save(db, "Adding pages", "Adding a page to this wiki is easy: adding is open to everyone.")
    save(db, "Kucing", "Kucing dan hewan peliharaan lain di rumah warga.")
    index_id.sync(db)
    # One English page uses "adding": no suggestion for an Indonesian "ANJING".
    results = index_id.search("ANJING")
    assert results.suggestion is None and results.corrected is None
    # A near word found with the query's other words is suggested.
    assert index_id.search("kucimg peliharaan").corrected == "kucing peliharaan"


def test_question_and_function_words_do_not_block_a_match(
    db: Database, index_id: SearchIndex
) -> None:
    save(db, "Akta kelahiran", "Membuat akta kelahiran anak di Dukcapil memakan waktu seminggu.")
    save(db, "Paspor", "Paspor dibuat di kantor imigrasi.")
    index_id.sync(db)
    results = index_id.search("berapa lama proses membuat akta kelahiran anak")
    assert [h.title for h in results.hits][:1] == ["Akta kelahiran"]
    assert found(index_id, "bagaimana cara membuat paspor")[:1] == ["Paspor"]
    assert found(index_id, "how do I get a paspor") == ["Paspor"]


def test_function_words_still_count_in_phrases_and_titles(db: Database, index: SearchIndex) -> None:
    save(db, "To be or not to be", "A famous line from a play.")
    save(db, "Plays", "Hamlet asks whether to be or not to be.")
    save(db, "Other", "Be kind; to each their own, or not.")
    index.sync(db)
    assert found(index, '"to be or not to be"') == ["To be or not to be", "Plays"]
    assert found(index, "to be or not to be")[0] == "To be or not to be"


def test_a_query_relaxes_to_most_words_then_any_and_says_so(
    db: Database, index_id: SearchIndex
) -> None:
    for i in range(3):
        save(db, f"Pupuk {i}", f"Pupuk subsidi nomor {i} disalurkan ke petani lewat kios.")
    save(db, "Kios", "Kios resmi buka setiap hari untuk petani.")
    save(db, "Sungai", "Sungai mengalir ke laut.")
    index_id.sync(db)
    # No page has all four words: the three with three of them follow, not the one with two.
    results = index_id.search("pupuk petani kios gambut")
    assert sorted(h.title for h in results.hits) == ["Pupuk 0", "Pupuk 1", "Pupuk 2"]
    assert [n.msgid for n in results.notices] == [
        "Few pages contain all of these words, so pages that contain most of them are shown too."
    ]
    # Too few with most of the words: any word, ranked by how many they have.
    results = index_id.search("resmi sungai gambut")
    assert [h.title for h in results.hits] == ["Kios", "Sungai"] or [
        h.title for h in results.hits
    ] == ["Sungai", "Kios"]
    assert [n.msgid for n in results.notices] == [
        "Few pages contain all of these words, so pages that contain some of them are shown too."
    ]
    # Pages with all the words come first; the relaxed ones follow when they are few.
    results = index_id.search("kios resmi petani")
    assert results.hits[0].title == "Kios"
    assert len(results.hits) == 4
    # Enough pages with all the words: no relaxation, no notice.
    results = index_id.search("pupuk petani")
    assert len(results.hits) == 3 and results.notices == []


def test_each_page_is_stemmed_in_its_own_language(
    db: Database, index: SearchIndex, index_id: SearchIndex
) -> None:
    save(db, "Scams", "Online scams are reported to the cyber police. Reporting is free.")
    save(db, "Kebijakan", "Kebijakannya diumumkan pemerintah dan berlaku bagi semua warga desa.")
    for ix in (index, index_id):  # an English site and an Indonesian one
        ix.sync(db)
        assert found(ix, "scam") == ["Scams"]
        assert found(ix, "reports") == ["Scams"]
        assert found(ix, "kebijakan") == ["Kebijakan"]
        ix.close()


def test_snippets_do_not_run_a_heading_into_the_next_paragraph(
    db: Database, index_id: SearchIndex
) -> None:
    save(db, "Pensiun", "Uang pensiun dibayar bulanan.\n\n## Syarat dan dokumen\nBerkas disiapkan.")
    index_id.sync(db)
    (hit,) = index_id.search("berkas").hits
    text = "".join(t for t, _ in hit.snippet)
    assert "Syarat dan dokumen · Berkas disiapkan." in text
    assert "bulanan. Syarat" in text
    assert join_blocks("Judul\nIsi paragraf.\nKalimat.\n\nLagi") == (
        "Judul · Isi paragraf. Kalimat. Lagi"
    )


def test_bad_queries_get_results_or_a_message(corpus: SearchIndex) -> None:
    for query in ['"unclosed', "AND OR", "*", "x" * 10_000, "NOT", "-otter", "prefix:", '"" ""']:
        results = corpus.search(query)
        assert results.hits or results.notices or results.total == 0, query
    assert corpus.search('"sea otter').hits  # an unclosed quote runs to the end
    assert [n.msgid for n in corpus.search("AND OR").notices] == ["Type some words to search for."]
    long = corpus.search("otter " * 2_000)
    assert long.hits and long.notices[0].msgid.startswith("The search was too long")


def test_query_time_is_bounded(
    db: Database, index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(70):  # enough matches to reach the collector's first time check
        save(db, f"Page {i}", "common words")
    index.sync(db)
    monkeypatch.setattr(search_query, "TIME_LIMIT", -1.0)  # every search is already late
    results = index.search("common")
    assert [n.msgid for n in results.notices] == [
        "The search took too long; the results may be incomplete."
    ]


def test_title_suggestions(corpus: SearchIndex, db: Database) -> None:
    sea = [m.title for m in corpus.titles("sea")]
    assert sea[0] == "Sea otter"  # the title starts with it, then titles with a word that does
    assert set(sea[1:]) == {"Help:Searching", "Talk:Sea otter"}
    assert corpus.titles("SEA OTTER")[0].title == "Sea otter"
    assert [m.title for m in corpus.titles("bantuan:se")] == ["Help:Searching"]
    otters = corpus.titles("otter")
    # Titles that start with the text first (a redirect too), then titles with such a word.
    assert [(m.title, m.is_redirect) for m in otters[:2]] == [
        ("Otter habitat", False),
        ("Otters", True),
    ]
    assert {m.title for m in otters[2:]} == {
        "Sea otter",
        "River otter",
        "Talk:Sea otter",
        "Project:Otter project",
    }
    assert len(corpus.titles("o", limit=2)) == 2
    assert corpus.titles("") == [] and corpus.titles("[[") == []
    assert corpus.find_title("sea OTTER") == "Sea otter"


# --- the index follows the database --------------------------------------------------------


def test_watermark_is_stored_in_the_index(db: Database, index: SearchIndex) -> None:
    assert index.watermark() is None
    save(db, "One", "first")
    report = index.sync(db)
    assert report is not None and report.rebuilt
    top = save(db, "Two", "second")
    assert index.watermark() == top - 1
    report = index.sync(db)
    assert report is not None and report.indexed == 1 and report.watermark == top
    # A new handle (another process) reads the same watermark from the index itself.
    other = SearchIndex(index.root, "en")
    assert other.watermark() == top
    other.close()
    assert index.sync(db) == search.SyncReport(0, 0, top, False)


def test_saves_without_an_indexer_heal_at_the_next_pass(db: Database, index: SearchIndex) -> None:
    save(db, "Before", "alpha")
    index.sync(db)
    # The process "crashed" after these commits, before any index update.
    for i in range(5):
        save(db, f"After {i}", "beta")
    save(db, "Before", "gamma")
    assert found(index, "beta") == []
    index.sync(db)
    assert len(found(index, "beta")) == 5
    assert found(index, "gamma") == ["Before"] and found(index, "alpha") == []
    assert index.differences(db) == set()


def test_deleted_and_moved_pages_are_reconciled(db: Database, index: SearchIndex) -> None:
    save(db, "Doomed", "unique-word-zebra")
    save(db, "Mover", "unique-word-yak")
    save(db, "Target", "Some text.")
    save(db, "Old name", "#REDIRECT [[Target]]")
    index.sync(db)
    assert found(index, "zebra") == ["Doomed"]
    assert index.search("old name").hits[0].redirect_from == "Old name"
    with db.write() as session:
        for name in ("Doomed", "Old name"):
            page = revisions.get_page(session, titles.parse(name))
            assert page is not None
            delete_page_row(session, page.id)
        # A move that wrote no revision: only the title changed.
        session.execute(update(Page).where(Page.title == "Mover").values(title="Moved"))
    report = index.sync(db)
    assert report is not None and not report.reconciled and report.indexed == 0
    assert found(index, "zebra") == ["Doomed"]  # no revision changed: needs a reconcile
    report = index.sync(db, reconcile=True)
    assert report is not None and report.deleted == 2
    assert found(index, "zebra") == []
    assert found(index, "yak") == ["Moved"]
    assert index.search("old name").hits == []  # the redirect's title left Target too
    assert [m.title for m in index.titles("mov")] == ["Moved"]
    assert index.differences(db) == set()


def test_redirect_changes_refresh_their_targets(db: Database, index: SearchIndex) -> None:
    save(db, "First", "Text one.")
    save(db, "Second", "Text two.")
    save(db, "Alias", "#REDIRECT [[First]]")
    index.sync(db)
    assert [h.title for h in index.search("alias").hits] == ["First"]
    save(db, "Alias", "#REDIRECT [[Second]]")
    index.sync(db)
    assert [h.title for h in index.search("alias").hits] == ["Second"]
    save(db, "Alias", "Now a page of its own.")
    index.sync(db)
    assert [h.title for h in index.search("alias").hits] == ["Alias"]


def test_out_of_order_commits_are_waited_for(db: Database, index: SearchIndex) -> None:
    """PostgreSQL can commit revision 1001 before 1000: the index remembers the gap."""
    save(db, "Seed", "x")
    index.sync(db)
    now = utcnow()
    with db.write() as session:
        for pid, title in ((900, "Late"), (901, "Early")):
            session.execute(
                insert(Page).values(
                    id=pid, namespace=0, title=title, created_at=now, touched_at=now, length=5
                )
            )
    with db.write() as session:  # 1001 commits first
        session.execute(
            insert(Revision).values(
                id=1001, page_id=901, text="early", sha1="x", size=5, user_text="t", timestamp=now
            )
        )
        session.execute(update(Page).where(Page.id == 901).values(latest_id=1001))
    index.sync(db)
    assert index.watermark() == 1001 and found(index, "early") == ["Early"]
    with db.write() as session:  # then 1000, below the watermark
        session.execute(
            insert(Revision).values(
                id=1000, page_id=900, text="late", sha1="x", size=4, user_text="t", timestamp=now
            )
        )
        session.execute(update(Page).where(Page.id == 900).values(latest_id=1000))
    index.sync(db)
    assert found(index, "late") == ["Late"]


CRASHING_WRITER = """
import os, signal, sys
from pathlib import Path
from wiki import search
from wiki.search import documents
from wiki.db import Database

count = 0
original = documents.page_document

def dying(*args):
    global count
    count += 1
    if count > 5:  # half-way through the pass, with documents added but not committed
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args)

documents.page_document = dying
db = Database(sys.argv[1])
search.SearchIndex(Path(sys.argv[2]), "en").sync(db)
"""


def test_killed_writer_leaves_an_index_the_next_pass_repairs(
    db: Database, index: SearchIndex, settings: Settings
) -> None:
    save(db, "Old", "before the crash")
    index.sync(db)
    for i in range(12):
        save(db, f"New {i}", "written while the writer died")
    child = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, settings.database_url, str(index.root)],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    assert found(index, "crash") == ["Old"]  # readers still see the last commit
    report = index.sync(db)  # no lock error: the kernel released the dead writer's lock
    assert report is not None and report.indexed == 12
    assert len(found(index, "written")) == 12
    assert index.differences(db) == set()


TWO_WRITERS = """
import sys
from pathlib import Path
from wiki.pages import revisions
from wiki import search
from wiki.text import titles
from wiki.db import Database
from wiki.errors import EditConflict

db = Database(sys.argv[1])
index = search.SearchIndex(Path(sys.argv[2]), "en")
indexer = search.Indexer(index, db, interval=0.02)
indexer.start()
me = sys.argv[3]
author = revisions.Author(name=me)
for i in range(15):
    for title, text in ((f"{me} page {i}", f"text {me} number {i}"),
                        ("Shared", f"shared line {me} {i}")):
        for attempt in range(20):
            try:
                with db.write() as s:
                    t = titles.parse(title)
                    page = revisions.get_page(s, t)
                    revisions.save(s, t, text, author=author, max_bytes=10**6,
                                   base_id=page.latest_id if page else None, merge=False)
                break
            except EditConflict:
                continue
indexer.stop()
index.close()
print("done", indexer.passes)
"""


def test_two_processes_saving_at_once(db: Database, index: SearchIndex, settings: Settings) -> None:
    save(db, "Start", "x")
    index.sync(db)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIKI_")}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", TWO_WRITERS, settings.database_url, str(index.root), name],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in ("Ani", "Budi")
    ]
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()[-3000:]
        assert out.startswith(b"done"), out
        assert b"Traceback" not in err and b"LockError" not in err, err.decode()[-3000:]
    index.sync(db, wait=10)
    assert index.differences(db) == set()
    assert len(index.search("text", limit=100).hits) == 30
    assert index.search("shared").total == 1


def test_background_indexer_makes_a_save_searchable_quickly(
    db: Database, index: SearchIndex
) -> None:
    indexer = search.Indexer(index, db, interval=0.05)
    indexer.start()
    try:
        save(db, "Quick", "searchable within a second")
        deadline = time.monotonic() + 60  # generous: we wait for the event, not a duration
        while not found(index, "searchable") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert found(index, "searchable") == ["Quick"]
    finally:
        indexer.stop()
    assert indexer.passes > 0


def test_rebuild_swaps_in_a_new_directory(db: Database, index: SearchIndex) -> None:
    save(db, "Kept", "alpha beta")
    index.sync(db)
    old = index.status().path
    assert found(index, "alpha") == ["Kept"]  # a reader has the old index open
    progress: list[tuple[int, int]] = []
    report = index.rebuild(db, progress=lambda done, total: progress.append((done, total)))
    assert report.rebuilt and progress[-1] == (1, 1)
    new = index.status().path
    assert new != old and old is not None and not old.exists()
    assert found(index, "beta") == ["Kept"]
    assert index.differences(db) == set()


def test_a_language_change_rebuilds_the_index(db: Database, settings: Settings) -> None:
    save(db, "Satu", "kebijakannya")
    english = SearchIndex(settings.data_dir / "search", "en")
    english.sync(db)
    assert found(english, "kebijakan") == []
    english.close()
    indonesian = SearchIndex(settings.data_dir / "search", "id")
    report = indonesian.sync(db)
    assert report is not None and report.rebuilt
    assert found(indonesian, "kebijakan") == ["Satu"]
    indonesian.close()


def test_status_and_optimize(db: Database, index: SearchIndex) -> None:
    for i in range(4):
        save(db, f"Page {i}", "text")
        index.sync(db)
    status = index.status()
    assert status.documents == 4 and status.segments >= 2 and status.size_bytes > 0
    assert index.optimize()
    assert index.status().segments == 1
    assert len(found(index, "text")) == 4
