"""Importing MediaWiki XML: our own exports round-trip byte for byte, real MediaWiki exports
import and read sensibly, repeating an import changes nothing, and hostile or broken files are
refused with a clear error while the wiki keeps only whole pages."""

from __future__ import annotations

import io
import os
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user
from wiki.accounts.ratelimit import RateLimiter
from wiki.actions import editing, imports, pages, patrol, talk
from wiki.actions.context import IMPORT, Actor, Env
from wiki.db import Base, Database
from wiki.dumps import export, reader
from wiki.models import ImportedRevision, LogEntry, Page, Revision
from wiki.pages import rendering, revisions, visibility
from wiki.settings import Settings
from wiki.text.titles import parse

DATA = Path(__file__).resolve().parent / "data"
SITE = export.SiteInfo(
    sitename="Gotong Test", base="http://wiki.test/wiki/Main_Page", generator="Gotong 0.1.0"
)
IMPORTER = Actor(
    user_id=None,
    name="Maintenance script",
    ip="127.0.0.1",
    groups=frozenset({"*", "user", "autoconfirmed", "admin"}),
    channel=IMPORT,
)
needs_pandoc = pytest.mark.skipif(
    shutil.which("pandoc") is None and not os.environ.get("CI"),
    reason="pandoc (Debian package) converts wikitext; .ci/run installs it",
)


@dataclass
class Wiki:
    db: Database
    env: Env


def _wiki(url: str, settings: Settings) -> Wiki:
    db = Database(url)
    Base.metadata.create_all(db.engine)
    return Wiki(db, Env(settings, db, RateLimiter(db, settings.rate_limits)))


@pytest.fixture
def source(settings: Settings) -> Iterator[Wiki]:
    w = _wiki(settings.database_url, settings)
    yield w
    w.db.dispose()


@pytest.fixture
def target(settings: Settings, tmp_path: Path) -> Iterator[Wiki]:
    if settings.database_url.startswith("postgresql"):
        pytest.importorskip("psycopg")
        import uuid

        from sqlalchemy import create_engine, text

        from tests.conftest import PG_URL, _pg_schema_url

        schema = "t_" + uuid.uuid4().hex[:16]
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        w = _wiki(_pg_schema_url(PG_URL, schema), settings)
        yield w
        w.db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        return
    w = _wiki(f"sqlite:///{tmp_path / 'target.sqlite3'}", settings)
    yield w
    w.db.dispose()


WORDS_ID = [
    "pajak",
    "tarif",
    "kebijakan",
    "warga",
    "bantuan",
    "sosial",
    "subsidi",
    "daerah",
    "anggaran",
    "peraturan",
]
WORDS_EN = [
    "tax",
    "rate",
    "policy",
    "citizens",
    "aid",
    "subsidy",
    "region",
    "budget",
    "regulation",
    "public",
]


def _generate(w: Wiki, n_pages: int = 200, seed: int = 7) -> None:
    """A wiki with histories, talk threads, redirects, categories, hidden revisions, IP and
    account authors, in Indonesian and English."""
    rnd = random.Random(seed)
    admin_id = make_user(w.db, "Admin", groups=("admin",))
    admin = Actor(
        admin_id, "Admin", "192.0.2.1", frozenset({"*", "user", "autoconfirmed", "admin"})
    )
    people = [admin]
    for name in ("Budi", "Sari", "Wayan"):
        uid = make_user(w.db, name, autoconfirmed=True)
        people.append(Actor(uid, name, "192.0.2.2", frozenset({"*", "user", "autoconfirmed"})))
    for i in range(4):
        ip = f"198.51.100.{i + 10}"
        people.append(Actor(None, ip, ip, frozenset({"*"})))
    titles = [f"Kebijakan {i}" if i % 2 else f"Policy {i}" for i in range(n_pages)]
    hidden: list[int] = []
    for i, name in enumerate(titles):
        words = WORDS_ID if i % 2 else WORDS_EN
        base = None
        for v in range(rnd.randint(1, 5)):
            body = " ".join(rnd.choice(words) for _ in range(rnd.randint(5, 40)))
            link = f"[[{rnd.choice(titles)}]]"
            text = f"# {name}\n\n{body} {link} & <{v}>\n\n[[Category:Topik {i % 7}]]\n"
            who = rnd.choice(people)
            result = editing.save(
                w.env,
                who,
                editing.Edit(parse(name), text, summary=f"v{v} ✓", minor=v % 2 == 1, base_id=base),
            )
            base = result.revision.id
            if v == 1 and rnd.random() < 0.3:
                hidden.append(result.revision.id)
        if i % 10 == 0:
            talk.add_topic(
                w.env, rnd.choice(people[:4]), parse(f"Talk:{name}"), "Sumber?", "Perlu."
            )
        if i % 15 == 0:
            editing.save(w.env, admin, editing.Edit(parse(f"Alias {i}"), f"#REDIRECT [[{name}]]"))
    for rev_id in hidden:  # hide the summary and author of some non-current revisions
        patrol.hide_revisions(
            w.env, admin, [rev_id], hide=visibility.SUMMARY | visibility.USER, unhide=0, reason="."
        )
    pages.delete(w.env, admin, parse(titles[-1]), "Duplikat")


