"""HTTP tests for the page routes: view, edit, history, oldid, diff, raw, info and bad input."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from tests.conftest import BASE_RE, TOKEN_RE, edit
from wiki.settings import Settings


class Elements(HTMLParser):
    """Collects (tag, attrs, text) for assertions on structure rather than snapshots."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.items: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append((tag, dict(attrs)))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.items if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def revid_of(client: TestClient, title: str) -> int:
    m = BASE_RE.search(client.get(f"/wiki/{title}?action=edit").text)
    assert m and m.group(1)
    return int(m.group(1))


def test_root_redirects_to_main_page(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 302 and r.headers["location"] == "/wiki/Main_Page"


def test_missing_page_is_404_with_invitation(client: TestClient) -> None:
    r = client.get("/wiki/Nothing_here")
    assert r.status_code == 404
    links = Elements(r.text).find("a", href="/wiki/Nothing_here?action=edit")
    assert links, "the 404 page invites the reader to create the page"


def test_create_view_and_red_links_turn_blue(client: TestClient) -> None:
    r = edit(client, "Kebijakan_publik", "Lihat [[Partisipasi]] dan [[Kebijakan publik|ini]].")
    assert r.status_code == 303 and r.headers["location"] == "/wiki/Kebijakan_publik"
    page = Elements(client.get("/wiki/Kebijakan_publik").text)
    assert page.find("a", href="/wiki/Partisipasi?action=edit&redlink=1", **{"class": "new"})
    assert page.find("a", href="/wiki/Kebijakan_publik")
    edit(client, "Partisipasi", "Ada.")
    page = Elements(client.get("/wiki/Kebijakan_publik").text)
    assert page.find("a", href="/wiki/Partisipasi")
    assert not page.find("a", href="/wiki/Partisipasi?action=edit&redlink=1")


def test_non_canonical_url_redirects(client: TestClient) -> None:
    edit(client, "Foo_bar", "x")
    r = client.get("/wiki/foo bar")
    assert r.status_code == 301 and r.headers["location"] == "/wiki/Foo_bar"


def test_edit_form_has_all_controls(client: TestClient) -> None:
    r = client.get("/wiki/New?action=edit")
    assert r.status_code == 200
    assert "gotong_session" in r.cookies
    html = Elements(r.text)
    assert html.find("textarea", name="wpTextbox1")
    assert html.find("input", name="wpSummary")
    assert html.find("input", name="wpMinoredit", type="checkbox")
    for button in ("wpSave", "wpPreview", "wpDiff"):
        assert html.find("button", name=button)


def test_preview_and_show_changes_do_not_save(client: TestClient) -> None:
    edit(client, "P", "Kata lama di sini.")
    form = client.get("/wiki/P?action=edit")
    token = TOKEN_RE.search(form.text)
    base = BASE_RE.search(form.text)
    assert token and base
    data = {"wpEditToken": token.group(1), "wpBaseRevId": base.group(1)}
    r = client.post(
        "/wiki/P?action=submit", data={**data, "wpTextbox1": "**Tebal** kata", "wpPreview": "1"}
    )
    assert r.status_code == 200 and "<strong>Tebal</strong>" in r.text
    r = client.post(
        "/wiki/P?action=submit",
        data={**data, "wpTextbox1": "Kata baru di sini.", "wpDiff": "1"},
    )
    assert r.status_code == 200
    assert re.search(r'<del class="diffchange">\s*lama\s*</del>', r.text)
    assert re.search(r'<ins class="diffchange">\s*baru\s*</ins>', r.text)
    assert client.get("/wiki/P?action=raw").text == "Kata lama di sini."


def test_post_without_valid_token_is_403_and_keeps_text(client: TestClient) -> None:
    edit(client, "Guarded", "original")
    client.get("/wiki/Guarded?action=edit")  # has a session now
    text = "my precious paragraph <b>keep me</b>"
    for token in ("", "forged"):
        r = client.post(
            "/wiki/Guarded?action=submit",
            data={"wpEditToken": token, "wpTextbox1": text, "wpSave": "1"},
        )
        assert r.status_code == 403
        assert "my precious paragraph &lt;b&gt;keep me&lt;/b&gt;" in r.text
    fresh = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    r = fresh.post("/wiki/Guarded?action=submit", data={"wpTextbox1": text, "wpSave": "1"})
    assert r.status_code == 403 and "keep me" in r.text
    assert client.get("/wiki/Guarded?action=raw").text == "original"


def test_stale_base_is_409_and_keeps_text(client: TestClient) -> None:
    edit(client, "Race", "one")
    form = client.get("/wiki/Race?action=edit")
    token, base = TOKEN_RE.search(form.text), BASE_RE.search(form.text)
    assert token and base
    edit(client, "Race", "two")
    r = client.post(
        "/wiki/Race?action=submit",
        data={
            "wpEditToken": token.group(1),
            "wpBaseRevId": base.group(1),
            "wpTextbox1": "three from a stale form",
            "wpSave": "1",
        },
    )
    assert r.status_code == 409 and "three from a stale form" in r.text
    assert client.get("/wiki/Race?action=raw").text == "two"


def test_history_rows_and_pagination(client: TestClient) -> None:
    for i in range(5):
        edit(client, "Hist", f"Version {i}" + "!" * i, summary=f"edit {i}", minor=i == 3)
    r = client.get("/wiki/Hist?action=history&limit=2")
    assert r.status_code == 200
    html = Elements(r.text)
    rows = html.find("li")
    assert len([a for a in rows if a.get("data-revid")]) == 2
    assert len(html.find("input", type="radio", name="oldid")) == 2
    assert "edit 4" in r.text and "edit 3" in r.text and "edit 2" not in r.text
    assert 'class="delta pos"' in r.text
    older = html.find("a", rel="next")
    assert older
    r2 = client.get(str(older[0]["href"]))
    assert "edit 2" in r2.text and "edit 1" in r2.text and "edit 4" not in r2.text
    assert client.get("/wiki/Nope?action=history").status_code == 404


def test_oldid_diff_raw_info(client: TestClient) -> None:
    edit(client, "D", "Kebijakan publik harus jelas.")
    first = revid_of(client, "D")
    edit(client, "D", "Kebijakan publik harus terbuka.")
    second = revid_of(client, "D")
    r = client.get(f"/wiki/D?oldid={first}")
    assert r.status_code == 200 and "jelas" in r.text and "old revision" in r.text
    for url in (
        f"/wiki/D?diff={second}&oldid={first}",
        f"/wiki/D?diff=prev&oldid={second}",
        f"/wiki/D?diff=next&oldid={first}",
        f"/wiki/D?diff=cur&oldid={first}",
        f"/wiki/D?diff={second}",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
        assert re.search(r'<del class="diffchange">\s*jelas', r.text), url
        assert re.search(r'<ins class="diffchange">\s*terbuka', r.text), url
    inline = client.get(f"/wiki/D?diff={second}&oldid={first}&diffmode=inline")
    assert 'class="diff diff-inline"' in inline.text
    raw = client.get("/wiki/D?action=raw")
    assert raw.text == "Kebijakan publik harus terbuka."
    assert raw.headers["content-type"].startswith("text/plain")
    assert client.get(f"/wiki/D?action=raw&oldid={first}").text.endswith("jelas.")
    info = client.get("/wiki/D?action=info")
    assert info.status_code == 200 and ">2<" in info.text


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/wiki/A%7Cb", 400),
        ("/wiki/A%3Cb", 400),
        ("/wiki/Talk:", 400),
        ("/wiki/" + "x" * 300, 400),
        ("/wiki/Missing?action=raw", 404),
        ("/wiki/Missing?action=info", 404),
        ("/wiki/X?oldid=999999", 404),
        ("/wiki/X?oldid=abc", 400),
        ("/wiki/X?diff=999999", 404),
        ("/wiki/X?diff=bogus", 400),
        ("/wiki/X?diff=prev", 404),  # no oldid: the latest change of X, which does not exist
        ("/wiki/Special:Log?diff=prev", 400),
        ("/wiki/X?action=frobnicate", 400),
        ("/wiki/Special:Nonexistent", 404),
    ],
)
def test_bad_input_is_a_clear_4xx(client: TestClient, url: str, status: int) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert "Traceback" not in r.text and 'role="alert"' in r.text


