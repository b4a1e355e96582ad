"""Two people edit one page at once in two browsers: one merges, one resolves a conflict."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.server import WikiServer

pytestmark = pytest.mark.browser

TITLE = "Dana desa"
TEXT = """Dana desa disalurkan setiap tahun.

## Sumber

Dana berasal dari anggaran negara.

## Penggunaan

Desa memakai dana untuk jalan dan sekolah.
"""


def test_one_merges_the_other_resolves_the_conflict(
    browser: Browser, live_server: WikiServer
) -> None:
    url = f"{live_server.url}/wiki/{quote(TITLE.replace(' ', '_'))}"
    with httpx.Client() as c:
        r = c.post(f"{live_server.url}/w/rest.php/v1/page", json={"title": TITLE, "source": TEXT})
        assert r.status_code == 201
    alice_ctx, bob_ctx, carol_ctx = (browser.new_context() for _ in range(3))
    alice, bob, carol = (ctx.new_page() for ctx in (alice_ctx, bob_ctx, carol_ctx))
    for p in (alice, bob, carol):
        p.set_default_timeout(8000)
        p.goto(url + "?action=edit")

    # Alice saves first: a change in the first paragraph.
    alice.locator("#wpTextbox1").fill(TEXT.replace("setiap tahun", "setiap tahun anggaran"))
    with alice.expect_navigation():
        alice.locator("button[name=wpSave]").click()

    # Bob started from the same revision and changed another section: merged cleanly.
    bob.locator("#wpTextbox1").fill(TEXT.replace("jalan dan sekolah", "jalan, air dan sekolah"))
    with bob.expect_navigation():
        bob.locator("button[name=wpSave]").click()
    expect(bob.locator(".notice.merged")).to_be_visible()
    expect(bob.locator(".article")).to_contain_text("setiap tahun anggaran")
    expect(bob.locator(".article")).to_contain_text("jalan, air dan sekolah")

    # Carol rewrote Alice's words too: the conflict screen, with both texts kept.
    carol.locator("#wpTextbox1").fill(TEXT.replace("setiap tahun", "dua kali setahun"))
    with carol.expect_navigation():
        carol.locator("button[name=wpSave]").click()
    expect(carol.locator("#conflict-title")).to_be_visible()
    proposal = carol.locator("#wpTextbox1").input_value()
    assert "dua kali setahun" in proposal and "setiap tahun anggaran" in proposal
    assert "<<<<<<<" in proposal
    # Her own text is one click away.
    carol.locator("#use-yours").click()
    assert "dua kali setahun" in carol.locator("#wpTextbox1").input_value()
    # She resolves it by hand and saves again.
    resolved = TEXT.replace("setiap tahun", "dua kali dalam setahun anggaran").replace(
        "jalan dan sekolah", "jalan, air dan sekolah"
    )
    carol.locator("#wpTextbox1").fill(resolved)
    with carol.expect_navigation():
        carol.locator("#editform button[name=wpSave]").click()
    expect(carol.locator(".article")).to_contain_text("dua kali dalam setahun anggaran")
    with httpx.Client() as c:
        raw = c.get(url + "?action=raw").text
    assert raw == resolved.rstrip()
    for ctx in (alice_ctx, bob_ctx, carol_ctx):
        ctx.close()
