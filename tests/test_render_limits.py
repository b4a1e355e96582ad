"""Hostile text cannot burn CPU: construct limits, a render budget with a plain-text fallback,
and previews rate-limited like saves (issue 19, item 2). ``bench/render_bench.py`` measures
the cost per KB; these tests check the behaviour, never a duration."""

from __future__ import annotations

import dataclasses
import gc
import html
import re

import pytest
from starlette.testclient import TestClient

from tests.conftest import BASE_RE, TOKEN_RE, edit
from wiki.app import create_app
from wiki.settings import Settings
from wiki.text import complexity, markup

#: The inputs reported in the issue (the 2 MiB one a little smaller than the page limit).
HOSTILE = {
    "nested brackets": "[" * 50_000 + "x" + "]" * 50_000,
    "60 KB of [[": "[[" * 30_000,
    "20k footnotes": "".join(f"x[^{i}]\n\n[^{i}]: n{i}\n\n" for i in range(20_000)),
    "2 MiB of [x](": "[x](" * (2 * 1024 * 1024 // 4 - 1024),
}
TYPICAL = "# Title\n\nSome *text* with a [[Link]] and a [site](https://example.org).[^1]\n\n"
TYPICAL += "[^1]: A source.\n"


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_inputs_break_a_limit_and_render_as_plain_text(name: str) -> None:
    text = HOSTILE[name]
    found = complexity.problem(text)
    assert found is not None and "limit is" in found.msgid
    rendered = markup.render(text)
    assert rendered.plain and rendered.links == [] and rendered.headings == []
    assert markup.FALLBACK_PLACEHOLDER in rendered.html
    assert html.escape(text[:200]) in rendered.html
    assert markup.sections(text) == []
    assert markup.plain_text(text) == text


def test_typical_text_is_within_the_limits() -> None:
    assert complexity.problem(TYPICAL * 500) is None
    assert not markup.render(TYPICAL).plain
    assert complexity.nesting("[a [b] [c [d]]] ]]] [[") == 3


def test_a_render_over_its_cpu_budget_falls_back_to_plain_text() -> None:
    text = TYPICAL * 200  # well within the limits, but given no time at all
    assert complexity.problem(text) is None
    assert markup.render(text, budget=0.0).plain
    # A collection of the whole heap (after other tests) counts as this thread's CPU time and
    # can outlast a small page's budget; that fallback is not cached (tested below).
    gc.collect()
    gc.disable()
    try:
        assert not markup.render(text).plain
    finally:
        gc.enable()


def test_a_fallback_for_lack_of_time_is_not_stored(
    client: TestClient, app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(complexity, "render_budget", lambda text: 0.0)
    text = TYPICAL * 200
    assert edit(client, "Busy", text).status_code == 303
    assert "too much markup" in client.get("/wiki/Busy").text
    monkeypatch.undo()
    app = create_app(app_settings)  # another process: only the database is shared
    try:
        with TestClient(app, base_url="http://testserver") as other:
            page = other.get("/wiki/Busy")
            assert "too much markup" not in page.text and 'id="title"' in page.text
    finally:
        app.state.wiki.db.dispose()


def test_budget_grows_with_size_and_has_a_ceiling() -> None:
    small, big = complexity.render_budget("x"), complexity.render_budget("x" * 1024 * 100)
    assert small < big <= complexity.RENDER_BUDGET_MAX
    assert complexity.render_budget("x" * 100 * 1024 * 1024) == complexity.RENDER_BUDGET_MAX


def _form_post(c: TestClient, title: str, text: str, button: str) -> tuple[int, str]:
    form = c.get(f"/wiki/{title}?action=edit")
    token, base = TOKEN_RE.search(form.text), BASE_RE.search(form.text)
    assert token and base
    r = c.post(
        f"/wiki/{title}?action=submit",
        data={
            "wpEditToken": token.group(1),
            "wpBaseRevId": base.group(1),
            "wpTextbox1": text,
            button: "1",
        },
    )
    return r.status_code, r.text


def _textarea(page: str) -> str:
    m = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)
    assert m, page[:500]
    return html.unescape(m.group(1)).lstrip("\n")


def test_saves_and_previews_over_a_limit_are_refused_with_the_text_kept(
    client: TestClient,
) -> None:
    text = "Intro\n\n" + "[[A]] " * (complexity.MAX_LINKS + 1)
    for button in ("wpSave", "wpPreview"):
        status, page = _form_post(client, "Heavy", text, button)
        assert status == 413, button
        assert f"{complexity.MAX_LINKS + 1} links" in html.unescape(page)
        assert _textarea(page).strip() == text.strip()
    bot = TestClient(client.app, base_url="http://testserver")  # no session: no CSRF token
    api = bot.post("/w/rest.php/v1/page", json={"title": "Heavy", "source": text})
    assert api.status_code == 413 and "links" in api.json()["message"]
    assert client.get("/wiki/Heavy").status_code == 404  # nothing was saved
    assert edit(client, "Light", TYPICAL).status_code == 303


def test_refusal_is_translated(client: TestClient) -> None:
    text = "[^n]" * (complexity.MAX_FOOTNOTES + 1)
    client.cookies.set("gotong_lang", "id")
    status, page = _form_post(client, "Catatan", text, "wpSave")
    assert status == 413 and "tanda catatan kaki" in html.unescape(page)


def test_a_stored_page_over_the_limits_is_shown_as_plain_text(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = "<b>not html</b> " + "[[" * (complexity.MAX_LINKS + 10)
    monkeypatch.setattr(complexity, "check", lambda text: None)  # saved before the limits
    assert edit(client, "Old_heavy", hostile).status_code == 303
    page = client.get("/wiki/Old_heavy")
    assert page.status_code == 200
    assert "too much markup" in page.text and 'class="render-plain"' in page.text
    assert "&lt;b&gt;not html&lt;/b&gt;" in page.text and "<b>not html" not in page.text
    assert "\x03" not in page.text
    page_id = client.get("/wiki/Old_heavy?uselang=id").text
    assert "terlalu banyak markah" in page_id


def test_previews_are_rate_limited_like_saves(settings: Settings) -> None:
    limited = dataclasses.replace(settings, rate_limits="preview:anon=2/600,edit:anon=100/600")
    app = create_app(limited)
    try:
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
            for _ in range(2):
                assert _form_post(c, "Draft", "Some text", "wpPreview")[0] == 200
            status, page = _form_post(c, "Draft", "Kept words", "wpPreview")
            assert status == 429 and "too many previews" in page
            assert _textarea(page).strip() == "Kept words"
            assert _form_post(c, "Draft", "Kept words", "wpDiff")[0] == 429
            assert _form_post(c, "Draft", "Saved words", "wpSave")[0] == 303
    finally:
        app.state.wiki.db.dispose()
