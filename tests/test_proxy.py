"""Behind a reverse proxy: client addresses, https and the Host header (issue 19, items 3–5)."""

from __future__ import annotations

import contextlib
import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from wiki.accounts import blocks
from wiki.app import create_app
from wiki.db import Database
from wiki.patrol import logs
from wiki.settings import Settings
from wiki.web.proxy import canonical_ip, client_ip
from wiki.web.security import SESSION_COOKIE

ATOM = "{http://www.w3.org/2005/Atom}"


@contextlib.contextmanager
def _client(settings: Settings, **changes: object) -> Iterator[TestClient]:
    app = create_app(dataclasses.replace(settings, **changes))  # type: ignore[arg-type]
    try:
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
            yield c
    finally:
        app.state.wiki.db.dispose()


@pytest.fixture
def proxied(settings: Settings) -> Iterator[TestClient]:
    """A client whose peer ("testclient") is a trusted proxy."""
    with _client(settings, trusted_proxies="testclient") as c:
        yield c


def _create(c: TestClient, title: str, ip: str) -> int:
    r = c.post(
        "/w/rest.php/v1/page",
        json={"title": title, "source": f"text from {ip}"},
        headers={"X-Forwarded-For": ip},
    )
    return r.status_code


# --- item 3: IPv4-mapped IPv6 -----------------------------------------------------------------


def test_canonical_ip_unmaps_ipv4_and_canonicalises_ipv6() -> None:
    assert canonical_ip("::ffff:10.9.9.7") == "10.9.9.7"
    assert canonical_ip("::FFFF:0a09:0907") == "10.9.9.7"
    assert canonical_ip("2001:DB8:0:0::1") == "2001:db8::1"
    assert canonical_ip("not an ip") is None
    trusted = frozenset({"127.0.0.1"})
    # A dual-stack socket reports the proxy as ::ffff:127.0.0.1: it is still the proxy.
    assert client_ip("::ffff:127.0.0.1", "::ffff:10.9.9.7", trusted) == "10.9.9.7"
    assert client_ip("::ffff:192.0.2.1", "10.9.9.7", trusted) == "192.0.2.1"


def test_mapped_address_does_not_escape_a_range_block(proxied: TestClient, db: Database) -> None:
    with db.write() as s:
        blocks.block(
            s,
            "10.9.9.0/24",
            expires_at=None,
            reason="vandal range",
            allow_usertalk=False,
            block_createaccount=True,
            performer=logs.Performer("Admin"),
        )
    for ip in ("10.9.9.7", "::ffff:10.9.9.7", "::ffff:a09:907"):
        r = proxied.get("/wiki/Special:CreateAccount", headers={"X-Forwarded-For": ip})
        assert r.status_code == 403 and "vandal range" in r.text, ip
        assert _create(proxied, f"Blocked {ip}", ip) == 403, ip
    assert _create(proxied, "Free", "10.9.10.1") == 201


def test_a_block_on_a_mapped_address_is_a_block_on_the_ipv4(
    proxied: TestClient, db: Database
) -> None:
    with db.write() as s:
        target, _ = blocks.parse_target(s, "::ffff:10.9.9.7")
        assert target == "10.9.9.7"
        blocks.block(
            s,
            "::ffff:10.9.9.7",
            expires_at=None,
            reason="one address",
            allow_usertalk=False,
            block_createaccount=False,
            performer=logs.Performer("Admin"),
        )
    assert _create(proxied, "Plain", "10.9.9.7") == 403


def test_mapped_address_shares_the_rate_limit_and_the_name(settings: Settings) -> None:
    with _client(settings, trusted_proxies="testclient", rate_limits="edit:anon=2/600") as c:
        assert _create(c, "One", "10.9.9.7") == 201
        assert _create(c, "Two", "::ffff:10.9.9.7") == 201
        assert _create(c, "Three", "::ffff:10.9.9.7") == 429
        assert _create(c, "Other", "10.9.9.8") == 201
        history = c.get("/w/rest.php/v1/page/Two/history").json()
        assert [rev["user"]["name"] for rev in history["revisions"]] == ["10.9.9.7"]


