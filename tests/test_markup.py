"""Unit tests for wiki.text.markup: wiki links, categories, redirects, headings, toc, extensions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from wiki.text.markup import (
    RENDERER_VERSION,
    TOC_LABEL_PLACEHOLDER,
    Heading,
    Rendered,
    plain_text,
    render,
    resolve_links,
    sections,
    slugify,
    url_scheme,
)


def href(title: str) -> str:
    return "/wiki/" + title.replace(" ", "_")


def edit_href(title: str) -> str:
    return "/wiki/" + title.replace(" ", "_") + "?action=edit"


def page_html(text: str, existing: set[str] | None = None, **kwargs: object) -> str:
    rendered = render(text)
    return resolve_links(
        rendered.html,
        rendered.links,
        existing or set(),
        href=href,
        edit_href=edit_href,
        **kwargs,  # type: ignore[arg-type]
    )


def test_renderer_version_is_an_int() -> None:
    assert isinstance(RENDERER_VERSION, int) and RENDERER_VERSION >= 1


# --- wiki links ---------------------------------------------------------------------------


def test_wiki_link_slot_and_links() -> None:
    rendered = render("See [[Main page]] and [[Talk:Foo|the talk]].")
    assert rendered.links == ["Main page", "Talk:Foo"]
    assert "<a \x010\x02>Main page</a>" in rendered.html
    assert "<a \x011\x02>the talk</a>" in rendered.html


def test_blue_and_red_links() -> None:
    out = page_html("[[Main page]] [[Missing]]", {"Main page"})
    assert '<a href="/wiki/Main_page" title="Main page">Main page</a>' in out
    assert (
        '<a class="new" href="/wiki/Missing?action=edit" '
        'title="Missing (page does not exist)">Missing</a>' in out
    )


def test_existing_may_be_a_callable() -> None:
    rendered = render("[[A]] [[B]]")
    out = resolve_links(
        rendered.html, rendered.links, lambda t: t == "B", href=href, edit_href=edit_href
    )
    assert 'class="new" href="/wiki/A?action=edit"' in out
    assert '<a href="/wiki/B" title="B">B</a>' in out


def test_default_title_normalisation_and_label_as_written() -> None:
    rendered = render("[[main_page]] [[ spaced   out ]]")
    assert rendered.links == ["Main page", "Spaced out"]
    # The label is what the author wrote, underscores shown as spaces (MediaWiki habit).
    assert ">main page</a>" in rendered.html
    assert ">spaced   out</a>" in rendered.html


def test_repeated_link_shares_one_slot() -> None:
    rendered = render("[[Foo]] [[foo]] [[Foo|again]]")
    assert rendered.links == ["Foo"]
    assert rendered.html.count("\x010\x02") == 3


def test_section_fragment_on_blue_link_only() -> None:
    rendered = render("[[Sejarah Kota#Masa Kolonial|colonial]]")
    assert rendered.links == ["Sejarah Kota"]
    blue = resolve_links(
        rendered.html, rendered.links, {"Sejarah Kota"}, href=href, edit_href=edit_href
    )
    assert '<a href="/wiki/Sejarah_Kota#masa-kolonial" title="Sejarah Kota">colonial</a>' in blue
    red = resolve_links(rendered.html, rendered.links, set(), href=href, edit_href=edit_href)
    assert 'href="/wiki/Sejarah_Kota?action=edit"' in red
    assert "#masa-kolonial" not in red


def test_same_page_section_link() -> None:
    rendered = render("[[#Masa Kolonial]]")
    assert rendered.links == []
    assert '<a href="#masa-kolonial">Masa Kolonial</a>' in rendered.html


def test_custom_link_title_and_invalid_target() -> None:
    def strict(raw: str) -> str | None:
        return None if "bad" in raw else raw.strip().upper()

    rendered = render("[[good]] [[bad one|label]]", link_title=strict)
    assert rendered.links == ["GOOD"]
    assert "[[bad one|label]]" in rendered.html
    assert "\x01" not in rendered.html.split("</a>", 1)[1]


@pytest.mark.parametrize("text", ["[[]]", "[[ | label]]", "[[Foo<bar]]", "[[Foo{x}]]"])
def test_invalid_targets_render_as_text(text: str) -> None:
    rendered = render(text)
    assert rendered.links == []
    assert "<a" not in rendered.html


def test_multiline_brackets_are_not_a_wiki_link() -> None:
    assert render("[[Foo\nbar]]").links == []


def test_wiki_links_not_in_code() -> None:
    rendered = render("`[[Inline]]`\n\n```\n[[Fenced]]\n```\n\n    [[Indented]]\n")
    assert rendered.links == []
    assert "<code>[[Inline]]</code>" in rendered.html
    assert "[[Fenced]]" in rendered.html
    assert "[[Indented]]" in rendered.html


def test_wiki_link_inside_markdown_link_is_not_nested() -> None:
    rendered = render("[see [[Foo]]](https://example.org)")
    assert rendered.html == "<p>[see <a \x010\x02>Foo</a>](https://example.org)</p>\n"


def test_users_cannot_forge_slots_or_marks() -> None:
    rendered = render("<a \x010\x02>x</a> \x04" + "1\x04 \x03toc\x03 [[Foo]]")
    assert rendered.html.count("\x01") == 1  # only the real [[Foo]] slot
    assert "\x04" not in rendered.html
    assert "\x03" not in rendered.html


def test_resolved_attributes_are_escaped() -> None:
    rendered = render('[[Say "hi" & <go>]]', link_title=lambda raw: raw)
    out = resolve_links(rendered.html, rendered.links, set(), href=href, edit_href=edit_href)
    assert 'title="Say &quot;hi&quot; &amp; &lt;go&gt; (page does not exist)"' in out


def test_out_of_range_slot_is_dropped() -> None:
    assert resolve_links("<a \x015\x02>x</a>", [], set(), href=href, edit_href=edit_href) == (
        "<a >x</a>"
    )


# --- categories ---------------------------------------------------------------------------


def test_categories_collected_in_order_deduplicated() -> None:
    rendered = render(
        "Text.\n\n[[Category:Kota di Indonesia]]\n[[Kategori:Sejarah]]\n"
        "[[category:kota_di_Indonesia]]\n"
    )
    assert rendered.categories == ["Kota di Indonesia", "Sejarah"]
    assert "Category" not in rendered.html and "Kategori" not in rendered.html
    assert rendered.html == "<p>Text.</p>\n"  # the category-only paragraph is gone
    assert rendered.links == []


def test_category_with_sort_key_and_inline() -> None:
    rendered = render("Jakarta is big.[[Category:Cities|Jakarta]]")
    assert rendered.categories == ["Cities"]
    assert rendered.html == "<p>Jakarta is big.</p>\n"


def test_leading_colon_category_is_a_link() -> None:
    rendered = render("[[:Category:Cities]]")
    assert rendered.categories == []
    assert rendered.links == ["Category:Cities"]
    assert ">Category:Cities</a>" in rendered.html


def test_categories_not_in_code() -> None:
    assert render("`[[Category:X]]`\n\n```\n[[Category:Y]]\n```\n").categories == []


# --- redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first_line",
    [
        "#REDIRECT [[Main page]]",
        "#redirect [[main_page]]",
        "  #Redirect:[[Main page]] trailing words",
        "#ALIH [[Main page]]",
        "#REDIRECT [[Main page#Section|label]]",
    ],
)
def test_redirect(first_line: str) -> None:
    rendered = render(first_line + "\n\nOld text [[Other]].\n")
    assert rendered.redirect == "Main page"
    assert "REDIRECT" not in rendered.html.upper() and "ALIH" not in rendered.html
    assert "<p>Old text" in rendered.html


def test_redirect_only_on_the_first_line() -> None:
    rendered = render("Intro\n#REDIRECT [[Main page]]\n")
    assert rendered.redirect is None


def test_redirect_to_invalid_title_is_not_a_redirect() -> None:
    assert render("#REDIRECT [[]]\n").redirect is None
    assert render("#REDIRECT [[Foo]]").redirect == "Foo"


def test_no_redirect() -> None:
    assert render("Just text").redirect is None


# --- headings, toc, section marks ----------------------------------------------------------


def test_heading_anchors_unique_and_indonesian() -> None:
    rendered = render("# Sejarah\n\n## Sejarah\n\n## Masa Ñusantara & Kemerdekaan\n\n## Sejarah\n")
    assert rendered.headings == [
        Heading(1, "Sejarah", "sejarah", 1),
        Heading(2, "Sejarah", "sejarah-2", 2),
        Heading(2, "Masa Ñusantara & Kemerdekaan", "masa-ñusantara-kemerdekaan", 3),
        Heading(2, "Sejarah", "sejarah-3", 4),
    ]
    assert '<h2 id="masa-ñusantara-kemerdekaan">' in rendered.html


def test_generated_anchor_never_collides_with_a_written_one() -> None:
    anchors = [h.anchor for h in render("# a\n# a-2\n# a\n# a\n# a-3\n").headings]
    assert anchors == ["a", "a-2", "a-3", "a-4", "a-3-2"]
    assert len(set(anchors)) == len(anchors)


def test_many_equal_headings_are_fast() -> None:
    # The slugs stay unique in linear time. (No CPU budget here: on a busy machine this page can
    # run past the default one and fall back to plain text, which is tested on its own.)
    rendered = render("## Notes\n\n" * 3000, budget=float("inf"))
    assert rendered.headings[-1].anchor == "notes-3000"


def test_heading_text_is_plain() -> None:
    rendered = render("## *Kota* `tua` and [[Jakarta|ibu kota]]\n\nSetext\n======\n")
    assert [h.text for h in rendered.headings] == ["Kota tua and ibu kota", "Setext"]
    assert rendered.headings[0].anchor == "kota-tua-and-ibu-kota"
    assert rendered.headings[1].level == 1


def test_slugify() -> None:
    assert slugify("Über  uns -- Geschichte!") == "über-uns-geschichte"
    assert slugify("???") == "section"


def test_toc_threshold() -> None:
    two = render("## A\n\n## B\n")
    assert "<nav" not in two.html and TOC_LABEL_PLACEHOLDER not in two.html
    three = render("Intro.\n\n## A\n\n### A1\n\n## B\n")
    assert three.html.startswith("<p>Intro.</p>\n<nav")  # before the first heading
    assert (
        '<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">\x03toc\x03</h2>'
        '<ul><li><a href="#a">A</a><ul><li><a href="#a1">A1</a></li></ul></li>'
        '<li><a href="#b">B</a></li></ul></nav>\n'
    ) in three.html
    assert three.html.index("<nav") < three.html.index('<h2 id="a">')


def test_toc_label_is_substituted_and_escaped() -> None:
    out = page_html("# A\n# B\n# C\n", toc_label="Daftar <isi>")
    assert '<h2 id="toc-title">Daftar &lt;isi&gt;</h2>' in out
    assert "\x03" not in out


def test_toc_goes_before_a_container_holding_the_first_heading() -> None:
    html_out = render("> # Quoted\n\n# B\n\n# C\n").html
    assert html_out.startswith("<nav")


def test_toc_heading_text_escaped() -> None:
    html_out = render("# <b>\n# B\n# C\n").html
    assert '<a href="#b">&lt;b&gt;</a>' in html_out
    assert "<b>" not in html_out


def test_section_marks() -> None:
    rendered = render("# One\n\ntext\n\n## Two\n")
    assert '<h1 id="one">One\x041\x04</h1>' in rendered.html
    assert '<h2 id="two">Two\x042\x04</h2>' in rendered.html
    removed = page_html("# One\n\n## Two\n")
    assert "\x04" not in removed and '<h1 id="one">One</h1>' in removed
    linked = page_html("# One\n\n## Two\n", section_link=lambda n: f'<a href="?section={n}">e</a>')
    assert '<h2 id="two">Two<a href="?section=2">e</a></h2>' in linked


def test_sections_line_ranges() -> None:
    text = "Intro\n# A\na\n## A1\na1\n```\n# not a heading\n```\n# B\nb"
    lines = text.split("\n")
    spans = sections(text)
    assert len(spans) == len(render(text).headings) == 3
    assert [lines[s] for s, _ in spans] == ["# A", "## A1", "# B"]
    assert spans == [(1, 8), (3, 8), (8, 10)]


def test_sections_after_redirect_line() -> None:
    assert sections("#REDIRECT [[X]]\n# A\n") == [(1, 3)]


# --- other extensions ---------------------------------------------------------------------


def test_footnotes() -> None:
    html_out = render("Fact.[^1]\n\n[^1]: A source.\n").html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in html_out
    assert '<li id="fn1" class="footnote-item"><p>A source.' in html_out


def test_tables_and_strikethrough() -> None:
    html_out = render("| Kota | Pulau |\n|---|---|\n| Medan | ~~Jawa~~ Sumatra |\n").html
    assert "<table>" in html_out
    assert "<th>Kota</th>" in html_out
    assert "<td><s>Jawa</s> Sumatra</td>" in html_out


def test_table_alignment_is_a_class_not_a_style() -> None:
    html_out = render("| Kota | Jumlah | Catatan |\n|:--|--:|:-:|\n| Medan | 2,18 | x |\n").html
    assert "style=" not in html_out
    assert '<th class="align-left">Kota</th>' in html_out
    assert '<td class="align-right">2,18</td>' in html_out
    assert '<td class="align-center">x</td>' in html_out


def test_raw_html_is_escaped() -> None:
    html_out = render("<b>bold</b>\n\n<div>block</div>\n").html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html_out
    assert "&lt;div&gt;block&lt;/div&gt;" in html_out


def test_external_link_decoration() -> None:
    html_out = render(
        "[ext](https://example.org) <http://x.org> [rel](/wiki/Foo) [frag](#top) "
        "[proto](//cdn.org/a)"
    ).html
    assert (
        '<a href="https://example.org" class="external" rel="nofollow ugc noopener">ext</a>'
        in html_out
    )
    assert '<a href="http://x.org" class="external" rel="nofollow ugc noopener">' in html_out
    assert '<a href="/wiki/Foo">rel</a>' in html_out
    assert '<a href="#top">frag</a>' in html_out
    assert '<a href="//cdn.org/a" class="external"' in html_out


def test_mailto_allowed_and_not_external() -> None:
    html_out = render("<someone@example.org>").html
    assert '<a href="mailto:someone@example.org">someone@example.org</a>' in html_out


def test_images() -> None:
    assert '<img src="https://x.org/a.png" alt="A" />' in render("![A](https://x.org/a.png)").html
    assert '<img src="/static/a.png" alt="A" />' in render("![A](/static/a.png)").html
    # ftp and mailto are fine for links but not for images: the alt text is shown instead.
    assert render("![A *b*](ftp://x.org/a.png)").html == "<p>A b</p>\n"


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("https://x", "https"),
        ("/wiki/Foo", None),
        ("foo):", None),
        ("#frag", None),
        (" JaVa\tScRiPt:alert(1)", "javascript"),
        ("java&#x09;script:x", "javascript"),
        ("%6Aavascript:x", "javascript"),
    ],
)
def test_url_scheme(url: str, scheme: str | None) -> None:
    assert url_scheme(url) == scheme


# --- plain text ---------------------------------------------------------------------------


def test_plain_text() -> None:
    text = (
        "#REDIRECT [[Elsewhere]]\n"
        "# Judul *utama*\n\n"
        "Some **bold** text with [a link](https://x.org) and [[Foo|label]].\n\n"
        "- item one\n- item `two`\n\n"
        "| h1 | h2 |\n|---|---|\n| c1 | c2 |\n\n"
        "```python\nprint('code')\n```\n\n"
        "[[Category:Hidden]]\n"
    )
    assert plain_text(text) == (
        "Judul utama\n"
        "Some bold text with a link and label.\n"
        "item one\nitem two\n"
        "h1\nh2\nc1\nc2\n"
        "print('code')"
    )


def test_plain_text_has_no_markers() -> None:
    assert plain_text("# A\n# B\n# C\n\x01x\x02") == "A\nB\nC\nx"


# --- shape and concurrency ----------------------------------------------------------------


def test_rendered_is_frozen() -> None:
    rendered = render("x")
    assert isinstance(rendered, Rendered)
    with pytest.raises(AttributeError):
        rendered.redirect = "x"  # type: ignore[misc]


def test_render_is_thread_safe() -> None:
    texts = [f"# T{i}\n\n## A\n\n## B\n\n[[Page {i}]] [^n]\n\n[^n]: note {i}\n" for i in range(40)]
    expected = [render(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render, texts * 5))
    assert results == expected * 5
