"""Special:Import: admins upload an XML export (plain, gzip, bzip2) and see what was imported,
in both languages; others are refused, and bad uploads get a clear 4xx, never a 500."""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from tests.conftest import login, make_user, token_of
from wiki.app import create_app
from wiki.db import Base, Database
from wiki.dumps import export
from wiki.models import Revision
from wiki.pages import revisions
from wiki.settings import Settings
from wiki.text.titles import parse

DATA = Path(__file__).resolve().parent / "data"
SITE = export.SiteInfo(sitename="Elsewhere", base="http://else.test/wiki/Main_Page", generator="g")
URL = "/wiki/Special:Import"
MAX = 1 << 20


@pytest.fixture
def dump(tmp_path: Path) -> bytes:
    """An export of another wiki: two pages, three revisions, by an account and an IP."""
    db = Database(f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")  # the other wiki: a file
    Base.metadata.create_all(db.engine)
    base = None
    for title, text, author in (
        ("Sungai", "Sungai *mengalir*.", "Budi"),
        ("Sungai", "Sungai mengalir ke laut.", "10.1.2.3"),
        ("Laut", "Laut biru. [[Sungai]]", "Budi"),
    ):
        with db.write() as s:
            done = revisions.save(
                s,
                parse(title),
                text,
                author=revisions.Author(author),
                base_id=base if title == "Sungai" else None,
                max_bytes=MAX,
            )
            base = done.revision.id
    out = io.BytesIO()
    export.write(db, out, SITE, history=True)
    db.dispose()
    return out.getvalue()


@pytest.fixture
def admin(client: TestClient, db: Database) -> TestClient:
    make_user(db, "Admina", groups=("admin",))
    login(client, "Admina")
    return client


def _post(client: TestClient, content: bytes, name: str = "dump.xml", **fields: str) -> object:
    token = token_of(client, URL)
    data = {"wpEditToken": token, "prefix": "imported", **fields}
    return client.post(URL, data=data, files={"xmlimport": (name, content, "application/xml")})


def _revisions(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Revision)) or 0


def test_only_those_with_the_import_right_see_or_use_it(
    client: TestClient, db: Database, dump: bytes
) -> None:
    assert client.get(URL).status_code == 403
    make_user(db, "Patra", groups=("patroller",))
    login(client, "Patra")
    assert client.get(URL).status_code == 403
    token = token_of(client)
    r = client.post(
        URL, data={"wpEditToken": token}, files={"xmlimport": ("d.xml", dump, "text/xml")}
    )
    assert r.status_code == 403
    assert _revisions(db) == 0


def test_admin_imports_a_file_and_sees_the_report(
    admin: TestClient, db: Database, dump: bytes
) -> None:
    form = admin.get(URL)
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    assert form.headers["cache-control"] == "no-store"
    r = admin.post(URL, data={"prefix": "imported"}, files={"xmlimport": ("d.xml", dump, "x")})
    assert r.status_code == 403 and _revisions(db) == 0  # no CSRF token: nothing done
    r = _post(admin, dump)
    assert r.status_code == 200, r.text[-2000:]  # type: ignore[attr-defined]
    text = r.text  # type: ignore[attr-defined]
    assert "2 pages" in text and "3 revisions imported" in text and "Elsewhere" in text
    assert admin.get("/wiki/Sungai?action=raw").text == "Sungai mengalir ke laut."
    history = admin.get("/wiki/Sungai?action=history").text
    assert "imported&gt;Budi" in history or "imported>Budi" in history
    # Once more: nothing changes, every revision is reported as already here.
    r = _post(admin, dump)
    assert "3 revisions were already here" in r.text  # type: ignore[attr-defined]
    assert _revisions(db) == 3


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress])
def test_compressed_uploads_and_options(
    admin: TestClient, db: Database, dump: bytes, compress: object
) -> None:
    packed = compress(dump)  # type: ignore[operator]
    r = _post(admin, packed, "dump.xml.gz", prefix="lain", recent_changes="1")
    assert r.status_code == 200, r.text[-2000:]  # type: ignore[attr-defined]
    assert "lain&gt;Budi" in admin.get("/wiki/Laut?action=history").text
    assert "Laut" in admin.get("/wiki/Special:RecentChanges").text


def test_the_report_in_indonesian(admin: TestClient, dump: bytes) -> None:
    form = admin.get(URL + "?uselang=id")
    assert "Impor halaman" in form.text
    r = _post(admin, dump)
    assert "2 halaman" in r.text  # type: ignore[attr-defined]
    assert "3 revisi diimpor" in r.text  # type: ignore[attr-defined]


def test_a_broken_file_names_the_page_and_keeps_whole_pages(
    admin: TestClient, db: Database, dump: bytes
) -> None:
    cut = dump.index(b"<title>Laut</title>")  # pages come in id order: Sungai, then Laut
    truncated = dump[: cut + 60]
    r = _post(admin, truncated)
    assert r.status_code == 400
    assert "The import stopped" in r.text  # type: ignore[attr-defined]
    assert "Laut" in r.text  # type: ignore[attr-defined]
    assert "1 page" in r.text  # type: ignore[attr-defined]
    assert admin.get("/wiki/Sungai?action=raw").status_code == 200
    assert admin.get("/wiki/Laut?action=raw").status_code == 404
    assert _revisions(db) == 2
    r = _post(admin, b"\x1f\x8b not really gzip")
    assert r.status_code == 400 and "could not be read" in r.text  # type: ignore[attr-defined]
    r = _post(admin, dump, prefix="bad>prefix")
    assert r.status_code == 400


def test_no_file_is_a_clear_error(admin: TestClient) -> None:
    token = token_of(admin, URL)
    r = admin.post(URL, data={"wpEditToken": token}, files={"other": ("x", b"", "text/plain")})
    assert r.status_code == 400
    assert "Choose an XML export file" in r.text


@pytest.fixture
def small_limit_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(dataclasses.replace(settings, import_max_bytes=4096))
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        yield c
    app.state.wiki.db.dispose()


def test_an_upload_over_the_limit_is_refused(
    small_limit_client: TestClient, db: Database, dump: bytes
) -> None:
    make_user(db, "Admina", groups=("admin",))
    login(small_limit_client, "Admina")
    big = dump + b"<!--" + b"x" * 8192 + b"-->"
    r = _post(small_limit_client, big)
    assert r.status_code == 413
    assert _revisions(db) == 0


def test_listed_among_the_special_pages(admin: TestClient) -> None:
    assert re.search(r"Special:Import", admin.get("/wiki/Special:SpecialPages").text)


needs_pandoc = pytest.mark.skipif(
    shutil.which("pandoc") is None, reason="pandoc (Debian package) converts wikitext"
)


@needs_pandoc
def test_a_real_wikipedia_export_reports_what_did_not_convert(admin: TestClient) -> None:
    path = DATA / "enwiki-export-Vandalism_on_Wikipedia-5revs-2010.xml"
    r = _post(admin, path.read_bytes())
    assert r.status_code == 200, r.text[-2000:]  # type: ignore[attr-defined]
    text = r.text  # type: ignore[attr-defined]
    assert "1 page" in text and "5 revisions imported" in text
    assert "Not converted to Markdown" in text
    assert "template newpage" in text and "file Wikipedia_vandalism.svg" in text
    view = admin.get("/wiki/Vandalism_on_Wikipedia")
    assert view.status_code == 200 and "<h2" in view.text
