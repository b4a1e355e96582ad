"""MediaWiki XML export (schema 0.11) and public dumps, read back by an independent parser
(mwxml, the dump reader Wikimedia's research tools use)."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import mwxml
import pytest

from tests.conftest import make_user
from wiki.accounts.ratelimit import RateLimiter
from wiki.actions import editing, patrol, talk
from wiki.actions.context import Actor, Env
from wiki.db import Database
from wiki.dumps import export
from wiki.pages import visibility
from wiki.settings import Settings
from wiki.text.titles import parse

SITE = export.SiteInfo(
    sitename="Gotong Test",
    base="http://wiki.test/wiki/Main_Page",
    generator="Gotong 0.1.0",
    lang="id",
)


@dataclass
class Built:
    db: Database
    env: Env
    hidden: int  # a revision whose summary and author are hidden
    revisions: int


def _actor(uid: int | None, name: str, groups: set[str]) -> Actor:
    return Actor(user_id=uid, name=name, ip="192.0.2.9", groups=frozenset(groups))


def _latest(db: Database, title: str) -> int:
    from wiki.pages import revisions

    with db.read() as s:
        page = revisions.get_page(s, parse(title))
        assert page is not None and page.latest_id is not None
        return int(page.latest_id)


@pytest.fixture
def built(settings: Settings) -> Iterator[Built]:
    db = Database(settings.database_url)
    env = Env(settings, db, RateLimiter(db, settings.rate_limits))
    admin_id = make_user(db, "Admin", groups=("admin",))
    admin = _actor(admin_id, "Admin", {"*", "user", "autoconfirmed", "admin"})
    budi = _actor(make_user(db, "Budi", autoconfirmed=True), "Budi", {"*", "user", "autoconfirmed"})
    ip = Actor(user_id=None, name="198.51.100.4", ip="198.51.100.4", groups=frozenset({"*"}))
    save = editing.save
    save(
        env,
        budi,
        editing.Edit(
            parse("Kebijakan pajak"), "# Pajak\n\nTarif 10 %. [[Kategori:Pajak]]", summary="awal"
        ),
    )
    save(
        env,
        ip,
        editing.Edit(
            parse("Kebijakan pajak"),
            "# Pajak\n\nTarif 11 % sejak 2022.",
            summary="perbarui tarif",
            minor=True,
            base_id=_latest(db, "Kebijakan pajak"),
        ),
    )
    hidden = _latest(db, "Kebijakan pajak")
    save(
        env,
        budi,
        editing.Edit(
            parse("Kebijakan pajak"),
            "# Pajak\n\nTarif 11 % sejak 2022.\n\nSumber: UU HPP.",
            base_id=hidden,
        ),
    )
    save(env, budi, editing.Edit(parse("PPN"), "#REDIRECT [[Kebijakan pajak]]"))
    save(env, ip, editing.Edit(parse("Tax policy"), "VAT is 11 % & rising <fast>."))
    talk.add_topic(env, budi, parse("Talk:Kebijakan pajak"), "Sumber?", "Perlu sumber resmi.")
    patrol.hide_revisions(
        env, admin, [hidden], hide=visibility.SUMMARY | visibility.USER, unhide=0, reason="PII"
    )
    yield Built(db, env, hidden, 6)
    db.dispose()


def _dump(built: Built, **kwargs: object) -> mwxml.Dump:
    out = io.BytesIO()
    export.write(built.db, out, SITE, **kwargs)  # type: ignore[arg-type]
    out.seek(0)
    return mwxml.Dump.from_file(out)


def test_an_independent_parser_reads_every_revision_and_field(built: Built) -> None:
    dump = _dump(built)
    assert dump.site_info.name == "Gotong Test"
    assert {ns.id: ns.name for ns in dump.site_info.namespaces}[1] == "Talk"
    pages = {p.title: p for p in []}
    revs: dict[str, list[mwxml.Revision]] = {}
    for page in dump:
        pages[page.title] = page
        revs[page.title] = list(page)
    assert set(revs) == {"Kebijakan pajak", "PPN", "Tax policy", "Talk:Kebijakan pajak"}
    assert sum(len(r) for r in revs.values()) == built.revisions
    assert pages["PPN"].redirect == "Kebijakan pajak"
    assert pages["Talk:Kebijakan pajak"].namespace == 1
    first, second, third = revs["Kebijakan pajak"]
    assert first.user.text == "Budi" and first.user.id is not None and first.comment == "awal"
    assert first.parent_id is None and second.parent_id == first.id
    assert third.parent_id == second.id
    assert second.id == built.hidden
    assert second.minor and second.deleted.user and second.deleted.comment
    assert second.user is None and second.comment is None and not second.deleted.text
    assert second.text == "# Pajak\n\nTarif 11 % sejak 2022."
    for r in [*revs["Kebijakan pajak"], *revs["Tax policy"]]:
        assert r.model == "markdown" and r.format == "text/markdown"
        assert r.sha1 == export.base36_sha1(r.text) and len(r.sha1) == 31
    (vat,) = revs["Tax policy"]
    assert vat.text == "VAT is 11 % & rising <fast>." and vat.user.text == "198.51.100.4"
    assert vat.user.id is None
    assert vat.timestamp.strftime("%Y") == str(datetime.now(UTC).year)


def test_admins_may_export_hidden_parts(built: Built) -> None:
    revs = {p.title: list(p) for p in _dump(built, can_view_suppressed=True)}
    second = revs["Kebijakan pajak"][1]
    assert not second.deleted.user and second.user.text == "198.51.100.4"
    assert second.comment == "perbarui tarif"


def test_current_only_and_chosen_pages_with_their_talk(built: Built) -> None:
    dump = _dump(built, pages=[parse("Kebijakan pajak")], history=False, talk=True)
    got = {p.title: len(list(p)) for p in dump}
    assert got == {"Kebijakan pajak": 1, "Talk:Kebijakan pajak": 1}


def test_base36_sha1_matches_mediawiki() -> None:
    # MediaWiki's value for the empty text (Wikimedia dumps show it on blanked revisions).
    assert export.base36_sha1("") == "phoiac9h4m842xq45sp7s6u21eteeq1"


def test_wiki_dump_writes_a_compressed_dump_with_checksums(
    built: Built, settings: Settings, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "WIKI_DATA_DIR": str(settings.data_dir),
        "WIKI_DATABASE_URL": settings.database_url,
        "WIKI_SECRET_KEY": settings.secret_key,
        "WIKI_SITE_NAME": "Gotong Test",
    }
    out = tmp_path / "dumps"
    done = subprocess.run(
        [sys.executable, "-m", "wiki.cli", "dump", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (gz,) = out.glob("*-pages-meta-history.xml.gz")
    (sums,) = out.glob("*-sha1sums.txt")
    digest, name = sums.read_text().split()
    assert name == gz.name and digest == hashlib.sha1(gz.read_bytes()).hexdigest()
    with gzip.open(gz) as fh:
        dump = mwxml.Dump.from_file(fh)
        revisions = [r for page in dump for r in page]
    assert len(revisions) == built.revisions
    hidden = next(r for r in revisions if r.id == built.hidden)
    assert hidden.deleted.user and hidden.user is None  # the public never sees hidden parts


def test_special_export_over_http(client: object) -> None:
    from starlette.testclient import TestClient

    from tests.conftest import edit

    assert isinstance(client, TestClient)
    assert edit(client, "Pajak", "Tarif [[Category:Fiskal]]").status_code == 303
    assert edit(client, "Pajak", "Tarif baru [[Category:Fiskal]]").status_code == 303
    assert edit(client, "Bea", "Bea masuk [[Category:Fiskal]]").status_code == 303
    form = client.get("/wiki/Special:Export")
    assert form.status_code == 200 and 'name="pages"' in form.text
    filled = client.get("/wiki/Special:Export", params={"catname": "Fiskal", "addcat": "1"})
    assert "Bea\nPajak" in filled.text or "Pajak\nBea" in filled.text
    r = client.get("/wiki/Special:Export", params={"pages": "Pajak\nBea", "talk": "1"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    assert "attachment" in r.headers["content-disposition"]
    got = {p.title: [rev.text for rev in p] for p in mwxml.Dump.from_file(io.BytesIO(r.content))}
    assert got == {
        "Pajak": ["Tarif [[Category:Fiskal]]", "Tarif baru [[Category:Fiskal]]"],
        "Bea": ["Bea masuk [[Category:Fiskal]]"],
    }
    cur = client.get("/wiki/Special:Export", params={"pages": "Pajak", "curonly": "1"})
    assert [len(list(p)) for p in mwxml.Dump.from_file(io.BytesIO(cur.content))] == [1]
    assert client.get("/wiki/Special:Export", params={"pages": "A|B"}).status_code == 400
    assert client.post("/wiki/Special:Export").status_code in (403, 405)