def test_invalid_title_page_says_which_rule(client: TestClient) -> None:
    r = client.get("/wiki/A%7Cb")
    assert "forbidden character: |" in r.text


def test_malformed_form_is_400(client: TestClient) -> None:
    client.get("/wiki/M?action=edit")
    r = client.post(
        "/wiki/M?action=submit",
        content=b"--x\r\nbroken",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code in (400, 403)
    assert "Traceback" not in r.text


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, max_page_bytes=4096)


def test_too_large_is_413_with_text_kept(client: TestClient) -> None:
    big = "kata " * 2000
    r = edit(client, "Big", big)
    assert r.status_code == 413
    assert "kata kata kata" in r.text
    assert client.get("/wiki/Big").status_code == 404


def test_security_headers_on_every_response(client: TestClient) -> None:
    for url in ("/wiki/Main_Page", "/wiki/A%7Cb", "/static/wiki.css"):
        r = client.get(url)
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"]


def test_session_cookie_flags(client: TestClient) -> None:
    r = client.get("/wiki/X?action=edit")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_language_negotiation(client: TestClient) -> None:
    edit(client, "Bahasa", "teks")
    assert "Riwayat" in client.get("/wiki/Bahasa?uselang=id").text
    assert "History" in client.get("/wiki/Bahasa?uselang=en").text
    fresh = TestClient(client.app, base_url="http://testserver")
    r = fresh.get("/wiki/Bahasa", headers={"accept-language": "id-ID,id;q=0.9,en;q=0.5"})
    assert "Riwayat" in r.text and '<html lang="id">' in r.text
    r = fresh.get("/wiki/Bahasa", headers={"accept-language": "fr, en;q=0.4"})
    assert "History" in r.text
    fresh.cookies.set("gotong_lang", "id")
    assert "Riwayat" in fresh.get("/wiki/Bahasa").text
    assert "History" in fresh.get("/wiki/Bahasa?uselang=en").text


