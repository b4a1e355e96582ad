"""Helpers shared by the patrol tests: browsers with their own IP and login, HTML parsing."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import httpx
from starlette.testclient import TestClient

from tests.conftest import BASE_RE, TOKEN_RE, login, make_user
from wiki.db import Database


def browser(app: Any, ip: str = "192.0.2.10") -> TestClient:
    """A client of ``app`` connecting from ``ip`` (anonymous until it logs in)."""
    return TestClient(app, base_url="http://testserver", follow_redirects=False, client=(ip, 50000))


def as_user(
    app: Any,
    db: Database,
    name: str,
    *,
    groups: tuple[str, ...] = (),
    autoconfirmed: bool = True,
    ip: str = "192.0.2.20",
) -> TestClient:
    """A logged-in client for a new account ``name``."""
    make_user(db, name, groups=groups, autoconfirmed=autoconfirmed)
    c = browser(app, ip)
    login(c, name)
    return c


def save(
    c: TestClient, title: str, text: str, summary: str = "", minor: bool = False
) -> httpx.Response:
    """Save through the edit form, as a browser does; asserts it was saved."""
    title = title.replace(" ", "_")
    form = c.get(f"/wiki/{title}?action=edit")
    token, base = TOKEN_RE.search(form.text), BASE_RE.search(form.text)
    assert token and base, form.text[:500]
    data = {
        "wpEditToken": token.group(1),
        "wpBaseRevId": base.group(1),
        "wpTextbox1": text,
        "wpSummary": summary,
        "wpSave": "1",
    }
    if minor:
        data["wpMinoredit"] = "1"
    r = c.post(f"/wiki/{title}?action=submit", data=data)
    assert r.status_code == 303, r.text[:800]
    return r


def token(c: TestClient, url: str = "/wiki/Special:Login") -> str:
    """The CSRF token of ``c``'s session, from any form page."""
    m = TOKEN_RE.search(c.get(url).text)
    assert m, url
    return m.group(1)


def post(c: TestClient, url: str, data: dict[str, Any] | None = None) -> httpx.Response:
    """POST a form with the session's token."""
    return c.post(url, data={"wpEditToken": token(c), **(data or {})})


def api_headers(c: TestClient) -> dict[str, str]:
    r = c.get("/w/rest.php/v1/session")
    return {"X-CSRF-Token": r.json()["csrf_token"] or ""}


class Html(HTMLParser):
    """Elements with their attributes and text, to assert on structure rather than strings."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("input", "meta", "link", "br", "img", "col"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.elements
            if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())
        ]

    def by_class(self, cls: str) -> list[dict[str, Any]]:
        return [e for e in self.elements if cls in (e["attrs"].get("class") or "").split()]


def rc_rows(html: str) -> list[dict[str, Any]]:
    """The rows of a recent-changes or watchlist listing."""
    return [e for e in Html(html).by_class("mw-changeslist-line")]


def text_of(html: str) -> str:
    """The visible text of a page (tags dropped), for "absent everywhere" checks."""
    return re.sub(r"<[^>]+>", " ", html)
