"""Edit conflicts, merges, section edits and drafts, over HTTP."""

from __future__ import annotations

import re

import httpx
from starlette.testclient import TestClient

from tests.conftest import BASE_RE, TOKEN_RE, edit

ARTICLE = """Intro tentang kebijakan.

## Latar belakang

Kebijakan ini dibuat pada tahun 2020 oleh pemerintah daerah.

## Dampak

Dampaknya dirasakan oleh warga desa.

## Sumber

Belum ada sumber.
"""


def open_form(client: TestClient, title: str, query: str = "") -> dict[str, str]:
    r = client.get(f"/wiki/{title}?action=edit{query}")
    assert r.status_code == 200
    token, base = TOKEN_RE.search(r.text), BASE_RE.search(r.text)
    assert token and base
    section = re.search(r'name="wpSection" value="([^"]*)"', r.text)
    box = re.search(r'<textarea id="wpTextbox1"[^>]*>(.*?)</textarea>', r.text, re.S)
    summary = re.search(r'id="wpSummary" name="wpSummary" maxlength="500" value="([^"]*)"', r.text)
    assert box and section and summary
    import html

    return {
        "wpEditToken": token.group(1),
        "wpBaseRevId": base.group(1),
        "wpSection": section.group(1),
        "wpTextbox1": html.unescape(box.group(1)),
        "wpSummary": html.unescape(summary.group(1)),
    }


def submit(client: TestClient, title: str, form: dict[str, str], text: str) -> httpx.Response:
    return client.post(
        f"/wiki/{title}?action=submit", data={**form, "wpTextbox1": text, "wpSave": "1"}
    )


def raw(client: TestClient, title: str) -> str:
    return client.get(f"/wiki/{title}?action=raw").text


def test_disjoint_edits_from_the_same_base_merge(client: TestClient) -> None:
    edit(client, "K", ARTICLE)
    alice = open_form(client, "K")
    bob = open_form(client, "K")
    r1 = submit(client, "K", alice, alice["wpTextbox1"].replace("2020", "2021"))
    assert r1.status_code == 303
    r2 = submit(client, "K", bob, bob["wpTextbox1"].replace("warga desa", "warga kota"))
    assert r2.status_code == 303
    location = r2.headers["location"]
    assert "merged=" in location
    text = raw(client, "K")
    assert "2021" in text and "warga kota" in text
    notice = client.get(location)
    assert "merged" in notice.text and "See what changed" in notice.text


def test_same_user_two_tabs_merge_the_same_way(client: TestClient) -> None:
    edit(client, "Tabs", ARTICLE)
    tab1 = open_form(client, "Tabs")
    tab2 = open_form(client, "Tabs")
    submit(client, "Tabs", tab1, tab1["wpTextbox1"].replace("Intro", "Pengantar"))
    r = submit(client, "Tabs", tab2, tab2["wpTextbox1"] + "\nTambahan di akhir.")
    assert r.status_code == 303
    text = raw(client, "Tabs")
    assert text.startswith("Pengantar") and text.endswith("Tambahan di akhir.")


def test_overlapping_edits_conflict_and_keep_every_word(client: TestClient) -> None:
    edit(client, "C", ARTICLE)
    alice = open_form(client, "C")
    bob = open_form(client, "C")
    submit(client, "C", alice, alice["wpTextbox1"].replace("tahun 2020", "tahun 2019"))
    mine = bob["wpTextbox1"].replace("tahun 2020", "tahun dua ribu dua puluh")
    r = submit(client, "C", bob, mine)
    assert r.status_code == 409
    body = r.text
    assert "Edit conflict" in body
    box = re.search(r'<textarea id="wpTextbox1"[^>]*>(.*?)</textarea>', body, re.S)
    assert box
    proposal = box.group(1)
    assert "2019" in proposal and "dua ribu dua puluh" in proposal
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" in proposal  # a clearly marked block
    yours = re.search(r'<textarea id="wpYourText"[^>]*>(.*?)</textarea>', body, re.S)
    assert yours and "dua ribu dua puluh" in yours.group(1)
    assert raw(client, "C").count("2019") == 1
    # Saving again from the conflict screen resolves it.
    new_base = BASE_RE.search(body)
    token = TOKEN_RE.search(body)
    assert new_base and token
    resolved = ARTICLE.replace("tahun 2020", "tahun 2019 (dua ribu sembilan belas)")
    r = client.post(
        "/wiki/C?action=submit",
        data={
            "wpEditToken": token.group(1),
            "wpBaseRevId": new_base.group(1),
            "wpTextbox1": resolved,
            "wpSave": "1",
        },
    )
    assert r.status_code == 303
    assert "dua ribu sembilan belas" in raw(client, "C")