def _export(w: Wiki) -> bytes:
    out = io.BytesIO()
    export.write(w.db, out, SITE, can_view_suppressed=True)
    return out.getvalue()


def test_our_own_export_round_trips_byte_for_byte(source: Wiki, target: Wiki) -> None:
    _generate(source)
    first = _export(source)
    assert b'deleted="deleted"' in first and b"<ip>198.51.100." in first
    options = imports.Options(prefix="", keep_authors=True)
    report = imports.import_dump(target.env, IMPORTER, io.BytesIO(first), options)
    assert report.renumbered == {} and report.unconverted == {}
    assert _export(target) == first
    # The pages serve: links, categories and redirects followed the import.
    with target.db.read() as s:
        page = revisions.get_page(s, parse("Alias 0"))
        assert page is not None and page.is_redirect
        rendered = rendering.stored_render(target.db, s, revisions.latest_revision(s, page))
        assert rendered.redirect == "Policy 0"


def test_importing_the_same_file_again_changes_nothing(source: Wiki, target: Wiki) -> None:
    _generate(source, n_pages=20)
    data = _export(source)
    first = imports.import_dump(target.env, IMPORTER, io.BytesIO(data))
    with target.db.read() as s:
        count = s.scalar(select(func.count()).select_from(Revision))
    again = imports.import_dump(target.env, IMPORTER, io.BytesIO(data))
    assert again.revisions == 0 and again.skipped == first.revisions
    with target.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Revision)) == count
        # Authors from elsewhere are attributed with a prefix, never merged with accounts.
        names = set(s.scalars(select(Revision.user_text)))
        assert "imported>Budi" in names and "Budi" not in names
        assert s.scalar(select(func.count()).select_from(LogEntry).where(LogEntry.type == "import"))


@needs_pandoc
def test_a_real_wikipedia_export_imports_and_reads_sensibly(target: Wiki) -> None:
    with (DATA / "enwiki-export-Vandalism_on_Wikipedia-5revs-2010.xml").open("rb") as fh:
        report = imports.import_dump(target.env, IMPORTER, fh)
    assert report.pages == 1 and report.revisions == 5
    assert {"template newpage", "file Wikipedia_vandalism.svg"} <= set(
        report.unconverted["Vandalism on Wikipedia"]
    )
    with target.db.read() as s:
        page = revisions.get_page(s, parse("Vandalism on Wikipedia"))
        assert page is not None
        latest = revisions.latest_revision(s, page)
        stored = rendering.stored_render(target.db, s, latest)
        html = rendering.resolve(s, stored, gettext=lambda m: m, section_link=None)
        original = s.get(ImportedRevision, latest.id)
        users = set(s.scalars(select(Revision.user_text)))
    assert "<h2" in html and "Fighting vandalism" in html  # headings
    assert "<li>" in html  # lists
    assert "footnote" in html  # <ref> became footnotes
    assert 'href="/wiki/Wikipedia?action=edit&amp;redlink=1"' in html  # a wiki link (red here)
    assert "<img" not in html  # no hot-linked relative image; a link to the file page
    assert "<code>{{reflist}}</code>" in html  # a template stays readable, as code
    assert original is not None and original.original_text is not None
    assert original.original_text.startswith("[[Image:Wikipedia vandalism.svg")
    assert original.model == "wikitext"
    assert users == {"imported>Hellno2"}


