"""HTTP tests for the REST API under /w/rest.php/v1: shapes, pagination, writes, auth, errors."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from wiki.settings import Settings

API = "/w/rest.php/v1"
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
PAGE_KEYS = {"id", "key", "title", "latest", "content_model", "license", "source"}
HISTORY_KEYS = {"id", "timestamp", "minor", "size", "delta", "comment", "user"}
REVISION_KEYS = HISTORY_KEYS | {"page", "content_model", "source", "vandalism"}
ERROR_KEYS = {"httpCode", "httpReason", "message"}


def _never_500(response: httpx.Response) -> None:
    assert response.status_code < 500, response.read()[:500]


@pytest.fixture
def client(client: TestClient) -> Iterator[TestClient]:
    """The shared client, checking that no response in these tests is a server error."""
    client.event_hooks["response"].append(_never_500)
    yield client


def create(client: TestClient, title: str, source: str, comment: str = "") -> dict[str, Any]:
    r = client.post(f"{API}/page", json={"title": title, "source": source, "comment": comment})
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


def put(
    client: TestClient, title: str, source: str, latest: int | None, **extra: Any
) -> httpx.Response:
    body: dict[str, Any] = {"source": source, "comment": extra.pop("comment", "")}
    if latest is not None:
        body["latest"] = {"id": latest}
    return client.put(f"{API}/page/{title}", json=body, **extra)


def assert_error(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    data: dict[str, Any] = r.json()
    assert data.keys() >= ERROR_KEYS
    assert data["httpCode"] == status and data["httpReason"] and data["message"]
    return data


# --- reading -----------------------------------------------------------------------------------


def test_get_page_has_mediawiki_shape_for_any_spelling_of_the_title(client: TestClient) -> None:
    made = create(client, "Kebun raya", "# Kebun\n\nTeks.", "mulai")
    for spelling in ("Kebun_raya", "Kebun raya", "kebun_raya", "Kebun%20raya"):
        r = client.get(f"{API}/page/{spelling}")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        data = r.json()
        assert data.keys() == PAGE_KEYS
        assert data == {
            "id": made["id"],
            "key": "Kebun_raya",
            "title": "Kebun raya",
            "latest": {"id": made["latest"]["id"], "timestamp": made["latest"]["timestamp"]},
            "content_model": "markdown",
            "license": {"url": "", "title": ""},
            "source": "# Kebun\n\nTeks.",
        }
    assert TS.match(made["latest"]["timestamp"])
    assert isinstance(made["id"], int) and isinstance(made["latest"]["id"], int)


def test_page_etag_and_if_none_match(client: TestClient) -> None:
    made = create(client, "Etag", "one")
    r = client.get(f"{API}/page/Etag")
    assert r.headers["etag"] == f'"{made["latest"]["id"]}"'
    head = client.head(f"{API}/page/Etag")
    assert (
        head.status_code == 200
        and head.content == b""
        and head.headers["etag"] == r.headers["etag"]
    )
    r304 = client.get(f"{API}/page/Etag", headers={"If-None-Match": r.headers["etag"]})
    assert r304.status_code == 304 and r304.content == b""
    put(client, "Etag", "two", made["latest"]["id"])
    again = client.get(f"{API}/page/Etag", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 200 and again.json()["source"] == "two"


def test_page_html_is_a_document_with_resolved_links(client: TestClient) -> None:
    create(client, "Halaman", "## Bagian\n\nLihat [[Lain]] & <b>x</b>.")
    r = client.get(f"{API}/page/Halaman/html")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    doc = r.text
    assert doc.startswith('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">')
    assert "<title>Halaman</title>" in doc and doc.endswith("</body></html>")
    assert "<h2" in doc and "Bagian" in doc
    assert "&lt;b&gt;" in doc and "<b>" not in doc  # raw HTML is never rendered
    assert "/wiki/Lain?action=edit&amp;redlink=1" in doc  # a red link
    etag = r.headers["etag"]
    assert (
        client.get(f"{API}/page/Halaman/html", headers={"If-None-Match": etag}).status_code == 304
    )
    create(client, "Lain", "ada")
    r2 = client.get(f"{API}/page/Halaman/html", headers={"If-None-Match": etag})
    assert r2.status_code == 200 and r2.headers["etag"] != etag  # the link turned blue
    assert 'href="/wiki/Lain"' in r2.text and "redlink" not in r2.text


def test_title_with_slash_is_sent_as_percent_2f(client: TestClient) -> None:
    create(client, "Foo", "the parent")
    create(client, "Foo/html", "a subpage")
    assert client.get(f"{API}/page/Foo%2Fhtml").json()["source"] == "a subpage"
    assert client.get(f"{API}/page/Foo/html").headers["content-type"].startswith("text/html")
    hist = client.get(f"{API}/page/Foo%2Fhtml/history").json()
    assert hist["latest"] == f"http://testserver{API}/page/Foo%2Fhtml/history"
    r = client.put(f"{API}/page/Foo/html", json={"source": "x"})
    assert_error(r, 405)


def test_history_pages_through_25_revisions(client: TestClient) -> None:
    made = create(client, "Riwayat", "v0", "first")
    latest = made["latest"]["id"]
    ids = [latest]
    for i in range(1, 25):
        r = put(client, "Riwayat", f"v{i}" + "x" * i, latest, comment=f"edit {i}")
        assert r.status_code == 200, r.text
        latest = r.json()["latest"]["id"]
        ids.append(latest)
    base = f"http://testserver{API}/page/Riwayat/history"

    first = client.get(f"{API}/page/riwayat/history")
    assert first.status_code == 200 and first.headers["etag"] == f'"{latest}"'
    page1 = first.json()
    assert page1.keys() == {"revisions", "latest", "older"}
    assert page1["latest"] == base
    assert [r["id"] for r in page1["revisions"]] == ids[::-1][:20]
    newest = page1["revisions"][0]
    assert newest.keys() == HISTORY_KEYS
    assert newest == {
        "id": ids[24],
        "timestamp": newest["timestamp"],
        "minor": False,
        "size": len("v24" + "x" * 24),
        "delta": 1,
        "comment": "edit 24",
        "user": {"id": None, "name": "testclient"},
    }
    assert TS.match(newest["timestamp"])
    assert page1["older"] == f"{base}?older_than={ids[5]}"

    page2 = client.get(page1["older"]).json()
    assert [r["id"] for r in page2["revisions"]] == ids[4::-1]
    assert "older" not in page2 and page2["newer"] == f"{base}?newer_than={ids[4]}"
    oldest = page2["revisions"][-1]
    assert oldest["comment"] == "first" and oldest["delta"] == oldest["size"] == 2

    back = client.get(page2["newer"]).json()
    assert [r["id"] for r in back["revisions"]] == ids[::-1][:20]
    assert "newer" not in back and back["older"] == page1["older"]


def test_get_revision_and_bare(client: TestClient) -> None:
    made = create(client, "Revisi", "satu", "awal")
    r2 = put(client, "Revisi", "satu dua", made["latest"]["id"], comment="tambah").json()
    rid = r2["latest"]["id"]
    r = client.get(f"{API}/revision/{rid}")
    assert r.status_code == 200 and r.headers["etag"] == f'"{rid}"'
    data = r.json()
    assert data.keys() == REVISION_KEYS
    vandalism = data.pop("vandalism")  # wiki.patrol.scoring; tested in tests/test_scoring.py
    assert set(vandalism) == {"score", "badge", "content", "editor", "reasons"}
    assert 0 <= vandalism["score"] <= 1
    assert data == {
        "id": rid,
        "page": {"id": made["id"], "key": "Revisi", "title": "Revisi"},
        "size": 8,
        "minor": False,
        "timestamp": r2["latest"]["timestamp"],
        "content_model": "markdown",
        "comment": "tambah",
        "delta": 4,
        "user": {"id": None, "name": "testclient"},
        "source": "satu dua",
    }
    bare = client.get(f"{API}/revision/{rid}/bare").json()
    assert bare == {k: v for k, v in data.items() if k != "source"} | {"vandalism": vandalism}


def _highlighted(entry: dict[str, Any]) -> list[tuple[int, str]]:
    raw = entry["text"].encode("utf-8")
    return [
        (h["type"], raw[h["start"] : h["start"] + h["length"]].decode("utf-8"))
        for h in entry["highlightRanges"]
    ]


def test_compare_shape_and_word_highlights(client: TestClient) -> None:
    old = "Judul\n\nThe quick brown fox jumps over the lazy dog.\n\nAkhir."
    made = create(client, "Banding", old)
    new = old.replace("brown", "merah")
    to = put(client, "Banding", new, made["latest"]["id"]).json()["latest"]["id"]
    frm = made["latest"]["id"]
    r = client.get(f"{API}/revision/{frm}/compare/{to}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    assert data.keys() == {"from", "to", "diff", "coarse"}
    assert data["from"] == {"id": frm, "slot_role": "main", "sections": []}
    assert data["to"] == {"id": to, "slot_role": "main", "sections": []}
    assert data["coarse"] is False
    for entry in data["diff"]:
        assert entry.keys() == {"type", "lineNumber", "text", "highlightRanges", "offset"}
    changed = [e for e in data["diff"] if e["type"] == 3]
    assert len(changed) == 1
    assert (0, "merah") in _highlighted(changed[0]) and (1, "brown") in _highlighted(changed[0])
    assert changed[0]["lineNumber"] == 3
    same = client.get(f"{API}/revision/{to}/compare/{to}").json()
    assert not [e for e in same["diff"] if e["type"] != 0]


def test_compare_errors(client: TestClient) -> None:
    a = create(client, "A", "a")["latest"]["id"]
    b = create(client, "B", "b")["latest"]["id"]
    assert_error(client.get(f"{API}/revision/{a}/compare/{b}"), 400)
    assert_error(client.get(f"{API}/revision/{a}/compare/999999"), 404)
    assert_error(client.get(f"{API}/revision/999999/compare/{a}"), 404)
    assert_error(client.get(f"{API}/revision/{a}/compare/{10**30}"), 404)


# --- writing -----------------------------------------------------------------------------------


def test_create_then_existing_is_409(client: TestClient) -> None:
    r = client.post(f"{API}/page", json={"title": "baru_ini", "source": "isi\r\n", "comment": "c"})
    assert r.status_code == 201
    assert r.headers["location"] == f"http://testserver{API}/page/Baru_ini"
    data = r.json()
    assert data.keys() == PAGE_KEYS
    assert (data["key"], data["title"], data["source"]) == ("Baru_ini", "Baru ini", "isi")
    assert client.get(f"{API}/page/Baru_ini").json() == data
    again = client.post(f"{API}/page", json={"title": "Baru ini", "source": "lain"})
    assert_error(again, 409)
    assert client.get(f"{API}/page/Baru_ini").json() == data


def test_put_edits_with_latest_and_refuses_stale_or_missing_latest(client: TestClient) -> None:
    made = create(client, "Sunting", "satu")
    first = made["latest"]["id"]
    r = put(client, "Sunting", "dua", first, comment="kedua")
    assert r.status_code == 200
    data = r.json()
    assert data.keys() == PAGE_KEYS and data["source"] == "dua"
    assert data["latest"]["id"] > first
    before = client.get(f"{API}/page/Sunting").json()
    stale = put(client, "Sunting", "tiga", first)
    assert_error(stale, 409)
    assert_error(put(client, "Sunting", "tiga", None), 409)
    assert client.get(f"{API}/page/Sunting").json() == before
    assert len(client.get(f"{API}/page/Sunting/history").json()["revisions"]) == 2


def test_put_merges_a_stale_edit_that_does_not_overlap(client: TestClient) -> None:
    made = create(client, "Gabung", "alpha\n\nbeta\n\ngamma")
    base = made["latest"]["id"]
    assert put(client, "Gabung", "ALPHA\n\nbeta\n\ngamma", base).status_code == 200
    r = put(client, "Gabung", "alpha\n\nbeta\n\nGAMMA", base)  # stale, but elsewhere
    assert r.status_code == 200 and r.json()["source"] == "ALPHA\n\nbeta\n\nGAMMA"
    assert_error(put(client, "Gabung", "alpha\n\nbeta\n\nGAMMA", None), 409)


def test_put_unchanged_text_makes_no_revision(client: TestClient) -> None:
    made = create(client, "Tetap", "sama")
    r = put(client, "Tetap", "sama\n\n", made["latest"]["id"])
    assert r.status_code == 200 and r.json() == made
    assert len(client.get(f"{API}/page/Tetap/history").json()["revisions"]) == 1


def test_put_creates_a_missing_page_without_latest(client: TestClient) -> None:
    r = put(client, "Dari_put", "baru", None)
    assert r.status_code == 201 and r.json()["title"] == "Dari put"
    assert_error(put(client, "Tak_ada", "x", 12345), 409)  # based on a page that is not there
    assert_error(client.get(f"{API}/page/Tak_ada"), 404)


def test_anonymous_put_is_attributed_to_the_client_ip(client: TestClient) -> None:
    made = create(client, "Anonim", "a")
    assert "gotong_session" not in client.cookies
    r = put(client, "Anonim", "b", made["latest"]["id"])
    assert r.status_code == 200
    rev = client.get(f"{API}/revision/{r.json()['latest']['id']}").json()
    assert rev["user"] == {"id": None, "name": "testclient"}


def test_session_cookie_requires_the_csrf_token(client: TestClient) -> None:
    assert client.get(f"{API}/session").json() == {"csrf_token": None}
    made = create(client, "Sesi", "awal")
    base = made["latest"]["id"]
    assert client.get("/wiki/Sesi?action=edit").status_code == 200  # sets the session cookie
    assert "gotong_session" in client.cookies
    r = client.get(f"{API}/session")
    assert r.headers["cache-control"] == "no-store"
    token = r.json()["csrf_token"]
    assert isinstance(token, str) and len(token) >= 32

    assert_error(put(client, "Sesi", "tanpa token", base), 403)
    assert_error(put(client, "Sesi", "salah", base, headers={"X-CSRF-Token": "0" * 64}), 403)
    body = {"title": "Sesi baru", "source": "x"}
    assert_error(client.post(f"{API}/page", json=body), 403)
    assert client.get(f"{API}/page/Sesi").json() == made
    assert_error(client.get(f"{API}/page/Sesi_baru"), 404)

    ok = put(client, "Sesi", "dengan token", base, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200 and ok.json()["source"] == "dengan token"
    in_body = client.post(f"{API}/page", json={**body, "token": token})
    assert in_body.status_code == 201


def test_special_pages_cannot_be_written(client: TestClient) -> None:
    assert_error(put(client, "Special:Recent", "x", None), 400)
    assert_error(client.get(f"{API}/page/Special:Recent"), 404)


# --- bad input ---------------------------------------------------------------------------------


def test_bad_titles_and_unknown_things(client: TestClient) -> None:
    create(client, "Ada", "x")
    for path in ("/page/Foo%5Bbar%5D", "/page/A%7CB/history", "/page/%20/html", "/page/~~~~"):
        assert_error(client.get(API + path), 400)
    assert_error(client.post(f"{API}/page", json={"title": "a|b", "source": "x"}), 400)
    assert_error(client.post(f"{API}/page", json={"title": "", "source": "x"}), 400)
    for path in ("/page/Nope", "/page/Nope/html", "/page/Nope/history", "/revision/999999"):
        assert_error(client.get(API + path), 404)
    assert_error(client.get(f"{API}/revision/99999999999999999999999"), 404)
    assert_error(client.get(f"{API}/revision/0/bare"), 404)
    for query in ("older_than=abc", "newer_than=-1", "older_than=1&newer_than=2"):
        assert_error(client.get(f"{API}/page/Ada/history?{query}"), 400)
    huge = client.get(f"{API}/page/Ada/history?older_than={10**30}")
    assert huge.status_code == 200 and len(huge.json()["revisions"]) == 1


def test_unknown_paths_and_methods_are_json(client: TestClient) -> None:
    for path in ("/w/rest.php/v1/nothing", "/w/rest.php/v2/page/Foo", "/w/rest.php/"):
        assert_error(client.get(path), 404)
    assert client.get("/w/rest.php").headers["location"] == "http://testserver/w/rest.php/"
    assert_error(client.get(f"{API}/revision/abc"), 404)
    assert_error(client.delete(f"{API}/page/Foo"), 405)
    assert_error(client.post(f"{API}/revision/1"), 405)
    assert_error(client.put(f"{API}/page"), 405)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"", 400),
        (b"\xff\xfe{}", 400),
        (b"[1, 2]", 400),
        (b'"text"', 400),
        (b"[" * 100_000, 400),
        (b'{"source": 5}', 400),
        (b'{"source": null}', 400),
        (b'{"source": "x", "comment": ["c"]}', 400),
        (b'{"source": "x", "latest": 5}', 400),
        (b'{"source": "x", "latest": {"id": "5"}}', 400),
        (b'{"source": "x", "latest": {"id": true}}', 400),
        (b'{"source": "x", "latest": {"id": 1.5}}', 400),
        (b'{"source": "x", "latest": {"id": 0}}', 400),
        (b'{"source": "x", "latest": {"id": 1' + b"0" * 5000 + b"}}", 400),
        (b'{"source": "nul \\u0000 here"}', 400),
        (b'{"source": "lone \\ud800 surrogate"}', 400),
        (b'{"source": "x", "content_model": "wikitext"}', 400),
        (b'{"source": "x", "comment": "' + b"c" * 600 + b'"}', 400),
    ],
)
def test_malformed_bodies_are_400(client: TestClient, body: bytes, status: int) -> None:
    made = create(client, "Badan", "asli")
    headers = {"content-type": "application/json"}
    assert_error(client.put(f"{API}/page/Badan", content=body, headers=headers), status)
    assert client.get(f"{API}/page/Badan").json() == made


def test_post_body_problems(client: TestClient) -> None:
    post = f"{API}/page"
    assert_error(client.post(post, json={"source": "x"}), 400)  # no title
    assert_error(client.post(post, json={"title": 5, "source": "x"}), 400)
    assert_error(client.post(post, json={"title": "Kosong", "source": ""}), 400)
    assert_error(client.post(post, json={"title": "X", "source": "\u0000"}), 400)
    assert_error(client.post(post, data={"title": "Form", "source": "x"}), 415)
    assert_error(client.post(post, content=b'{"title": "T", "source": "x"}'), 415)
    assert_error(client.get(f"{API}/page/Form"), 404)


class TestSmallLimit:
    @pytest.fixture
    def app_settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, max_page_bytes=2048)

    def test_text_over_the_page_limit_is_413(self, client: TestClient) -> None:
        made = create(client, "Kecil", "x")
        r = put(client, "Kecil", "y" * 2049, made["latest"]["id"])
        assert_error(r, 413)
        assert_error(client.post(f"{API}/page", json={"title": "B", "source": "é" * 1025}), 413)
        assert put(client, "Kecil", "y" * 2048, made["latest"]["id"]).status_code == 200

    def test_body_over_the_request_limit_is_413_before_parsing(self, client: TestClient) -> None:
        limit = 2048 * 2 + 64 * 1024
        huge = b"{" + b" " * limit  # never valid JSON: only the size can be the answer
        headers = {"content-type": "application/json"}
        r = client.put(f"{API}/page/Besar", content=huge, headers=headers)
        assert_error(r, 413)

        def chunks() -> Iterator[bytes]:  # no Content-Length: the cap on bytes read applies
            for _ in range(limit // 4096 + 2):
                yield b" " * 4096

        r = client.post(f"{API}/page", content=chunks(), headers=headers)
        assert "content-length" not in r.request.headers
        assert_error(r, 413)
        assert_error(client.get(f"{API}/page/Besar"), 404)


# --- the OpenAPI document ----------------------------------------------------------------------


def _api_routes(client: TestClient) -> set[tuple[str, str]]:
    app: Any = client.app
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/w/rest.php")
    found = set()
    for route in mount.routes:
        assert isinstance(route, Route)
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for method in route.methods or ():
            if method != "HEAD":
                found.add((path, method.lower()))
    return found


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_openapi_describes_every_route(client: TestClient) -> None:
    r = client.get("/w/rest.php/openapi.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"] == [{"url": "/w/rest.php"}]
    described = {(path, m) for path, item in doc["paths"].items() for m in item}
    assert described == _api_routes(client)
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas
    for path, item in doc["paths"].items():
        for op in item.values():
            assert op["summary"] and op["responses"]
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"\{(\w+)\}", path)), path
    assert doc["paths"]["/v1/page"]["post"]["responses"]["409"]
    assert "csrf_token" in schemas["Session"]["properties"]
