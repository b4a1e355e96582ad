"""Page text to HTML: CommonMark plus wiki links, categories, redirects, tables and footnotes.

Pure module: no I/O. ``render`` produces HTML with *slots* for things that depend on the
database or the request (does a linked page exist? what is the URL? which language?), and
``resolve_links`` fills them in. That keeps the rendered HTML cacheable per revision.

Markers (control characters are stripped from the page text first, so users cannot forge them):

- ``\\x01{i}\\x02`` or ``\\x01{i}#{fragment}\\x02``: attributes of the wiki link to ``links[i]``
- ``\\x03toc\\x03`` (``TOC_LABEL_PLACEHOLDER``): the table of contents title
- ``\\x04{n}\\x04``: end of heading number ``n``, where the caller may put an [edit] link

- ``\\x03plain\\x03`` (``FALLBACK_PLACEHOLDER``): the notice above a page shown as plain text

Raw HTML is never rendered (``html=False``), and link/image URLs are allow-listed.

Hostile text cannot burn CPU: a text over a construct limit (``wiki.text.complexity``) is shown
as plain text without parsing it, and a render that runs past its CPU budget (this thread's
time, checked as the parser walks the text) stops and falls back to plain text as well.
"""

from __future__ import annotations

import html
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from wiki.text import complexity

RENDERER_VERSION = 2  # bump whenever the HTML for the same text changes (cache key)
TOC_LABEL_PLACEHOLDER = "\x03toc\x03"
FALLBACK_PLACEHOLDER = "\x03plain\x03"
#: The parser checks the clock once per this many rule calls (a power of two, minus one).
_BUDGET_EVERY = 255
TOC_MIN_HEADINGS = 3

_MARKERS = re.compile("[\x01-\x04]")
_SLOT = re.compile("\x01(\\d+)(?:#([^\x02]*))?\x02")
_SECTION_MARK = re.compile("\x04(\\d+)\x04")
# Target: no brackets, pipes or newlines; label: anything but brackets and newlines.
_WIKILINK = re.compile(r"\[\[([^\[\]|\n]*)(?:\|([^\[\]\n]*))?\]\]")
_CATEGORY = re.compile(r"(?:category|kategori)\s*:(.*)", re.IGNORECASE | re.DOTALL)
# MediaWiki accepts "#REDIRECT", "#redirect:" etc.; "#ALIH" is the Indonesian magic word.
_REDIRECT = re.compile(
    r"[ \t]*#(?:redirect|alih)[ \t]*:?[ \t]*(\[\[[^\[\]\n]*\]\])[^\n]*(?:\n|\Z)", re.IGNORECASE
)
_BAD_TITLE_CHARS = re.compile(r"[<>\[\]{}|#\x00-\x1f\x7f]")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:")  # WHATWG URL "scheme start" state
_LINK_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})
_IMAGE_SCHEMES = frozenset({"http", "https"})
_EXTERNAL_SCHEMES = frozenset({"http", "https", "ftp"})


@dataclass(frozen=True)
class Heading:
    """One heading of a page."""

    level: int  # 1..6
    text: str  # plain text
    anchor: str  # its id in the HTML, unique within the page
    index: int  # 1-based, all headings in document order: ?action=edit&section=N


@dataclass(frozen=True)
class Rendered:
    """Result of ``render``; ``html`` still needs ``resolve_links``."""

    html: str
    links: list[str]  # normalised title of each slot, first occurrence order, no repeats
    headings: list[Heading]
    categories: list[str]  # names without the namespace, in order, no repeats
    redirect: str | None  # normalised target of a "#REDIRECT [[...]]" first line
    plain: bool = False  # too complex to format: shown as plain text (see the module doc)


@dataclass
class _PageState:
    """Per-call parse state, kept in markdown-it's ``env`` (so one shared parser is safe)."""

    link_title: Callable[[str], str | None]
    decorate: bool  # heading ids, section marks, toc, external-link attributes
    links: list[str] = field(default_factory=list)
    slot_of: dict[str, int] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    heading_lines: list[int] = field(default_factory=list)
    deadline: float = float("inf")  # time.thread_time() at which the render gives up
    ticks: int = 0