@needs_pandoc
def test_the_mwxml_sample_imports_with_ips_and_talk(target: Wiki) -> None:
    with (DATA / "mwxml-synthetic-dump-export-0.8.xml").open("rb") as fh:
        report = imports.import_dump(target.env, IMPORTER, fh)
    assert report.pages == 2 and report.revisions == 3
    with target.db.read() as s:
        titles = {(p.namespace, p.title) for p in s.scalars(select(Page))}
        users = set(s.scalars(select(Revision.user_text)))
    assert any(ns == 1 for ns, _ in titles)
    assert any(u.count(".") == 3 or ":" in u for u in users)  # the IP stays an IP


def _count(w: Wiki) -> int:
    with w.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Revision)) or 0)


HEAD = (
    b'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">'
    b"<siteinfo><sitename>X</sitename></siteinfo>"
)


def _page(title: str, text: str, rev_id: int) -> bytes:
    return (
        f"<page><title>{title}</title><ns>0</ns><id>{rev_id}</id><revision><id>{rev_id}</id>"
        f"<timestamp>2020-01-01T00:00:0{rev_id % 10}Z</timestamp>"
        f"<contributor><ip>192.0.2.1</ip></contributor><model>markdown</model>"
        f'<format>text/markdown</format><text xml:space="preserve">{text}</text>'
        f"</revision></page>"
    ).encode()


BAD = {
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        + HEAD
        + b"<page><title>&lol2;</title></page></mediawiki>"
    ),
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + HEAD
        + b"<page><title>&e;</title></page></mediawiki>"
    ),
    "truncated": HEAD + _page("Utuh", "Lengkap.", 1) + b"<page><title>Potong</title><ns>0",
    "invalid UTF-8": HEAD
    + _page("Utuh", "Lengkap.", 1)
    + _page("Rusak", "ok", 2)[:-40]
    + b"\xff\xfe"
    + _page("Rusak", "ok", 2)[-40:]
    + b"</mediawiki>",
    "invalid title": HEAD + _page("Utuh", "Lengkap.", 1) + _page("A|B", "x", 2) + b"</mediawiki>",
}


@pytest.mark.parametrize("case", list(BAD))
def test_hostile_and_broken_files_give_a_clear_error(target: Wiki, case: str) -> None:
    with pytest.raises(reader.DumpError) as caught:
        imports.import_dump(target.env, IMPORTER, io.BytesIO(BAD[case]))
    assert caught.value.message
    if case in ("truncated", "invalid UTF-8", "invalid title"):
        # Whole pages before the error are in; nothing of the broken one.
        with target.db.read() as s:
            assert set(s.scalars(select(Page.title))) == {"Utuh"}
        assert "A|B" in caught.value.message or case != "invalid title"
    else:
        assert _count(target) == 0


def test_a_huge_single_revision_is_refused(target: Wiki) -> None:
    big = HEAD + _page("Besar", "x" * (reader.MAX_TEXT_BYTES + 1), 1) + b"</mediawiki>"
    with pytest.raises(reader.DumpError) as caught:
        imports.import_dump(target.env, IMPORTER, io.BytesIO(big))
    assert "Besar" in caught.value.message
    assert _count(target) == 0


def test_only_importers_may_import(target: Wiki) -> None:
    from wiki.accounts import permissions

    anyone = Actor(None, "192.0.2.5", "192.0.2.5", frozenset({"*"}))
    data = HEAD + _page("Utuh", "Lengkap.", 1) + b"</mediawiki>"
    with pytest.raises(permissions.Refused):
        imports.import_dump(target.env, anyone, io.BytesIO(data))
    assert _count(target) == 0
