"""Edit summaries as MediaWiki shows them: ``/* Heading */ rest`` becomes "→ Heading: rest",
the arrow and heading linking to that section of the page. Everything else stays plain text
(escaped): summaries are never markup."""

from __future__ import annotations

import re
from urllib.parse import quote

from markupsafe import Markup, escape

from wiki.pages.rendering import page_url
from wiki.text import markup
from wiki.text.titles import Title

_AUTOCOMMENT = re.compile(r"/\*\s*(.*?)\s*\*/")


def summary_html(text: str, title: Title | str | None = None) -> Markup:
    """``text`` escaped, with each ``/* section */`` as a link to the section of ``title``."""
    out: list[str] = []
    pos = 0
    for m in _AUTOCOMMENT.finditer(text):
        heading = m.group(1)
        if not heading:
            continue
        out.append(escape(text[pos : m.start()]))
        rest = text[m.end() :].strip()
        label = escape("→\u00a0" + heading)
        if title is not None:
            href = page_url(title) + "#" + quote(markup.slugify(heading), safe="")
            label = Markup('<a href="{}">{}</a>').format(href, label)
        colon = ":" if rest else ""
        out.append(Markup('<span class="autocomment">{}{}</span>').format(label, colon))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)
