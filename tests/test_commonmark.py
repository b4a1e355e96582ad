"""CommonMark 0.31.2 conformance of the Gotong parser (``wiki.text.markup.render_commonmark``).

The spec examples come from ``tests/data/commonmark-0.31.2-spec.json`` (CC BY-SA 4.0, see
``tests/data/SOURCES.md``). Every example without raw HTML must render exactly as the spec
says, except the few in ``SKIPS`` where a Gotong rule deliberately changes the output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from wiki.text.markup import render_commonmark

SPEC = Path(__file__).parent / "data" / "commonmark-0.31.2-spec.json"
EXAMPLES: list[dict[str, Any]] = json.loads(SPEC.read_text(encoding="utf-8"))
RAW_HTML_SECTIONS = {"Raw HTML", "HTML blocks"}

# Examples whose output Gotong changes on purpose. Each entry: example number -> reason.
_WIKI_LINK = "[[...]] is wiki-link syntax in Gotong, not nested brackets / a reference link"
_SCHEME = "autolink scheme is not on the link allow-list (http, https, mailto, ftp), shown as text"
SKIPS: dict[int, str] = {
    548: _WIKI_LINK,  # [[[foo]]] reference label
    559: _WIKI_LINK,  # [[*foo* bar]] around a reference link
    590: _WIKI_LINK,  # ![[foo]] with a [[foo]] reference definition
    596: _SCHEME,  # <irc://foo.bar:2233/baz>
    598: _SCHEME,  # <a+b+c:d>
    599: _SCHEME,  # <made-up-scheme://foo,bar>
    601: _SCHEME,  # <localhost:5001/foo>
}

_with_html = MarkdownIt("commonmark", {"html": True})
_without_html = MarkdownIt("commonmark", {"html": False})


def has_raw_html(example: dict[str, Any]) -> bool:
    """True when the example is about raw HTML: Gotong escapes it, the spec renders it."""
    if example["section"] in RAW_HTML_SECTIONS:
        return True
    markdown = example["markdown"]
    return bool(_with_html.render(markdown) != _without_html.render(markdown))


def normalise(output: str) -> str:
    """Undo markdown-it's one whitespace-only difference from the spec (examples 218, 239, 240).

    markdown-it renders an empty block quote without the inner newline; markdown-it-py's own
    spec test applies the same replacement. It changes no element, attribute or text.
    """
    return output.replace("<blockquote></blockquote>", "<blockquote>\n</blockquote>")


CASES = [e for e in EXAMPLES if not has_raw_html(e)]


def test_spec_file_is_complete() -> None:
    assert len(EXAMPLES) == 652
    # Sanity check of the raw-HTML filter: it must leave most of the spec in.
    assert 550 < len(CASES) < 652


@pytest.mark.parametrize(
    "example",
    [
        pytest.param(
            e,
            id=str(e["example"]),
            marks=[pytest.mark.skip(reason=SKIPS[e["example"]])] if e["example"] in SKIPS else [],
        )
        for e in CASES
    ],
)
def test_commonmark_example(example: dict[str, Any]) -> None:
    assert normalise(render_commonmark(example["markdown"])) == example["html"], example["section"]


def test_skips_are_still_needed() -> None:
    """A skipped example that now passes should be removed from SKIPS."""
    by_number = {e["example"]: e for e in CASES}
    for number in SKIPS:
        example = by_number[number]
        assert normalise(render_commonmark(example["markdown"])) != example["html"], number
