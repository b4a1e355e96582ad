"""MediaWiki wikitext to our Markdown, through pandoc's mediawiki reader plus our own rules.

pandoc (the Debian package ``pandoc``) converts headings, emphasis, lists, tables, external
links and ``<ref>`` footnotes. Around it we keep what it would drop or change: a redirect line
stays ``#REDIRECT [[Target]]``; ``[[Page|label]]`` and ``[[Category:X]]`` become our wiki links
again; templates (``{{Name|…}}``), which have no equivalent yet, are kept readable as code and
listed in the report, never dropped silently. The caller keeps the original wikitext too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field

from wiki.errors import N_, BadInput

PANDOC_TIMEOUT = 60  # seconds of one conversion, whatever the input
_REDIRECT = re.compile(r"\s*#(?:REDIRECT|ALIH)\s*:?\s*(\[\[[^\]\n]+\]\])", re.I)
_WIKILINK = re.compile(r'\[([^\]]*)\]\(<?([^)"<>]*?)>? "wikilink"\)')
#: pandoc turns [[File:x.png|thumb|caption]] into an image of a relative URL; we have no files
#: yet, so it becomes a (red) link to the file's page instead, and is reported.
_LOCAL_IMAGE = re.compile(
    r"!\[(?:[^\[\]]|\[[^\[\]]*\](?:\([^)]*\))?)*\]"  # alt text, one level of links inside
    r'\((?![a-z][a-z0-9+.-]*:)([^)\s"]+)(?: "[^"]*")?\)'
)
_RAW_REFS = re.compile(r"<references\s*/>|<references>\s*</references>", re.I)
_RAW_HTML = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)(?=[\s/>])[^>]*>")  # not <http://…>
_PLACEHOLDER = "GOTONGTEMPLATE{}X"


class ConverterMissing(BadInput):
    """pandoc is not installed."""


@dataclass
class Converted:
    text: str
    #: What did not convert, in words ("template Infobox", "HTML <div>").
    unconverted: list[str] = field(default_factory=list)


def available() -> bool:
    return shutil.which("pandoc") is not None


def _templates(text: str) -> tuple[str, list[str]]:
    """Cut out every top-level ``{{…}}`` (nested ones included) for placeholders."""
    out: list[str] = []
    found: list[str] = []
    i = 0
    while i < len(text):
        start = text.find("{{", i)
        if start < 0:
            out.append(text[i:])
            break
        out.append(text[i:start])
        depth, j = 0, start
        while j < len(text):
            if text.startswith("{{", j):
                depth += 1
                j += 2
            elif text.startswith("}}", j):
                depth -= 1
                j += 2
                if depth == 0:
                    break
            else:
                j += 1
        found.append(text[start:j])
        out.append(_PLACEHOLDER.format(len(found) - 1))
        i = j
    return "".join(out), found


def _link(match: re.Match[str]) -> str:
    label, target = match.group(1), match.group(2).replace("_", " ").strip()
    if label.replace("_", " ").strip() == target or target.lower().startswith("category:"):
        return f"[[{target}]]"
    return f"[[{target}|{label}]]"


def convert(wikitext: str) -> Converted:
    """Convert one revision's wikitext; ConverterMissing without pandoc."""
    redirect = _REDIRECT.match(wikitext)
    if redirect:
        return Converted(f"#REDIRECT {redirect.group(1)}")
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        raise ConverterMissing(
            N_("Converting wikitext needs pandoc (the Debian package pandoc); it is not installed.")
        )
    body, templates = _templates(wikitext)
    try:
        done = subprocess.run(
            [pandoc, "-f", "mediawiki", "-t", "gfm+footnotes", "--wrap=none"],
            input=body.encode("utf-8"),
            capture_output=True,
            timeout=PANDOC_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Converted(wikitext, ["the whole text (conversion took too long)"])
    if done.returncode != 0:
        return Converted(wikitext, ["the whole text (pandoc could not read it)"])
    text = done.stdout.decode("utf-8", "replace")
    files = [m.group(1) for m in _LOCAL_IMAGE.finditer(text)]
    text = _LOCAL_IMAGE.sub(lambda m: f"[[File:{m.group(1)}]]", text)
    text = _WIKILINK.sub(_link, text)
    text = _RAW_REFS.sub("", text)
    unconverted = []
    for n, template in enumerate(templates):
        name = template[2:].split("|", 1)[0].split("}", 1)[0].strip()
        unconverted.append(f"template {name}")
        shown = template.replace("`", "'")
        text = text.replace(_PLACEHOLDER.format(n), f"`{shown}`")
    unconverted += [f"file {name}" for name in dict.fromkeys(files)]
    unconverted += sorted({f"HTML <{m.group(1).lower()}>" for m in _RAW_HTML.finditer(text)})
    return Converted(text.strip() + "\n", unconverted)