class OverBudget(Exception):
    """A render ran past its CPU budget."""


def _budget_rule(state: Any, *args: Any) -> bool:
    """First rule of the block and inline chains: never matches, only watches the clock."""
    page = _state(state.env)
    page.ticks += 1
    if not page.ticks & _BUDGET_EVERY and time.thread_time() > page.deadline:
        raise OverBudget
    return False


def _default_title(raw: str) -> str | None:
    """Underscores to spaces, squeeze spaces, upper-case the first letter."""
    title = " ".join(raw.replace("_", " ").split())
    if not title or _BAD_TITLE_CHARS.search(title):
        return None
    return title[0].upper() + title[1:]


def slugify(text: str) -> str:
    """Anchor id for a heading or ``[[Page#Section]]`` fragment; keeps non-ASCII letters."""
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"[^\w\s-]", "", text)  # \w is Unicode-aware: "Sejarah Ñusa" survives
    return re.sub(r"[\s-]+", "-", text).strip("-") or "section"


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` (lower-case), or None for a relative URL."""
    # Undo entities and percent-encoding and drop whitespace/control characters, as browsers
    # do, so "java&#x09;script:", "%6Aavascript:" or " JaVaScRiPt:" are all seen as javascript.
    cleaned = _URL_JUNK.sub("", unquote(html.unescape(url))).lower()
    match = _SCHEME.match(cleaned)
    return match.group()[:-1] if match else None


def _safe_link(url: str) -> bool:
    scheme = url_scheme(url)
    return scheme is None or scheme in _LINK_SCHEMES


class _WikiMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # markdown-it's hook name
        """Allow-list link schemes (markdown-it's default is a deny-list)."""
        return _safe_link(url)


def _state(env: EnvType) -> _PageState:
    state: _PageState = env["gotong"]
    return state


# --- inline rule: [[wiki links]] and [[Category:...]] ---------------------------------------


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    # No nesting check needed: markdown-it's link label scan (disableNested) sees a wiki link
    # as a nested link, so "[a [[B]]](url)" never becomes a Markdown link around it.
    if not state.src.startswith("[[", state.pos):
        return False
    match = _WIKILINK.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    state.pos = match.end()
    if silent:
        return True
    page = _state(state.env)
    raw, label = match.group(1).strip(), match.group(2)
    title_part, _, fragment = raw.removeprefix(":").partition("#")
    category = None if raw.startswith(":") else _CATEGORY.fullmatch(raw)
    if category is not None:
        name = _default_title(category.group(1))
        title = page.link_title(f"Category:{name}") if name else None
        if title is not None:
            cat = title.partition(":")[2] or name or title
            if cat not in page.categories:
                page.categories.append(cat)
            state.push("category", "", 0)  # renders nothing; marks the paragraph for cleanup
            return True
    elif not title_part.strip() and fragment.strip():  # [[#Section]]: same-page anchor
        token = state.push("link_open", "a", 1)
        token.attrSet("href", "#" + slugify(fragment))
        state.push("text", "", 0).content = (label or "").strip() or fragment.strip()
        state.push("link_close", "a", -1)
        return True
    else:
        title = page.link_title(title_part) if title_part.strip() else None
        if title is not None:
            slot = page.slot_of.setdefault(title, len(page.links))
            if slot == len(page.links):
                page.links.append(title)
            token = state.push("wikilink_open", "a", 1)
            token.meta = {"slot": slot, "fragment": slugify(fragment) if fragment.strip() else ""}
            # MediaWiki shows an unlabelled link as written, with underscores as spaces.
            shown = (label or "").strip() or raw.removeprefix(":").replace("_", " ")
            state.push("text", "", 0).content = shown
            state.push("wikilink_close", "a", -1)
            return True
    state.push("text", "", 0).content = match.group()  # invalid target: show it as written
    return True


# --- core rule: cleanup, heading ids, section marks, toc, external links ---------------------


def _inline_text(tokens: Sequence[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image" and token.children:
            parts.append(_inline_text(token.children))
    return "".join(parts)


def _only_categories(token: Token) -> bool:
    children = token.children or []
    return any(c.type == "category" for c in children) and all(
        c.type in ("category", "softbreak") or (c.type == "text" and not c.content.strip(" \t"))
        for c in children
    )


def _drop_category_paragraphs(tokens: list[Token]) -> list[Token]:
    """Remove paragraphs whose only content was [[Category:...]] links (usually the last)."""
    drop: set[int] = set()
    for i, token in enumerate(tokens):
        if (
            token.type == "inline"
            and tokens[i - 1].type == "paragraph_open"
            and _only_categories(token)
        ):
            drop.update((i - 1, i, i + 1))
    return [token for i, token in enumerate(tokens) if i not in drop] if drop else tokens


def _toc_html(headings: list[Heading]) -> str:
    parts = [
        '<nav class="toc" aria-labelledby="toc-title">'
        f'<h2 id="toc-title">{TOC_LABEL_PLACEHOLDER}</h2>'
    ]
    open_levels: list[int] = []
    for heading in headings:
        while open_levels and open_levels[-1] > heading.level:
            parts.append("</li></ul>")
            open_levels.pop()
        if open_levels and open_levels[-1] == heading.level:
            parts.append("</li>")
        else:
            parts.append("<ul>")
            open_levels.append(heading.level)
        anchor = html.escape(heading.anchor)
        parts.append(f'<li><a href="#{anchor}">{html.escape(heading.text)}</a>')
    parts.append("</li></ul>" * len(open_levels))
    parts.append("</nav>\n")
    return "".join(parts)


def _decorate_link(token: Token) -> None:
    href = str(token.attrGet("href") or "")
    scheme = url_scheme(href)
    if scheme in _EXTERNAL_SCHEMES or (scheme is None and href.strip().startswith("//")):
        token.attrSet("class", "external")
        token.attrSet("rel", "nofollow ugc noopener")


def _page_rule(state: StateCore) -> None:
    page = _state(state.env)
    state.tokens = _drop_category_paragraphs(state.tokens)
    if not page.decorate:
        return
    used = {"toc-title"}
    last_suffix: dict[str, int] = {}  # so 1000 "Notes" headings are not quadratic
    top_start, toc_at = 0, -1
    for i, token in enumerate(state.tokens):
        if not i & _BUDGET_EVERY and time.thread_time() > page.deadline:
            raise OverBudget  # headings cost a slug each: this walk counts towards the budget
        if token.level == 0 and token.nesting >= 0:
            top_start = i  # the toc goes before the top-level block holding the 1st heading
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "link_open":
                    _decorate_link(child)
        if token.type != "heading_open":
            continue
        text = " ".join(_inline_text(state.tokens[i + 1].children or []).split())
        anchor = base = slugify(text)
        suffix = last_suffix.get(base, 1)
        while anchor in used:
            suffix += 1
            anchor = f"{base}-{suffix}"
        last_suffix[base] = suffix
        used.add(anchor)
        index = len(page.headings) + 1
        page.headings.append(Heading(int(token.tag[1]), text, anchor, index))
        page.heading_lines.append(token.map[0] if token.map else -1)
        token.attrSet("id", anchor)
        state.tokens[i + 2].meta = {"section": index}  # read by _render_heading_close
        toc_at = top_start if toc_at < 0 else toc_at
    if len(page.headings) >= TOC_MIN_HEADINGS:
        toc = Token("html_block", "", 0, content=_toc_html(page.headings))
        state.tokens.insert(toc_at, toc)


# --- renderer rules ---------------------------------------------------------------------------


def _render_wikilink_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    meta = tokens[idx].meta
    fragment = f"#{meta['fragment']}" if meta["fragment"] else ""
    return f"<a \x01{meta['slot']}{fragment}\x02>"


def _render_wikilink_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</a>"


def _render_heading_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    section = tokens[idx].meta.get("section")
    mark = f"\x04{section}\x04" if section else ""
    return f"{mark}</{tokens[idx].tag}>\n"


def _render_image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # validateLink cannot tell images from links; images get the narrower allow-list here.
    src = str(tokens[idx].attrGet("src") or "")
    scheme = url_scheme(src)
    if scheme is not None and scheme not in _IMAGE_SCHEMES:
        return html.escape(self.renderInlineAsText(tokens[idx].children or [], options, env))
    result: str = RendererHTML.image(self, tokens, idx, options, env)
    return result


_ALIGN_STYLE = re.compile(r"text-align:(left|center|right)")


def _table_align_rule(state: StateCore) -> None:
    """Column alignment as a class (``align-right``): the CSP forbids style attributes."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrGet("style")
            if style is None:
                continue
            del token.attrs["style"]
            match = _ALIGN_STYLE.fullmatch(str(style))
            if match:
                token.attrSet("class", f"align-{match.group(1)}")


def _build() -> MarkdownIt:
    md = _WikiMarkdown("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.inline.ruler.before(md.inline.ruler.get_all_rules()[0], "gotong_budget", _budget_rule)
    md.block.ruler.before(
        md.block.ruler.get_all_rules()[0], "gotong_budget", _budget_rule, {"alt": ["paragraph"]}
    )
    md.core.ruler.push("gotong_page", _page_rule)
    md.core.ruler.push("gotong_table_align", _table_align_rule)
    md.add_render_rule("wikilink_open", _render_wikilink_open)
    md.add_render_rule("wikilink_close", _render_wikilink_close)
    md.add_render_rule("category", lambda *_: "")
    md.add_render_rule("heading_close", _render_heading_close)
    md.add_render_rule("image", _render_image)
    # Compile the rule chains now, so concurrent first calls do not race to do it.
    md.parse("# a\n\n*b* [[c]]\n", {"gotong": _PageState(_default_title, decorate=True)})
    return md


_MD = _build()


def _split_redirect(
    text: str, link_title: Callable[[str], str | None]
) -> tuple[str | None, str, int]:
    """(redirect target, text without the redirect line, number of lines removed)."""
    match = _REDIRECT.match(text)
    if match is None:
        return None, text, 0
    target = _WIKILINK.fullmatch(match.group(1))
    raw = target.group(1).strip().removeprefix(":").partition("#")[0] if target else ""
    title = link_title(raw) if raw.strip() else None
    if title is None:
        return None, text, 0
    return title, text[match.end() :], 1


def _parse(
    text: str,
    link_title: Callable[[str], str | None] | None,
    *,
    decorate: bool,
    budget: float = float("inf"),
) -> tuple[list[Token], _PageState, str | None, int]:
    """Parse ``text``; raises OverBudget past ``budget`` seconds of CPU."""
    page = _PageState(link_title or _default_title, decorate=decorate)
    page.deadline = time.thread_time() + budget
    redirect, body, skipped = _split_redirect(_MARKERS.sub("", text), page.link_title)
    env: dict[str, Any] = {"gotong": page}
    return _MD.parse(body, env), page, redirect, skipped


def plain_html(text: str) -> str:
    """``text`` as written, escaped, under the (to be translated) plain-text notice."""
    return (
        f'<p class="render-plain-notice">{FALLBACK_PLACEHOLDER}</p>\n'
        f'<pre class="render-plain">{html.escape(_MARKERS.sub("", text))}</pre>\n'
    )


def render(
    text: str,
    *,
    link_title: Callable[[str], str | None] | None = None,
    budget: float | None = None,
) -> Rendered:
    """Render page text to HTML with link slots, plus its links, headings and categories.

    Text over a construct limit, or that takes more than ``budget`` seconds of CPU (default:
    ``complexity.render_budget``), comes back as plain text (``plain=True``) with no links,
    headings or categories."""
    if budget is None:
        budget = complexity.render_budget(text)
    if complexity.problem(text) is None:
        try:
            tokens, page, redirect, _ = _parse(text, link_title, decorate=True, budget=budget)
            env: dict[str, Any] = {"gotong": page}
            body: str = _MD.renderer.render(tokens, _MD.options, env)
            return Rendered(body, page.links, page.headings, page.categories, redirect)
        except OverBudget:
            pass
    return Rendered(plain_html(text), [], [], [], None, plain=True)


def render_commonmark(text: str) -> str:
    """Render with the same parser but no heading ids/marks, toc or external-link attributes."""
    page = _PageState(_default_title, decorate=False)
    result: str = _MD.render(_MARKERS.sub("", text), {"gotong": page})
    return result


def resolve_links(
    rendered_html: str,
    links: list[str],
    existing: Callable[[str], bool] | set[str],
    *,
    href: Callable[[str], str],
    edit_href: Callable[[str], str],
    toc_label: str = "Contents",
    section_link: Callable[[int], str] | None = None,
    missing_title: str = "{title} (page does not exist)",
    plain_notice: str = "",
) -> str:
    """Fill the link slots (blue or red links), the toc label and the section edit marks.

    ``missing_title`` is the (translated) tooltip of a red link, with a ``{title}`` slot."""
    exists = existing.__contains__ if isinstance(existing, set) else existing
    cache: dict[int, bool] = {}

    def link_attrs(match: re.Match[str]) -> str:
        slot = int(match.group(1))
        if slot >= len(links):
            return ""
        title = links[slot]
        if slot not in cache:
            cache[slot] = bool(exists(title))
        esc = html.escape
        if cache[slot]:
            fragment = f"#{match.group(2)}" if match.group(2) else ""
            return f'href="{esc(href(title) + fragment)}" title="{esc(title)}"'
        tip = missing_title.replace("{title}", title)
        return f'class="new" href="{esc(edit_href(title))}" title="{esc(tip)}"'

    out = _SLOT.sub(link_attrs, rendered_html)
    out = out.replace(TOC_LABEL_PLACEHOLDER, html.escape(toc_label))
    out = out.replace(FALLBACK_PLACEHOLDER, html.escape(plain_notice), 1)
    return _SECTION_MARK.sub(lambda m: section_link(int(m.group(1))) if section_link else "", out)


def plain_text(text: str) -> str:
    """The page's visible text without markup, one block per line (for search and snippets).
    A text too complex to render (see ``render``) is its own plain text."""
    if complexity.problem(text) is not None:
        return _MARKERS.sub("", text)
    try:
        tokens, _, _, _ = _parse(text, None, decorate=False, budget=complexity.render_budget(text))
    except OverBudget:
        return _MARKERS.sub("", text)
    chunks: list[str] = []
    for token in tokens:
        if token.type == "inline":
            chunks.append(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            chunks.append(token.content.rstrip("\n"))
    return "\n".join(chunk for chunk in chunks if chunk.strip())


def sections(text: str) -> list[tuple[int, int]]:
    """Line range ``[start, end)`` of each section (heading ``index - 1``), subsections included.

    Lines are those of ``text.split("\\n")`` after turning ``\\r\\n`` and ``\\r`` into ``\\n``.
    The numbering is the same as ``Heading.index`` from ``render``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if complexity.problem(text) is not None:
        return []  # shown as plain text: no headings, so no sections
    try:
        _, page, _, skipped = _parse(
            text, None, decorate=True, budget=complexity.render_budget(text)
        )
    except OverBudget:
        return []
    total = len(text.split("\n"))
    spans: list[tuple[int, int]] = []
    for i, heading in enumerate(page.headings):
        end = total
        for later, line in zip(page.headings[i + 1 :], page.heading_lines[i + 1 :], strict=True):
            if later.level <= heading.level and line >= 0:
                end = line + skipped
                break
        spans.append((page.heading_lines[i] + skipped, end))
    return spans


def redirect_target(text: str) -> str | None:
    """The normalised target of a page text that is a redirect (``#REDIRECT [[Target]]``)."""
    return _split_redirect(text, _default_title)[0]
