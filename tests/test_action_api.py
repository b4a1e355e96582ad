"""The Action API at /w/api.php through the real app: conventions, credentials, query modules."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import edit, login, make_user, token_of
from wiki.db import Database
from wiki.settings import Settings

API = "/w/api.php"
VANDAL_IP = "203.0.113.5"


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    """The test client is a trusted proxy, so a test can edit from a real-looking IP."""
    return dataclasses.replace(settings, trusted_proxies="testclient")  # type: ignore[type-var]


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


def post(client: TestClient, **params: Any) -> Any:
    r = client.post(API, data={"format": "json", **params})
    assert r.status_code == 200, r.text
    return r.json()


def csrf(client: TestClient) -> str:
    token: str = q(client, action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
    return token


def test_edit_merges_from_a_base_revision_and_refuses_overlaps(client: TestClient) -> None:
    token = csrf(client)
    made = post(client, action="edit", title="Rencana", text="satu\n\ndua\n\ntiga", token=token)
    assert made["edit"]["new"] == "" and made["edit"]["contentmodel"] == "markdown"
    base = made["edit"]["newrevid"]
    post(client, action="edit", title="Rencana", text="SATU\n\ndua\n\ntiga", token=token)
    merged = post(
        client,
        action="edit",
        title="Rencana",
        text="satu\n\ndua\n\nTIGA",
        baserevid=str(base),
        token=token,
    )
    assert merged["edit"]["result"] == "Success", merged
    text = q(client, action="query", prop="revisions", titles="Rencana", rvprop="content")
    assert next(iter(text["query"]["pages"].values()))["revisions"][0]["*"] == "SATU\n\ndua\n\nTIGA"
    clash = post(
        client,
        action="edit",
        title="Rencana",
        text="Satu!\n\ndua\n\ntiga",
        baserevid=str(base),
        token=token,
    )
    assert clash["error"]["code"] == "editconflict"
    assert (
        post(client, action="edit", title="Rencana", text="x", token="bad")["error"]["code"]
        == "badtoken"
    )
    assert (
        post(client, action="edit", title="Baru", text="x", nocreate="1", token=token)["error"][
            "code"
        ]
        == "missingtitle"
    )
    assert (
        post(client, action="edit", title="Rencana", text="x", createonly="1", token=token)[
            "error"
        ]["code"]
        == "articleexists"
    )
    wikitext = post(
        client, action="edit", title="Rencana", text="x", contentmodel="wikitext", token=token
    )
    assert wikitext["error"]["code"] == "badformat"
    appended = post(client, action="edit", title="Rencana", appendtext="\n\nempat", token=token)
    assert appended["edit"]["result"] == "Success"
    other = post(client, action="edit", title="Lain", text="x", token=token)["edit"]["newrevid"]
    wrong = post(
        client, action="edit", title="Rencana", text="y", baserevid=str(other), token=token
    )
    assert wrong["error"]["code"] == "nosuchrevid"


def test_rollback_and_patrol_through_the_api(client: TestClient, db: Database) -> None:
    make_user(db, "Penulis")
    make_user(db, "Patroli", groups=("patroller",))
    login(client, "Penulis")
    assert edit(client, "Target", "baik").status_code == 303
    client.cookies.clear()
    r = client.post(
        API,
        data={
            "format": "json",
            "action": "edit",
            "title": "Target",
            "text": "RUSAK",
            "token": "+\\",
        },
        headers={"X-Forwarded-For": VANDAL_IP},
    )
    vandal = r.json()
    assert vandal["edit"]["result"] == "Success", vandal
    password = bot_password(client, db, "Patroli", ("editpage", "rollback", "patrol"))
    assert api_login(client, "Patroli@tool", password)["result"] == "Success"
    token = csrf(client)
    me = q(client, action="query", meta="userinfo", uiprop="rights|groups")["query"]["userinfo"]
    assert "patrol" in me["rights"] and "rollback" in me["rights"], me
    rc = q(client, action="query", list="recentchanges", rcprop="ids|patrolled|title|user")
    vandal_rc = rc["query"]["recentchanges"][0]
    assert vandal_rc["user"] == VANDAL_IP and vandal_rc["unpatrolled"] == "", str(vandal_rc)
    done = post(client, action="rollback", title="Target", user=VANDAL_IP, token=token)
    assert done["rollback"]["title"] == "Target", done
    page = q(client, action="query", prop="revisions", titles="Target", rvprop="content|user")
    latest = next(iter(page["query"]["pages"].values()))["revisions"][0]
    assert latest["*"] == "baik" and latest["user"] == "Patroli"
    marked = post(client, action="patrol", rcid=str(vandal_rc["rcid"]), token=token)
    assert marked["patrol"]["rcid"] == vandal_rc["rcid"]
    # Without the rollback grant, the same patroller may not roll back.
    client.cookies.clear()
    password = bot_password(client, db, "Patroli", ("editpage",))
    assert api_login(client, "Patroli@tool", password)["result"] == "Success"
    refused = post(client, action="rollback", title="Target", user="Patroli", token=csrf(client))
    assert refused["error"]["code"] == "permissiondenied", refused


def test_parse_compare_and_opensearch(client: TestClient) -> None:
    token = csrf(client)
    first = post(
        client, action="edit", title="Urai", text="# Judul\n\nLihat [[Lain]].", token=token
    )
    second = post(
        client, action="edit", title="Urai", text="# Judul\n\nLihat [[Lain]] lagi.", token=token
    )
    parsed = q(client, action="parse", page="Urai", formatversion="2")["parse"]
    assert "<h1" in parsed["text"] and parsed["sections"][0]["line"] == "Judul"
    given = q(client, action="parse", text="**tebal** <script>x</script>")["parse"]["text"]["*"]
    assert "<strong>tebal</strong>" in given and "<script>" not in given
    diff = q(
        client,
        action="compare",
        fromrev=first["edit"]["newrevid"],
        torev=second["edit"]["newrevid"],
    )["compare"]
    assert "lagi" in diff["*"] and diff["totitle"] == "Urai"
    assert (
        q(client, action="compare", fromrev="1", torev="2147483648")["error"]["code"]
        == "outofrange"
    )
    r = client.get(API, params={"action": "opensearch", "search": "Ura", "format": "json"})
    assert r.json()[0] == "Ura" and isinstance(r.json()[1], list)


def test_category_members_backlinks_and_watchlist(client: TestClient, db: Database) -> None:
    token = csrf(client)
    for i in range(3):
        post(
            client,
            action="edit",
            title=f"Anggota {i}",
            text=f"[[Induk]] [[Kategori:Uji]] {i}",
            token=token,
        )
    post(client, action="edit", title="Kategori:Sub", text="[[Category:Uji]]", token=token)
    members: list[str] = []
    params: dict[str, str] = {
        "action": "query",
        "list": "categorymembers",
        "cmtitle": "Category:Uji",
        "cmlimit": "2",
    }
    while True:
        data = q(client, **params)
        members += [m["title"] for m in data["query"]["categorymembers"]]
        if "continue" not in data:
            break
        params.update(data["continue"])
    assert members == ["Category:Sub", "Anggota 0", "Anggota 1", "Anggota 2"]
    links = q(client, action="query", list="backlinks", bltitle="Induk", bllimit="10")
    assert sorted(b["title"] for b in links["query"]["backlinks"]) == [
        "Anggota 0",
        "Anggota 1",
        "Anggota 2",
    ]
    assert q(client, action="query", list="watchlist")["error"]["code"] == "notloggedin"
    make_user(db, "Pengamat")
    login(client, "Pengamat")
    token = csrf(client)
    assert (
        post(client, action="watch", titles="Anggota 1", token=token)["watch"][0]["watched"] == ""
    )
    client.cookies.clear()
    post(client, action="edit", title="Anggota 1", text="berubah", token="+\\")
    login(client, "Pengamat")
    watched = q(client, action="query", list="watchlist")["query"]["watchlist"]
    assert [w["title"] for w in watched] == ["Anggota 1", "Anggota 1"]
