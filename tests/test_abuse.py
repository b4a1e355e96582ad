"""Abuse rules (wiki.patrol.abuse): each action over HTTP, the time budget, Special:AbuseFilter and
Special:AbuseLog, and the disabled seed set."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.conftest import BASE_RE, TOKEN_RE, edit
from tests.patrolkit import as_user, browser, post
from wiki import migrations
from wiki.db import Database, make_engine
from wiki.models import AbuseHit, AbuseRule, Revision
from wiki.patrol import abuse
from wiki.text.titles import Title

IP = "198.51.100.9"
API = "/w/rest.php/v1"


def _rule(db: Database, **fields: Any) -> int:
    values: dict[str, Any] = {
        "name": "test rule",
        "enabled": True,
        "pattern": "",
        "namespaces": "",
        "new_users_only": False,
        "actions": "log",
        "throttle_count": 3,
        "message": "Stop that.",
    }
    values.update(fields)
    with db.write() as s:
        rule = AbuseRule(**values)
        s.add(rule)
        s.flush()
        return rule.id


def _submit(c: TestClient, title: str, text: str, **extra: str) -> httpx.Response:
    form = c.get(f"/wiki/{title}?action=edit")
    token, base = TOKEN_RE.search(form.text), BASE_RE.search(form.text)
    assert token and base, form.text[:500]
    data = {
        "wpEditToken": token.group(1),
        "wpBaseRevId": base.group(1),
        "wpTextbox1": text,
        "wpSummary": "",
        "wpSave": "1",
        **extra,
    }
    return c.post(f"/wiki/{title}?action=submit", data=data)


def _hits(db: Database) -> list[tuple[int, str, str]]:
    with db.read() as s:
        return [
            (h.rule_id, h.user_text, h.action)
            for h in s.scalars(select(AbuseHit).order_by(AbuseHit.id))
        ]


def _revisions(db: Database) -> int:
    with db.read() as s:
        return len(s.scalars(select(Revision.id)).all())


def test_disallow_refuses_and_keeps_the_text(client: TestClient, db: Database) -> None:
    assert edit(client, "Halaman", "Isi yang baik.", summary="awal").status_code == 303
    rid = _rule(db, pattern="(?i)beli obat", actions="disallow", new_users_only=True)
    ip = browser(client.app, IP)
    before = _revisions(db)
    r = _submit(ip, "Halaman", "Isi yang baik. BELI OBAT murah di sini")
    assert r.status_code == 403
    assert "Stop that." in r.text
    assert "BELI OBAT murah di sini</textarea>" in r.text  # the text comes back in the form
    assert _revisions(db) == before
    assert _hits(db) == [(rid, IP, "disallow")]
    # Autoconfirmed editors are not concerned by a new-users-only rule.
    old_hand = as_user(client.app, db, "Lama", autoconfirmed=True)
    assert _submit(old_hand, "Halaman", "Isi yang baik. beli obat").status_code == 303


def test_warn_then_acknowledge(client: TestClient, db: Database) -> None:
    assert edit(client, "Halaman", "Isi yang baik.", summary="awal").status_code == 303
    rid = _rule(db, pattern="gratis", actions="warn", message="Are you advertising?")
    ip = browser(client.app, IP)
    first = _submit(ip, "Halaman", "Isi yang baik. Semua gratis!")
    assert first.status_code == 200 and "Are you advertising?" in first.text
    assert f'name="wpAbuseAck" value="{rid}"' in first.text
    assert _revisions(db) == 1
    second = _submit(ip, "Halaman", "Isi yang baik. Semua gratis!", wpAbuseAck=str(rid))
    assert second.status_code == 303
    assert _revisions(db) == 2
    assert [a for _, _, a in _hits(db)] == ["warn", "log"]


def test_tag_tags_the_recent_change(client: TestClient, db: Database) -> None:
    assert edit(client, "Halaman", "Isi yang baik.", summary="awal").status_code == 303
    rid = _rule(db, pattern="http://", actions="tag")
    ip = browser(client.app, IP)
    assert _submit(ip, "Halaman", "Isi yang baik. http://contoh.example").status_code == 303
    tag = abuse.tag_of(rid)
    listing = client.get(f"/wiki/Special:RecentChanges?tag={tag}&hidelogs=1").text
    assert f'data-tag="{tag}"' in listing and "Halaman" in listing
    assert _hits(db) == [(rid, IP, "tag")]


def test_log_only_logs(client: TestClient, db: Database) -> None:
    assert edit(client, "Halaman", "Isi yang baik.", summary="awal").status_code == 303
    rid = _rule(db, max_delta=-5, actions="log")  # removes text
    ip = browser(client.app, IP)
    assert _submit(ip, "Halaman", "Isi.").status_code == 303
    assert _submit(ip, "Halaman", "Isi. Tambah kalimat panjang.").status_code == 303  # grows
    assert _hits(db) == [(rid, IP, "log")]


def test_throttle_refuses_after_n_hits_in_an_hour(client: TestClient, db: Database) -> None:
    assert edit(client, "Halaman", "Isi.", summary="awal").status_code == 303
    rid = _rule(db, pattern="promo", actions="throttle", throttle_count=2)
    ip = browser(client.app, IP)
    assert _submit(ip, "Halaman", "Isi. promo 1").status_code == 303
    assert _submit(ip, "Halaman", "Isi. promo 2").status_code == 303
    third = _submit(ip, "Halaman", "Isi. promo 3")
    assert third.status_code == 429 and "promo 3</textarea>" in third.text
    assert [a for _, _, a in _hits(db)] == ["log", "log", "throttle"]
    assert all(r == rid for r, _, _ in _hits(db))


def test_catastrophic_pattern_cannot_stall_a_save(client: TestClient, db: Database) -> None:
    assert edit(client, "Halaman", "Isi.", summary="awal").status_code == 303
    _rule(db, pattern="(a+)+$", actions="disallow")
    ip = browser(client.app, IP)
    assert _submit(ip, "Halaman", "Isi. " + "a" * 20000 + "b").status_code == 303
    assert _hits(db) == []  # linear time (RE2), and no match: saved


def test_rules_past_the_budget_count_as_not_matched_and_are_logged(db: Database) -> None:
    rid = _rule(db, pattern="x", actions="disallow")
    attempt = abuse.Attempt(Title(0, "T"), "", "x", "", None, IP, newbie=True)
    with db.write() as s:
        out = abuse.evaluate(s, attempt, budget_ms=0)
        abuse.record(s, out)
    assert out.refusal is None and out.cut_off == [rid] and out.matched == []
    assert _hits(db) == [(rid, IP, "cutoff")]


def test_api_disallow_and_warn(client: TestClient, db: Database) -> None:
    r = client.post(f"{API}/page", json={"title": "Api", "source": "awal", "comment": ""})
    assert r.status_code == 201
    latest = r.json()["latest"]["id"]
    _rule(db, pattern="terlarang", actions="disallow", message="No.")
    wid = _rule(db, pattern="hati-hati", actions="warn", message="Careful.")
    body = {"source": "awal terlarang", "comment": "", "latest": {"id": latest}}
    refused = client.put(f"{API}/page/Api", json=body)
    assert refused.status_code == 403 and "No." in refused.json()["message"]
    body["source"] = "awal hati-hati"
    warned = client.put(f"{API}/page/Api", json=body)
    assert warned.status_code == 409 and "Careful." in warned.json()["message"]
    ok = client.put(f"{API}/page/Api", json=body | {"abuse_acknowledged": [wid]})
    assert ok.status_code == 200, ok.text


def test_special_abusefilter_creates_rules_and_refuses_bad_patterns(
    client: TestClient, db: Database
) -> None:
    anon = browser(client.app, IP)
    assert anon.get("/wiki/Special:AbuseFilter").status_code == 200
    assert post(anon, "/wiki/Special:AbuseFilter/new", {"name": "x"}).status_code == 403
    admin = as_user(client.app, db, "Admin", groups=("admin",))
    form = {"name": "Iklan", "pattern": "(?i)diskon", "actions": "disallow", "enabled": "1"}
    r = post(admin, "/wiki/Special:AbuseFilter/new", form)
    assert r.status_code == 303, r.text[:800]
    with db.read() as s:
        rule = s.scalars(select(AbuseRule)).one()
        assert (rule.name, rule.pattern, rule.actions, rule.enabled) == (
            "Iklan",
            "(?i)diskon",
            "disallow",
            True,
        )
    listing = admin.get("/wiki/Special:AbuseFilter").text
    assert "Iklan" in listing
    bad = post(
        admin, f"/wiki/Special:AbuseFilter/{rule.id}?uselang=en", form | {"pattern": r"(a)\1"}
    )
    assert bad.status_code == 400 and "Backreferences" in bad.text
    assert 'value="Iklan"' in bad.text  # the form keeps what was typed
    broken = post(admin, "/wiki/Special:AbuseFilter/new?uselang=en", form | {"pattern": "(a"})
    assert broken.status_code == 400 and "not a valid regular expression" in broken.text
    no_action = post(admin, "/wiki/Special:AbuseFilter/new?uselang=en", {"name": "y"})
    assert no_action.status_code == 400
    with db.read() as s:
        assert s.scalars(select(AbuseRule.pattern)).all() == ["(?i)diskon"]


def test_abuse_log_details_for_patrollers_only(client: TestClient, db: Database) -> None:
    assert edit(client, "Halaman", "Isi.", summary="awal").status_code == 303
    _rule(db, pattern="rahasia", actions="log")
    ip = browser(client.app, IP)
    assert _submit(ip, "Halaman", "Isi. kata rahasia di sini").status_code == 303
    public = browser(client.app, "198.51.100.10").get("/wiki/Special:AbuseLog").text
    assert IP in public and 'data-action="log"' in public
    assert "kata rahasia di sini" not in public
    patroller = as_user(client.app, db, "Pat", groups=("patroller",))
    detailed = patroller.get("/wiki/Special:AbuseLog").text
    assert "kata rahasia di sini" in detailed


def test_migration_seeds_disabled_rules_that_compile(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrations.upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(select(AbuseRule.__table__)).mappings().all()
    finally:
        engine.dispose()
    assert len(rows) >= 3 and not any(r["enabled"] for r in rows)
    for row in rows:
        abuse.check_rule(AbuseRule(**dict(row)))
    repeated = next(r for r in rows if "Repeated" in r["name"])
    links = next(r for r in rows if "links" in r["name"])
    rule_map = {
        1: abuse._compiled(repeated["pattern"]),
        2: abuse._compiled(links["pattern"]),
    }
    from wiki.text.safe_regex import evaluate_all

    text = "wkwkwk HAHAHAAAAAAAAAAAA " + " ".join(f"https://s{i}.example" for i in range(5))
    assert evaluate_all(rule_map, text, 1000) == ([1, 2], [])
    assert evaluate_all(rule_map, "a normal sentence, https://one.example", 1000) == ([], [])


def test_seeded_rule_texts_show_in_the_readers_language(client: TestClient, db: Database) -> None:
    """The seeded rules are stored in English; their names and messages are in the catalogue."""
    name, message = abuse.SEED_TEXTS[4], abuse.SEED_TEXTS[5]
    _rule(db, name=name, message=message, pattern="(?s)(https?://.*){5}", actions="warn")
    _rule(db, name="Aturan sendiri 100%", message="", pattern="zzz", actions="warn")
    links = " ".join(f"https://contoh{i}.example" for i in range(6))
    client.get("/wiki/Main_Page?uselang=id")  # remembered in a cookie
    r = _submit(client, "Tautan", links)
    assert r.status_code == 200
    assert "Suntingan Anda menambahkan banyak pranala luar." in r.text
    rules = client.get("/wiki/Special:AbuseFilter?uselang=id").text
    assert "Banyak pranala luar dari pengguna baru" in rules
    assert "Aturan sendiri 100%" in rules  # a name of the wiki's own: shown as it is
    table = rules.split('class="list abuse-rules"', 1)[1]
    assert "peringatkan" in table and ">warn<" not in table
