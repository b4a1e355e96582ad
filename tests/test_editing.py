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


def _conflict_form(body: str) -> dict[str, str]:
    """The hidden fields of the conflict screen's resolver form."""
    import html

    fields = {}
    form = body[body.index('id="editform"') :]
    for name in ("wpEditToken", "wpBaseRevId", "wpSection", "wpConflictParts"):
        m = re.search(rf'name="{name}" value="([^"]*)"', form)
        assert m, name
        fields[name] = html.unescape(m.group(1))
    return fields


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
    # No raw markers anywhere: one block with its two columns and four choices.
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" not in body and 'id="wpTextbox1"' not in body
    block = body[body.index('id="conflict-block-0"') :]
    block = block[: block.index("</fieldset>")]
    assert "2019" in block and "dua ribu dua puluh" in block
    values = re.findall(r'name="wpConflict0" value="(\w+)"', block)
    assert values == ["theirs", "yours", "both", "manual"]
    assert 'id="conflict-block-1"' not in body
    yours = re.search(r'<textarea id="wpYourText"[^>]*>(.*?)</textarea>', body, re.S)
    assert yours and "dua ribu dua puluh" in yours.group(1)
    assert raw(client, "C").count("2019") == 1
    fields = _conflict_form(body)
    # Choosing "keep mine" composes the text on the server and saves it.
    r = client.post("/wiki/C?action=submit", data={**fields, "wpConflict0": "yours", "wpSave": "1"})
    assert r.status_code == 303
    assert raw(client, "C") == mine.rstrip()


def test_conflict_choices_compose_the_text(client: TestClient) -> None:
    edit(client, "D", ARTICLE)
    alice, bob = open_form(client, "D"), open_form(client, "D")
    submit(client, "D", alice, alice["wpTextbox1"].replace("tahun 2020", "tahun 2019"))
    r = submit(client, "D", bob, bob["wpTextbox1"].replace("tahun 2020", "tahun 2021"))
    fields = _conflict_form(r.text)
    line = "Kebijakan ini dibuat pada tahun {} oleh pemerintah daerah."

    def preview(choice: str, typed: str = "") -> str:
        data = {**fields, "wpConflict0": choice, "wpConflictText0": typed, "wpPreview": "1"}
        page = client.post("/wiki/D?action=submit", data=data)
        assert page.status_code == 200
        import html

        box = re.search(r'<textarea id="wpTextbox1"[^>]*>(.*?)</textarea>', page.text, re.S)
        assert box
        return html.unescape(box.group(1))

    assert line.format(2019) in preview("theirs") and "2021" not in preview("theirs")
    assert line.format(2021) in preview("yours") and "2019" not in preview("yours")
    both = preview("both")
    assert line.format(2019) + "\n" + line.format(2021) in both
    assert "Dibuat tahun 2022." in preview("manual", "Dibuat tahun 2022.")
    # No choice (a browser would not send the form): the block comes back marked, and the
    # save is refused with the text kept and the block pointed out.
    r = client.post("/wiki/D?action=submit", data={**fields, "wpSave": "1"})
    assert r.status_code == 400
    assert "unresolved conflict" in r.text and "line 5" in r.text
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt; current" in r.text
    assert "2021" not in raw(client, "D")


def test_a_save_with_conflict_markers_is_refused_on_every_channel(client: TestClient) -> None:
    edit(client, "M", ARTICLE)
    marked = ARTICLE.replace(
        "Belum ada sumber.\n",
        "<<<<<<< current\nBelum ada sumber.\n=======\nSumber: BPS.\n>>>>>>> yours\n",
    )
    form = open_form(client, "M")
    r = submit(client, "M", form, marked)
    assert r.status_code == 400
    assert "line 13" in r.text and "Sumber: BPS." in r.text  # the text is kept
    rest = client.get("/w/rest.php/v1/page/M").json()
    csrf = {"X-CSRF-Token": client.get("/w/rest.php/v1/session").json()["csrf_token"]}
    r = client.put(
        "/w/rest.php/v1/page/M",
        json={"source": marked, "latest": {"id": rest["latest"]["id"]}, "comment": "x"},
        headers=csrf,
    )
    assert r.status_code == 400, r.text
    assert "line 13" in r.json()["message"]
    r = client.post("/w/rest.php/v1/page", json={"title": "Baru", "source": marked}, headers=csrf)
    assert r.status_code == 400
    talk = open_form(client, "Talk:M")
    r = submit(client, "Talk:M", talk, marked)
    assert r.status_code == 400
    assert "<<<<<<<" not in raw(client, "M")
    # Markers inside fenced code are text, and a page that already quotes a block keeps
    # saving.
    fenced = ARTICLE + "\n```\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> branch\n```\n"
    assert submit(client, "M", open_form(client, "M"), fenced).status_code == 303


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
