"""Two people edit one page at once in two browsers: one merges, one resolves a conflict by
choosing per block (no raw markers, no JavaScript needed), in English and in Indonesian; text
that still holds a marked block is refused, kept and pointed out."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import GENEROUS_LIMITS
from tests.server import WikiServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WikiServer]:
    """A real server (2 workers) whose rate limits let these tests' anonymous saves through:
    every browser here shares one address."""
    env = {"WIKI_RATE_LIMITS": GENEROUS_LIMITS}
    with WikiServer(workers=2, data_dir=tmp_path_factory.mktemp("live"), env=env) as server:
        yield server


TEXT = """Dana desa disalurkan setiap tahun.

## Sumber

Dana berasal dari anggaran negara.

## Penggunaan

Desa memakai dana untuk jalan dan sekolah.
"""

LABELS = {
    "en": ("Edit conflict", "Keep theirs", "Keep mine", "Keep both", "Edit by hand:"),
    "id": (
        "Konflik penyuntingan",
        "Pakai versi mereka",
        "Pakai versi saya",
        "Pakai keduanya",
        "Sunting sendiri:",
    ),
}


@pytest.mark.parametrize("lang", ["en", "id"])
def test_one_merges_the_other_resolves_the_conflict(
    browser: Browser, live_server: WikiServer, lang: str
) -> None:
    title = f"Dana desa {lang}"
    url = f"{live_server.url}/wiki/{quote(title.replace(' ', '_'))}"
    with httpx.Client() as c:
        r = c.post(f"{live_server.url}/w/rest.php/v1/page", json={"title": title, "source": TEXT})
        assert r.status_code == 201
    contexts = [browser.new_context(locale=lang) for _ in range(3)]
    alice, bob, carol = (ctx.new_page() for ctx in contexts)
    for p in (alice, bob, carol):
        p.set_default_timeout(8000)
        p.goto(url + f"?action=edit&uselang={lang}")

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

    # Carol rewrote Alice's words too; her browser keeps a local draft as she types.
    carol.locator("#wpTextbox1").fill(TEXT.replace("setiap tahun", "dua kali setahun"))
    carol.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('gotong-draft:'))"
    )
    with carol.expect_navigation():
        carol.locator("button[name=wpSave]").click()
    heading, theirs, mine, both, by_hand = LABELS[lang]
    expect(carol.locator("#conflict-title")).to_have_text(heading)
    # No raw markers and no "restore draft" banner: one block, two columns, four choices.
    assert "<<<<<<<" not in carol.locator("main, body").first.inner_text()
    expect(carol.locator("#local-draft")).to_have_count(0)
    block = carol.locator("#conflict-block-0")
    expect(block.locator(".conflict-theirs")).to_contain_text("setiap tahun anggaran")
    expect(block.locator(".conflict-yours")).to_contain_text("dua kali setahun")
    for label in (theirs, mine, both, by_hand):
        expect(block.get_by_label(label, exact=True)).to_have_count(1)
    expect(carol.locator("#conflict-block-1")).to_have_count(0)
    # She edits the block by hand and saves: the server composes the page.
    block.get_by_label(by_hand, exact=True).check()
    block.locator("textarea").fill("Dana desa disalurkan dua kali dalam setahun anggaran.\n")
    with carol.expect_navigation():
        carol.locator("#editform button[name=wpSave]").click()
    expect(carol.locator(".article")).to_contain_text("dua kali dalam setahun anggaran")
    expect(carol.locator(".article")).not_to_contain_text("<<<<<<<")
    # Her browser's kept text is done with once the resolution is published.
    kept = "() => Object.keys(localStorage).filter(k => k.startsWith('gotong-draft:'))"
    assert carol.evaluate(kept) == []
    with httpx.Client() as c:
        raw = c.get(url + "?action=raw").text
    expected = TEXT.replace("setiap tahun", "dua kali dalam setahun anggaran").replace(
        "jalan dan sekolah", "jalan, air dan sekolah"
    )
    assert raw == expected.rstrip()
    for ctx in contexts:
        ctx.close()


@pytest.mark.parametrize("lang", ["en", "id"])
def test_text_with_a_marked_block_is_refused_and_kept(
    browser: Browser, live_server: WikiServer, lang: str
) -> None:
    """Pasting a marked block (or saving one from anywhere) never publishes it."""
    title = f"Penerima {lang}"
    url = f"{live_server.url}/wiki/{quote(title)}"
    with httpx.Client() as c:
        r = c.post(f"{live_server.url}/w/rest.php/v1/page", json={"title": title, "source": TEXT})
        assert r.status_code == 201
    ctx = browser.new_context(locale=lang)
    page = ctx.new_page()
    page.set_default_timeout(8000)
    page.goto(url + f"?action=edit&uselang={lang}")
    marked = TEXT.replace(
        "## Sumber\n",
        "<<<<<<< current\n## Sumber\n=======\n## Sumber dana\n>>>>>>> yours\n",
    )
    page.locator("#wpTextbox1").fill(marked)
    with page.expect_navigation():
        page.locator("button[name=wpSave]").click()
    alert = page.locator(".notice.error")
    expect(alert).to_contain_text("3")  # the line of the block
    expect(alert).to_contain_text("<<<<<<< current")
    expect(alert).to_contain_text(
        "unresolved conflict" if lang == "en" else "konflik yang belum diselesaikan"
    )
    assert page.locator("#wpTextbox1").input_value().replace("\r\n", "\n") == marked
    page.goto(url)
    expect(page.locator(".article")).not_to_contain_text("<<<<<<<")
    ctx.close()
