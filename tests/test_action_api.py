"""The Action API at /w/api.php through the real app: conventions, credentials, query modules."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from tests.conftest import edit, login, make_user, token_of
from wiki.db import Database

API = "/w/api.php"


def q(client: TestClient, **params: Any) -> Any:
    r = client.get(API, params={"format": "json", **params})
    assert r.status_code == 200, r.text
    return r.json()


def bot_password(client: TestClient, db: Database, name: str, grants: tuple[str, ...]) -> str:
    """Create ``name`` and a bot password for it through Special:BotPasswords."""
    login(client, name)
    token = token_of(client, "/wiki/Special:BotPasswords")
    r = client.post(
        "/wiki/Special:BotPasswords",
        data={"wpEditToken": token, "app_id": "tool", "grant": list(grants)},
    )
    assert r.status_code == 200, r.text[:300]
    m = re.search(r'id="new-bot-password">([0-9a-f]+)<', r.text)
    assert m, r.text
    client.cookies.clear()
    return m.group(1)


def api_login(client: TestClient, name: str, password: str) -> dict[str, Any]:
    token = q(client, action="query", meta="tokens", type="login")["query"]["tokens"]["logintoken"]
    r = client.post(
        API,
        data={
            "action": "login",
            "format": "json",
            "lgname": name,
            "lgpassword": password,
            "lgtoken": token,
        },
    )
    return r.json()["login"]  # type: ignore[no-any-return]


def test_siteinfo_reports_a_compatible_version_and_localised_namespaces(client: TestClient) -> None:
    data = q(client, action="query", meta="siteinfo", siprop="general|namespaces|namespacealiases")
    general = data["query"]["general"]
    assert re.match(r"MediaWiki 1\.43 \(Gotong [\d.]+ compatible API\)$", general["generator"])
    assert general["contentmodel"] == "markdown"
    assert data["query"]["namespaces"]["1"]["*"] == "Talk"
    assert {"id": 3, "*": "Pembicaraan Pengguna"} in data["query"]["namespacealiases"]
    v2 = q(client, action="query", meta="siteinfo", siprop="namespaces", formatversion="2")
    assert v2["query"]["namespaces"]["1"]["name"] == "Talk"
    assert v2["batchcomplete"] is True


def test_errors_use_mediawiki_codes(client: TestClient) -> None:
    r = client.get(API, params={"action": "nope", "format": "json"})
    assert r.headers["mediawiki-api-error"] == "badvalue"
    assert r.json()["error"]["code"] == "badvalue"
    assert (
        q(client, action="query", meta="userinfo", **{"assert": "user"})["error"]["code"]
        == "assertuserfailed"
    )
    plain = q(client, action="query", list="recentchanges", rclimit="x", errorformat="plaintext")
    assert plain["errors"][0]["code"] == "badinteger"
    assert q(client, action="query", meta="userinfo", servedby="1", curtimestamp="1")["servedby"]
    assert q(client, action="query", meta="userinfo", maxlag="5")["query"]["userinfo"]["anon"] == ""


def test_bot_password_login_limits_rights_to_its_grants(client: TestClient, db: Database) -> None:
    make_user(db, "Robo", groups=("patroller",))
    password = bot_password(client, db, "Robo", ("editpage",))
    assert api_login(client, "Robo@tool", "wrong")["result"] == "Failed"
    assert api_login(client, "Robo", password)["result"] == "Failed"  # the main name: no
    result = api_login(client, "Robo@tool", password)
    assert result["result"] == "Success" and result["lgusername"] == "Robo"
    info = q(client, action="query", meta="userinfo", uiprop="groups|rights")["query"]["userinfo"]
    assert info["name"] == "Robo" and "patroller" in info["groups"]
    assert "edit" in info["rights"] and "patrol" not in info["rights"]  # no patrol grant
    # A bot-password session cannot make itself more credentials.
    assert client.get("/wiki/Special:BotPasswords").status_code == 403


def test_revisions_and_recentchanges_continue(client: TestClient) -> None:
    for i in range(7):
        assert edit(client, f"Page_{i}", f"text {i}").status_code == 303
    data = q(
        client,
        action="query",
        prop="revisions|info",
        titles="Page_3",
        rvprop="content|ids|timestamp|user",
        rvslots="main",
    )
    page = next(iter(data["query"]["pages"].values()))
    assert page["title"] == "Page 3" and page["contentmodel"] == "markdown"
    assert page["revisions"][0]["slots"]["main"]["*"] == "text 3"
    assert data["query"]["normalized"] == [{"from": "Page_3", "to": "Page 3"}]
    missing = q(client, action="query", prop="info", titles="Nope", formatversion="2")
    assert missing["query"]["pages"][0]["missing"] is True
    seen: list[str] = []
    params: dict[str, str] = {
        "action": "query",
        "list": "recentchanges",
        "rclimit": "3",
        "rcprop": "title|ids",
    }
    batches = 0
    while True:
        data = q(client, **params)
        batches += 1
        seen += [rc["title"] for rc in data["query"]["recentchanges"]]
        if "continue" not in data:
            break
        params.update(data["continue"])
    assert batches == 3
    assert seen == [f"Page {i}" for i in reversed(range(7))]
    bad = q(client, action="query", list="recentchanges", rccontinue="x|2147483648")
    assert bad["error"]["code"] == "badcontinue"
