"""HTTP-level checks of issue 13's views: what the browser tests rely on, and its edge cases."""

from __future__ import annotations

import re
from html import unescape

from starlette.testclient import TestClient

from tests.conftest import BASE_RE, TOKEN_RE, edit
from wiki.web.comments import summary_html

TEXT = "Pembuka.\n\n## Sejarah\n\nLama.\n\n## Sejarah\n\nDua kali.\n"


def test_section_summary_is_escaped_and_links_to_the_section() -> None:
    html = str(summary_html("/* Hulu <b> */ ganti <script>", "Sungai Citarum"))
    assert "<script>" not in html and "<b>" not in html
    assert '<a href="/wiki/Sungai_Citarum#hulu-b">→\u00a0Hulu &lt;b&gt;</a>:' in html
    assert html.endswith("ganti &lt;script&gt;")
    assert str(summary_html("/* Hulu */")) == '<span class="autocomment">→\u00a0Hulu</span>'
    assert str(summary_html("no section /**/ here")) == "no section /**/ here"


def test_language_links_keep_path_and_query(client: TestClient) -> None:
    edit(client, "Apa_kabar%3F", "Teks.")
    r = client.get("/wiki/Apa_kabar%3F?action=history&uselang=en&limit=5")
    links = re.findall(r'<a lang="id" hreflang="id" href="([^"]+)"', r.text)
    assert [unescape(u) for u in links] == ["/wiki/Apa_kabar%3F?action=history&limit=5&uselang=id"]


def test_saved_notice_once_and_section_save_returns_to_its_anchor(client: TestClient) -> None:
    edit(client, "Kota", TEXT)
    client.cookies.clear()
    form = client.get("/wiki/Kota?action=edit&section=2")
    assert "Editing Kota (section: Sejarah)" in form.text
    token, base = TOKEN_RE.search(form.text), BASE_RE.search(form.text)
    assert token and base
    r = client.post(
        "/wiki/Kota?action=submit",
        data={
            "wpEditToken": token[1],
            "wpBaseRevId": base[1],
            "wpSection": "2",
            "wpTextbox1": "## Sejarah\n\nDua kali, diubah.",
            "wpSummary": "/* Sejarah */",
            "wpSave": "1",
        },
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/wiki/Kota#sejarah-2"  # the second "Sejarah"
    assert "wiki_postedit" in r.headers["set-cookie"]
    view = client.get("/wiki/Kota")
    assert "Your edit was saved." in view.text
    again = client.get("/wiki/Kota")
    assert "Your edit was saved." not in again.text
    # A page saved elsewhere is not announced by a stale cookie.
    client.cookies.set("wiki_postedit", "1")
    assert "Your edit was saved." not in client.get("/wiki/Kota").text


def test_cite_this_page(client: TestClient) -> None:
    edit(client, "Kota", TEXT)
    r = client.get("/wiki/Special:CiteThisPage/Kota")
    assert r.status_code == 200
    assert "Kontributor Gotong Test, “Kota,”" in r.text
    assert "http://testserver/wiki/Kota?oldid=" in r.text
    assert client.get("/wiki/Special:CiteThisPage?page=Kota").status_code == 200
    assert client.get("/wiki/Special:CiteThisPage").status_code == 200  # the form
    assert client.get("/wiki/Special:CiteThisPage/Tidak_ada").status_code == 404
    assert client.get("/wiki/Special:CiteThisPage?page=%3Cbad%3E").status_code == 400


def test_diff_prev_without_oldid_is_the_latest_change(client: TestClient) -> None:
    edit(client, "Kota", TEXT)
    edit(client, "Kota", TEXT + "\nTambahan.", "tambah")
    r = client.get("/wiki/Kota?diff=prev")
    assert r.status_code == 200
    assert "Tambahan." in r.text and "(tambah)" in r.text