# --- item 4: https behind a proxy -------------------------------------------------------------


def _form_cookie(c: TestClient, headers: dict[str, str]) -> tuple[str, str | None]:
    r = c.get("/wiki/Main_Page?action=edit", headers=headers)
    assert r.status_code == 200
    cookie = next(
        v for k, v in r.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v
    )
    return cookie, r.headers.get("strict-transport-security")


def test_forwarded_https_from_a_trusted_proxy_gives_secure_cookie_and_hsts(
    settings: Settings,
) -> None:
    with _client(settings, trusted_proxies="testclient", hsts_seconds=600) as c:
        cookie, hsts = _form_cookie(c, {"X-Forwarded-Proto": "https"})
        assert "secure" in cookie.lower() and hsts == "max-age=600"
        cookie, hsts = _form_cookie(c, {"X-Forwarded-Proto": "http"})
        assert "secure" not in cookie.lower() and hsts is None
    with _client(settings, trusted_proxies="testclient", hsts_seconds=0) as c:
        cookie, hsts = _form_cookie(c, {"X-Forwarded-Proto": "https"})
        assert "secure" in cookie.lower() and hsts is None


def test_forwarded_proto_from_anyone_else_is_ignored(client: TestClient) -> None:
    cookie, hsts = _form_cookie(client, {"X-Forwarded-Proto": "https"})
    assert "secure" not in cookie.lower() and hsts is None


# --- item 5: the Host header ------------------------------------------------------------------


def test_absolute_urls_come_from_the_server_url(settings: Settings) -> None:
    origin = "https://wiki.example.org"
    with _client(settings, server_url=origin + "/") as c:
        r = c.post(
            "/w/rest.php/v1/page",
            json={"title": "Located", "source": "x"},
            headers={"Host": "wiki.example.org"},
        )
        assert r.status_code == 201
        assert r.headers["location"].startswith(origin + "/w/rest.php/v1/page/")
        history = c.get("/w/rest.php/v1/page/Located/history", headers={"Host": "wiki.example.org"})
        assert history.json()["latest"].startswith(origin + "/w/rest.php/")
        feed = c.get("/wiki/Located?action=history&feed=atom", headers={"Host": "wiki.example.org"})
        assert feed.status_code == 200
        root = ET.fromstring(feed.content)
        urls = [root.findtext(f"{ATOM}id") or ""]
        urls += [e.findtext(f"{ATOM}id") or "" for e in root.iter(f"{ATOM}entry")]
        urls += [link.get("href", "") for link in root.iter(f"{ATOM}link")]
        assert len(urls) > 3 and all(u.startswith(origin + "/") for u in urls), urls


def test_other_hosts_are_refused_when_the_server_url_is_set(settings: Settings) -> None:
    with _client(
        settings, server_url="https://wiki.example.org", allowed_hosts="10.0.0.5:8000"
    ) as c:
        for host in ("evil.example", "wiki.example.org.evil.example", ""):
            r = c.get("/wiki/Main_Page", headers={"Host": host})
            assert r.status_code == 400, host
            assert "evil" not in r.text
            r = c.post(
                "/w/rest.php/v1/page", json={"title": "X", "source": "y"}, headers={"Host": host}
            )
            assert r.status_code == 400
        for host in ("wiki.example.org", "WIKI.example.org:443", "10.0.0.5:8000"):
            assert c.get("/wiki/Main_Page", headers={"Host": host}).status_code == 404, host


def test_without_a_server_url_urls_follow_the_host(client: TestClient) -> None:
    r = client.post("/w/rest.php/v1/page", json={"title": "Here", "source": "x"})
    assert r.status_code == 201 and r.headers["location"].startswith("http://testserver/")


@pytest.mark.parametrize("bad", ["wiki.example.org", "ftp://wiki.example.org", "https://x/wiki"])
def test_server_url_must_be_an_origin(settings: Settings, bad: str) -> None:
    from wiki.errors import ConfigError

    with pytest.raises(ConfigError):
        dataclasses.replace(settings, server_url=bad).validated()