def test_section_edit_replaces_only_that_section(client: TestClient) -> None:
    edit(client, "S", ARTICLE)
    view = client.get("/wiki/S").text
    assert 'href="/wiki/S?action=edit&amp;section=2"' in view
    form = open_form(client, "S", "&section=2")
    assert form["wpTextbox1"].startswith("## Dampak") and "Sumber" not in form["wpTextbox1"]
    assert form["wpSummary"] == "/* Dampak */ "
    r = submit(client, "S", form, "## Dampak sosial\n\nDampaknya dirasakan oleh semua warga.")
    assert r.status_code == 303
    text = raw(client, "S")
    assert "## Dampak sosial\n\nDampaknya dirasakan oleh semua warga.\n\n## Sumber" in text
    assert text.startswith("Intro tentang kebijakan.")


def test_edits_to_different_sections_never_conflict(client: TestClient) -> None:
    edit(client, "Sec", ARTICLE)
    one = open_form(client, "Sec", "&section=1")
    two = open_form(client, "Sec", "&section=2")
    three = open_form(client, "Sec", "&section=3")
    submit(client, "Sec", one, one["wpTextbox1"] + "\n\nParagraf baru di akhir latar belakang.")
    r = submit(client, "Sec", two, "## Dampak\n\nIsi dampak yang ditulis ulang.")
    assert r.status_code == 303
    r = submit(client, "Sec", three, "## Rujukan\n\nSatu sumber.[^1]\n\n[^1]: Laporan 2021.")
    assert r.status_code == 303
    text = raw(client, "Sec")
    assert "Paragraf baru di akhir latar belakang." in text
    assert "Isi dampak yang ditulis ulang." in text
    assert "## Rujukan" in text and "Belum ada sumber" not in text


def test_refused_text_is_kept_as_a_draft_and_offered_back(client: TestClient) -> None:
    edit(client, "Dr", ARTICLE)
    alice = open_form(client, "Dr")
    bob = open_form(client, "Dr")
    submit(client, "Dr", alice, alice["wpTextbox1"].replace("tahun 2020", "tahun 1999"))
    submit(client, "Dr", bob, bob["wpTextbox1"].replace("tahun 2020", "tahun kapan-kapan"))
    page = client.get("/wiki/Dr?action=edit").text
    assert "was not saved" in page and "restore=1" in page
    restored = client.get("/wiki/Dr?action=edit&restore=1").text
    assert "kapan-kapan" in restored
    # Discard it.
    form = open_form(client, "Dr")
    r = client.post(
        "/wiki/Dr?action=submit",
        data={"wpEditToken": form["wpEditToken"], "wpDiscardDraft": "1"},
    )
    assert r.status_code == 303
    assert "was not saved" not in client.get("/wiki/Dr?action=edit").text


def test_csrf_refusal_returns_the_text_and_writes_nothing(client: TestClient) -> None:
    r = client.post(
        "/wiki/Nope?action=submit", data={"wpTextbox1": "teks yang berharga", "wpSave": "1"}
    )
    assert r.status_code == 403 and "teks yang berharga" in r.text
    assert "was not saved" not in client.get("/wiki/Nope?action=edit").text


def test_bad_section_numbers(client: TestClient) -> None:
    edit(client, "B", ARTICLE)
    assert client.get("/wiki/B?action=edit&section=9").status_code == 400
    assert client.get("/wiki/B?action=edit&section=x").status_code == 400
    assert client.get("/wiki/Missing?action=edit&section=1").status_code == 400
