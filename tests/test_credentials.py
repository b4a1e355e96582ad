"""Credentials for tools: personal API tokens (Bearer) and bad credentials answering 401."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.conftest import login, make_user, token_of
from wiki.db import Database

REST = "/w/rest.php/v1"


def new_token(client: TestClient, grants: tuple[str, ...]) -> str:
    csrf = token_of(client, "/wiki/Special:ApiTokens")
    r = client.post(
        "/wiki/Special:ApiTokens",
        data={"wpEditToken": csrf, "name": "script", "grant": list(grants)},
    )
    assert r.status_code == 200, r.text[:300]
    m = re.search(r'id="new-api-token">(gtg_[\w-]+)<', r.text)
    assert m, r.text
    return m.group(1)


def test_bearer_token_edits_as_its_owner_and_can_be_revoked(
    client: TestClient, db: Database
) -> None:
    make_user(db, "Skrip")
    login(client, "Skrip")
    token = new_token(client, ("editpage",))
    page = client.get("/wiki/Special:ApiTokens").text
    assert token not in page  # shown once only
    client.cookies.clear()
    auth = {"Authorization": f"Bearer {token}"}
    r = client.post(f"{REST}/page", json={"title": "Oleh token", "source": "x"}, headers=auth)
    assert r.status_code == 201, r.text
    rev = client.get(f"{REST}/revision/{r.json()['latest']['id']}").json()
    assert rev["user"]["name"] == "Skrip"
    # Revoke it through the page, logged in again.
    login(client, "Skrip")
    listing = client.get("/wiki/Special:ApiTokens").text
    token_id = re.search(r'name="revoke" value="(\d+)"', listing)
    assert token_id
    csrf = token_of(client, "/wiki/Special:ApiTokens")
    r = client.post(
        "/wiki/Special:ApiTokens", data={"wpEditToken": csrf, "revoke": token_id.group(1)}
    )
    assert r.status_code == 303
    client.cookies.clear()
    r = client.post(f"{REST}/page", json={"title": "Lagi", "source": "x"}, headers=auth)
    assert r.status_code == 401
    assert r.json()["errorKey"] == "rest-invalid-credentials"


def test_token_without_the_edit_grant_cannot_edit(client: TestClient, db: Database) -> None:
    make_user(db, "Pembaca")
    login(client, "Pembaca")
    token = new_token(client, ())
    client.cookies.clear()
    r = client.post(
        f"{REST}/page",
        json={"title": "Tidak boleh", "source": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 403, r.text
    assert client.get(f"{REST}/page/Tidak_boleh").status_code == 404


def test_bad_credentials_never_become_an_anonymous_edit(client: TestClient) -> None:
    for headers, cookies in (
        ({"Authorization": "Bearer abc"}, {}),
        ({"Authorization": "Basic Zm9vOmJhcg=="}, {}),
        ({}, {"gotong_session": "garbage"}),
    ):
        client.cookies.clear()
        for k, v in cookies.items():
            client.cookies.set(k, v)
        r = client.post(f"{REST}/page", json={"title": "Anon", "source": "x"}, headers=headers)
        assert r.status_code == 401, (headers, cookies, r.text)
        assert "WWW-Authenticate" in r.headers
        r = client.get(
            "/w/api.php", params={"action": "query", "meta": "userinfo"}, headers=headers
        )
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "mwoauth-invalid-authorization"
    client.cookies.clear()
    assert client.get(f"{REST}/page/Anon").status_code == 404
    # A browser with a stale cookie still reads pages.
    client.cookies.set("gotong_session", "garbage")
    assert client.get("/wiki/Main_Page").status_code in (200, 404)


def test_openapi_describes_both_credentials(client: TestClient) -> None:
    doc = client.get("/w/rest.php/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {**schemes["bearerToken"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"]["in"] == "cookie"


def test_overflowing_recentchanges_cursor_is_a_400(client: TestClient) -> None:
    r = client.get(f"{REST}/recentchanges", params={"older_than": "2147483648"})
    assert r.status_code == 400, r.text
    r = client.get("/wiki/Special:RecentChanges", params={"older_than": "99999999999"})
    assert r.status_code == 400


def test_every_operation_has_a_unique_operation_id(client: TestClient) -> None:
    doc = client.get("/w/rest.php/openapi.json").json()
    ids = [
        op["operationId"]
        for item in doc["paths"].values()
        for method, op in item.items()
        if method in ("get", "post", "put", "delete", "patch")
    ]
    assert ids and len(ids) == len(set(ids))
    assert "getPageTitleHtml" in ids or any(i.startswith("getPage") for i in ids)


def test_rest_errors_carry_a_key_and_the_message_in_english_and_the_readers_language(
    client: TestClient,
) -> None:
    r = client.get(f"{REST}/page/Tidak_ada", headers={"Accept-Language": "id"})
    assert r.status_code == 404
    body = r.json()
    assert body["errorKey"] == "rest-not-found"
    assert body["message"] == "The page Tidak ada does not exist."
    assert body["messageTranslations"]["id"] != body["message"]


def test_latest_id_that_overflows_is_a_400(client: TestClient) -> None:
    client.post(f"{REST}/page", json={"title": "Besar", "source": "x"})
    for big in (2**31, 2**63):
        r = client.put(f"{REST}/page/Besar", json={"source": "y", "latest": {"id": big}})
        assert r.status_code == 400, r.text


def test_license_comes_from_settings(tmp_path: object, settings: object) -> None:
    import dataclasses

    from wiki.app import create_app

    custom = dataclasses.replace(  # type: ignore[type-var]
        settings,
        license_url="https://creativecommons.org/licenses/by-sa/4.0/",
        license_title="CC BY-SA 4.0",
    )
    app = create_app(custom)
    with TestClient(app) as c:
        made = c.post(f"{REST}/page", json={"title": "Lisensi", "source": "x"}).json()
        assert made["license"]["title"] == "CC BY-SA 4.0"
        got = c.get(f"{REST}/page/Lisensi").json()
        assert got["license"]["url"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    app.state.wiki.db.dispose()


def test_cors_shares_reads_with_listed_origins_only(settings: object) -> None:
    import dataclasses

    from wiki.app import create_app

    custom = dataclasses.replace(settings, cors_origins="https://tool.example")  # type: ignore[type-var]
    app = create_app(custom)
    with TestClient(app) as c:
        ok = c.get(
            "/w/api.php?action=query&meta=siteinfo&format=json",
            headers={"Origin": "https://tool.example"},
        )
        assert ok.headers["access-control-allow-origin"] == "https://tool.example"
        assert "access-control-allow-credentials" not in ok.headers
        other = c.get(f"{REST}/page/X", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        pre = c.options(
            f"{REST}/page/X",
            headers={"Origin": "https://tool.example", "Access-Control-Request-Method": "GET"},
        )
        assert pre.status_code == 204 and "GET" in pre.headers["access-control-allow-methods"]
        write = c.options(
            f"{REST}/page",
            headers={"Origin": "https://tool.example", "Access-Control-Request-Method": "POST"},
        )
        assert write.status_code == 403
    app.state.wiki.db.dispose()


def test_every_405_says_what_is_allowed(client: TestClient) -> None:
    for method, url in (
        ("POST", f"{REST}/revision/1"),
        ("DELETE", f"{REST}/page/Foo"),
        ("PUT", f"{REST}/page/Foo/html"),
    ):
        r = client.request(method, url, json={})
        assert r.status_code == 405, (method, url, r.status_code)
        assert r.headers.get("allow"), (method, url)


def test_conditional_requests_and_bad_base_revisions(client: TestClient) -> None:
    made = client.post(f"{REST}/page", json={"title": "Syarat", "source": "a"}).json()
    other = client.post(f"{REST}/page", json={"title": "Lain", "source": "b"}).json()
    latest = made["latest"]["id"]
    got = client.get(f"{REST}/page/Syarat")
    modified = got.headers["last-modified"]
    assert (
        client.get(f"{REST}/page/Syarat", headers={"If-Modified-Since": modified}).status_code
        == 304
    )
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(f"{REST}/page/Syarat", headers={"If-Modified-Since": old}).status_code == 200
    # A base revision of another page, or of none, is refused before any merge.
    foreign = client.put(
        f"{REST}/page/Syarat", json={"source": "x", "latest": {"id": other["latest"]["id"]}}
    )
    assert foreign.status_code == 400, foreign.text
    missing = client.put(f"{REST}/page/Syarat", json={"source": "x", "latest": {"id": 999999}})
    assert missing.status_code == 404, missing.text
    stale = client.put(
        f"{REST}/page/Syarat",
        json={"source": "x", "latest": {"id": latest}},
        headers={"If-Match": '"1"' if latest != 1 else '"2"'},
    )
    assert stale.status_code == 412, stale.text
    fresh = client.put(
        f"{REST}/page/Syarat",
        json={"source": "x", "latest": {"id": latest}},
        headers={"If-Match": got.headers["etag"]},
    )
    assert fresh.status_code == 200, fresh.text


def test_page_and_revision_variants(client: TestClient) -> None:
    made = client.post(f"{REST}/page", json={"title": "Ragam", "source": "**tebal**"}).json()
    client.post(f"{REST}/page", json={"title": "Ragam/bare", "source": "halaman anak"})
    rev = made["latest"]["id"]
    bare = client.get(f"{REST}/page/Ragam/bare").json()
    assert "source" not in bare and bare["html_url"].endswith("/v1/page/Ragam/html")
    child = client.get(f"{REST}/page/Ragam%2Fbare").json()
    assert child["source"] == "halaman anak"  # a title ending in /bare stays a page
    with_html = client.get(f"{REST}/page/Ragam/with_html").json()
    assert "<strong>tebal</strong>" in with_html["html"]
    assert client.get(f"{REST}/page/Ragam/links/language").json() == []
    counts = client.get(f"{REST}/page/Ragam/history/counts/edits").json()
    assert counts == {"count": 1, "limit": False}
    assert client.get(f"{REST}/page/Ragam/history/counts/anonymous").json()["count"] == 1
    assert client.get(f"{REST}/page/Ragam/history/counts/nonsense").status_code == 400
    page = client.get(f"{REST}/revision/{rev}/html")
    assert page.headers["content-type"].startswith("text/html") and "<strong>" in page.text
    both = client.get(f"{REST}/revision/{rev}/with_html").json()
    assert both["id"] == rev and "<strong>" in both["html"] and "source" not in both
    assert client.get(f"{REST}/revision/2147483647/html").status_code == 404


def test_titles_ending_like_a_route_stay_pages(client: TestClient) -> None:
    for name in ("Eval/topics", "Eval/undo", "Eval/rollback"):
        made = client.post(f"{REST}/page", json={"title": name, "source": f"isi {name}"})
        assert made.status_code == 201, made.text
        location = made.headers["location"]
        assert location.endswith(name.replace("/", "%2F"))
        got = client.get(location.removeprefix("http://testserver"))
        assert got.status_code == 200 and got.json()["title"] == name, got.text
        latest = got.json()["latest"]["id"]
        put = client.put(
            location.removeprefix("http://testserver"),
            json={"source": "baru", "latest": {"id": latest}},
        )
        assert put.status_code == 200 and put.json()["title"] == name, put.text
    assert client.post(f"{REST}/page/Eval%2Fundo", json={"undo": 1}).status_code == 405