def test_anonymous_cache_serves_fresh_content_after_save(client: TestClient) -> None:
    anon = TestClient(client.app, base_url="http://testserver")
    edit(client, "Cached", "first text")
    assert "first text" in anon.get("/wiki/Cached").text
    assert "first text" in anon.get("/wiki/Cached").text  # from the cache
    edit(client, "Cached", "second text")
    body = anon.get("/wiki/Cached").text
    assert "second text" in body and "first text" not in body


def test_titles_needing_percent_encoding_do_not_redirect_forever(client: TestClient) -> None:
    edit(client, "%C3%9Cn%C3%AFc%C3%B6de_(kebijakan)", "teks")
    r = client.get("/wiki/%C3%9Cn%C3%AFc%C3%B6de_(kebijakan)")
    assert r.status_code == 200 and "Ünïcöde (kebijakan)" in r.text
    r = client.get("/wiki/%C3%BCn%C3%AFc%C3%B6de (kebijakan)")
    assert r.status_code == 301
    assert r.headers["location"] == "/wiki/%C3%9Cn%C3%AFc%C3%B6de_(kebijakan)"


def test_a_logged_in_readers_cached_page_follows_edits_and_watches(
    client: TestClient, db: object
) -> None:
    from tests.conftest import login, make_user, token_of

    make_user(db, "Pembaca")  # type: ignore[arg-type]
    edit(client, "Dibaca", "versi pertama")
    reader = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    login(reader, "Pembaca")
    first = reader.get("/wiki/Dibaca").text
    assert "versi pertama" in first and 'id="ca-watch" class="watch-star"' in first
    assert reader.get("/wiki/Dibaca").text == first  # served again
    edit(client, "Dibaca", "versi kedua")
    assert "versi kedua" in reader.get("/wiki/Dibaca").text
    r = reader.post("/wiki/Dibaca?action=watch", data={"wpEditToken": token_of(reader)})
    assert r.status_code == 303
    assert 'class="watch-star watched"' in reader.get("/wiki/Dibaca").text
