"""Talk-page threads in plain Markdown: parse, comment ids, replies, signatures. Pure: no I/O.

The convention (explained for people on the seeded ``Help:Talk pages``)::

    ## Subject
                                        (a topic starts at a heading; any heading ends one)
    First comment, one or more paragraphs. — [[User:Budi|Budi]] 2026-11-29 12:30:05 (UTC)
    * A reply is a list item. — [[User:Sari|Sari]] 2026-11-29 12:45:00 (UTC)
      * A reply to it is nested one level deeper. — [[User:Ani|Ani]] 2026-11-29 13:00:00 (UTC)
    * By an IP. — [[Special:Contributions/203.0.113.5|203.0.113.5]] 2026-11-29 14:00 (UTC)

Lists and not blockquotes: CommonMark renders nested list items as a tree (``ul``/``li``), a
list item can interrupt a paragraph (so a reply needs no blank line and lists stay tight), and
lazy continuation cannot drag the next comment into a quote.

A *comment* runs from the end of the previous comment (or its heading) to a line that ends with a
*signature*: a link to a user page (or to an IP's ``Special:Contributions``) followed on the same
line by a UTC timestamp ``YYYY-MM-DD HH:MM[:SS] (UTC)``. Its depth is the list nesting of its first
line; its parent is the nearest comment above it, in the same topic, that is less deep. Lines in
code blocks never sign anything.

Comment ids come from the signature, as MediaWiki's DiscussionTools derives them:
``c-<author>-<yyyymmddhhmmss>``, with ``-2``, ``-3`` … for repeats on one page. They do not
include the topic, so renaming a heading or moving a thread keeps every id (and every
notification link) valid; timestamps to the second make repeats rare, and a reply always lands
after its earlier siblings, so a repeat's suffix does not shift. A topic's id is ``h-`` plus its
first comment's author and timestamp (``h-<heading slug>`` while it has no signed comment).
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from wiki.talk.signatures import (
    Signature,
    find_signature,
    signature,
    stamp,
    user_link,
)
from wiki.text import markup

SEPARATOR = " — "
MAX_SUBJECT = 200
#: Above this many line comparisons, an edit is too big to guess which comments it added.
MAX_DIFF_WORK = 4_000_000

_TILDES = re.compile(r"(?<!~)~{3,5}(?!~)")
CODE_SPAN_RE = re.compile(r"(`+).+?(?<!`)\1(?!`)")
_LIST_ITEM = re.compile(r"([ \t]*)([*+-]|\d{1,9}[.)])([ \t]+|$)")
_HEADING_LINE = re.compile(r"[ ]{0,3}(?=#{1,6}(?:[ \t]|$))")
_SETEXT_LINE = re.compile(r"[ ]{0,3}(?=(?:=+|-+)[ \t]*$)")
_FENCE_LINE = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*$")
_REDIRECT_LINE = re.compile(r"#(?:redirect|alih)\b", re.I)
_CATEGORY_LINE = re.compile(r"\s*(?:\[\[\s*(?:category|kategori)\s*:[^\[\]]*\]\]\s*)+$", re.I)
_TRAILING_TILDES = re.compile(r"[ \t]*(?:—|--)?[ \t]*~{3,5}[ \t]*$")


class CommentNotFound(LookupError):
    """The comment to reply to is not on the page (an edit removed or changed it)."""


class EmptyComment(ValueError):
    """A comment with no text."""


def _md() -> MarkdownIt:
    # Only block structure matters here, and it must be the one wiki.text.markup builds (same block
    # rules and plugins). Inline parsing is most of the time and is not needed: it is off.
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False)
    md.core.ruler.disable(["inline", "footnote_tail", "text_join"])
    md.parse("# a\n\n* b\n")  # compile the rule chains before threads share the parser
    return md


_MD = _md()


# --- parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    """One signed comment."""

    id: str
    author: str
    anonymous: bool
    timestamp: datetime
    stamp: str  # the timestamp as written
    depth: int  # 0 for a topic's first comment, 1 for a reply to it, ...
    start: int  # first line (0-based)
    end: int  # one past the signature line
    topic: str  # id of its topic; "" before the first heading
    parent: str | None  # id of the comment it answers


@dataclass(frozen=True)
class Topic:
    """A heading and the comments under it (the text before the first heading has id "")."""

    id: str
    heading: str  # as written, without the #s
    level: int  # 0 for the lead
    line: int  # the heading's line; -1 for the lead
    end: int  # one past its last line
    comments: tuple[str, ...]


@dataclass(frozen=True)
class Thread:
    """A talk page's text, split into topics and comments."""

    lines: tuple[str, ...]
    topics: tuple[Topic, ...]
    comments: tuple[Comment, ...]
    code_lines: frozenset[int]
    heading_lines: frozenset[int]
    depths: tuple[int, ...] = field(repr=False)

    @cached_property
    def _by_id(self) -> dict[str, Comment]:
        return {c.id: c for c in self.comments}

    def comment(self, comment_id: str) -> Comment | None:
        return self._by_id.get(comment_id)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def topic_of(self, comment: Comment) -> Topic:
        found = self.topic(comment.topic)
        assert found is not None
        return found

    def starts_topic(self, comment: Comment) -> bool:
        """Whether ``comment`` is the first signed comment of a (real) topic."""
        topic = self.topic_of(comment)
        return topic.line >= 0 and topic.comments[:1] == (comment.id,)

    def text(self, comment: Comment) -> str:
        """The comment's source lines without its signature (and a reply's list marker)."""
        lines = list(self.lines[comment.start : comment.end])
        marker = _LIST_ITEM.match(lines[0]) if comment.depth > 0 else None
        if marker is not None:
            lines[0] = lines[0][marker.end() :]
        sig = find_signature(lines[-1])
        if sig is not None:
            lines[-1] = lines[-1][: sig.column].rstrip().removesuffix("—").removesuffix("--")
        return "\n".join(lines).strip()


def _key(name: str) -> str:
    return name.replace(" ", "_")


class _Ids:
    """Unique ids in document order: the second ``x`` is ``x-2``."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def make(self, base: str) -> str:
        n = self.seen.get(base, 0) + 1
        self.seen[base] = n
        return base if n == 1 else f"{base}-{n}"


def _comment_base(author: str, when: datetime) -> str:
    return f"{_key(author)}-{when:%Y%m%d%H%M%S}"


def _blocks(
    tokens: list[Token], n_lines: int
) -> tuple[set[int], list[int], dict[int, tuple[int, int, str]]]:
    """Code lines, the list depth of each line, and top-level headings (start -> end, level,
    text) of a parsed text."""
    code: set[int] = set()
    depth = [0] * (n_lines + 1)
    headings: dict[int, tuple[int, int, str]] = {}
    for i, token in enumerate(tokens):
        if token.map is None:
            continue
        start, end = token.map
        if token.type in ("fence", "code_block"):
            code.update(range(start, end))
        elif token.type == "list_item_open":
            for line in range(start, min(end, n_lines)):
                depth[line] += 1
        elif token.type == "heading_open" and token.level == 0:
            headings[start] = (end, int(token.tag[1]), tokens[i + 1].content.strip())
    return code, depth, headings


@lru_cache(maxsize=8)  # a reply parses the same texts several times in one transaction
def parse(text: str) -> Thread:
    """Split a talk page's text (``\\n`` line ends) into topics and signed comments."""
    lines = text.split("\n")
    code, depth, headings = _blocks(_MD.parse(text), len(lines))
    # Topics as (heading line, level, heading); comments as (topic index, start, end, signature).
    raw_topics: list[tuple[int, int, str]] = [(-1, 0, "")]
    raw_comments: list[tuple[int, int, int, Signature]] = []
    heading_lines: set[int] = set()
    start: int | None = None
    i = 0
    while i < len(lines):
        if i in headings:
            end, level, heading = headings[i]
            raw_topics.append((i, level, heading))
            heading_lines.update(range(i, end))
            start = None
            i = max(end, i + 1)
            continue
        if start is None and lines[i].strip():
            start = i
        sig = None if i in code else find_signature(lines[i])
        if sig is not None:
            raw_comments.append((len(raw_topics) - 1, i if start is None else start, i + 1, sig))
            start = None
        i += 1

    # Topic ids first (a topic's id comes from its first comment), then the comments.
    firsts: dict[int, Signature] = {}
    for t_index, _, _, sig in raw_comments:
        firsts.setdefault(t_index, sig)
    topic_ids, comment_ids = _Ids(), _Ids()
    tids: list[str] = []
    for t_index, (line, _, heading) in enumerate(raw_topics):
        if line < 0:
            tids.append("")
        elif t_index in firsts:
            first = firsts[t_index]
            tids.append("h-" + topic_ids.make(_comment_base(first.author, first.timestamp)))
        else:
            tids.append("h-" + topic_ids.make(markup.slugify(heading)[:150]))

    comments: list[Comment] = []
    stacks: dict[int, list[tuple[int, str]]] = {}
    members: dict[int, list[str]] = {}
    for t_index, c_start, c_end, sig in raw_comments:
        cid = "c-" + comment_ids.make(_comment_base(sig.author, sig.timestamp))
        d = depth[c_start]
        stack = stacks.setdefault(t_index, [])
        while stack and stack[-1][0] >= d:
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((d, cid))
        members.setdefault(t_index, []).append(cid)
        comments.append(
            Comment(
                id=cid,
                author=sig.author,
                anonymous=sig.anonymous,
                timestamp=sig.timestamp,
                stamp=sig.stamp,
                depth=d,
                start=c_start,
                end=c_end,
                topic=tids[t_index],
                parent=parent,
            )
        )
    topics = []
    for t_index, (line, level, heading) in enumerate(raw_topics):
        end = raw_topics[t_index + 1][0] if t_index + 1 < len(raw_topics) else len(lines)
        topics.append(
            Topic(tids[t_index], heading, level, line, end, tuple(members.get(t_index, ())))
        )
    return Thread(
        lines=tuple(lines),
        topics=tuple(topics),
        comments=tuple(comments),
        code_lines=frozenset(code),
        heading_lines=frozenset(heading_lines),
        depths=tuple(depth),
    )


# --- writing comments --------------------------------------------------------------------------


def _code_lines(text: str) -> set[int]:
    code, _, _ = _blocks(_MD.parse(text), text.count("\n") + 1)
    return code


def _outside_code_spans(line: str, fn: Callable[[str], str]) -> str:
    parts: list[str] = []
    pos = 0
    for span in CODE_SPAN_RE.finditer(line):
        parts.append(fn(line[pos : span.start()]))
        parts.append(span.group())
        pos = span.end()
    parts.append(fn(line[pos:]))
    return "".join(parts)


def expand_tildes(text: str, name: str, *, anonymous: bool, when: datetime) -> str:
    """MediaWiki's signature shortcuts, outside code: ``~~~~`` signs, ``~~~`` is the user link
    alone and ``~~~~~`` the timestamp alone."""
    if "~~~" not in text:
        return text
    full = {
        3: user_link(name, anonymous=anonymous),
        4: signature(name, anonymous=anonymous, when=when),
        5: stamp(when),
    }

    def expand(chunk: str) -> str:
        return _TILDES.sub(lambda m: full[len(m.group())], chunk)

    code = _code_lines(text)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "~~~" in line and i not in code:
            lines[i] = _outside_code_spans(line, expand)
    return "\n".join(lines)


def _unclosed_fence(lines: list[str], tokens: list[Token]) -> str | None:
    """The line that closes a top-level code fence left open at the end of ``lines``, if any.
    (A fence inside a list item or quote ends with it, when a line at column 0 follows.)"""
    for token in tokens:
        if token.type != "fence" or token.level != 0 or token.map is None:
            continue
        if token.map[1] < len(lines):
            continue
        closer = _FENCE_LINE.fullmatch(lines[-1]) if token.map[1] - token.map[0] > 1 else None
        if (
            closer is not None
            and closer.group(1)[0] == token.markup[0]
            and len(closer.group(1)) >= len(token.markup)
        ):
            continue
        return token.markup
    return None


def _escape_at(line: str, match: re.Match[str] | None) -> str:
    if match is None:
        return line
    return line[: match.end()] + "\\" + line[match.end() :]


def _escape_list_marker(line: str) -> str:
    match = _LIST_ITEM.match(line)
    if match is None:
        return line
    cut = match.end(2) - 1 if match.group(2)[-1] in ".)" else match.start(2)
    return line[:cut] + "\\" + line[cut:]


def prepare(text: str, name: str, *, anonymous: bool, when: datetime) -> str:
    """A comment as typed, made safe to put in a thread: trailing ``~~~~`` dropped (the server
    signs), other tildes expanded, and lines that would end the thread escaped (headings, setext
    underlines, a leading list marker, an unclosed code fence, a line that looks signed).
    EmptyComment when nothing is left."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        lines[-1] = _TRAILING_TILDES.sub("", lines[-1])
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise EmptyComment("empty comment")
    body = expand_tildes("\n".join(lines), name, anonymous=anonymous, when=when)
    lines = body.split("\n")
    tokens = _MD.parse(body)
    code, _, _ = _blocks(tokens, len(lines))
    closing = _unclosed_fence(lines, tokens)
    if closing is not None:
        lines.append(closing)
    for i, line in enumerate(lines):
        if i in code:
            continue
        line = _escape_at(line, _HEADING_LINE.match(line))
        line = _escape_at(line, _SETEXT_LINE.match(line))
        sig = find_signature(line)
        if sig is not None:  # a signature inside the text would split it into two comments
            line = line[: line.rindex("(UTC)")] + "\\" + line[line.rindex("(UTC)") :]
        lines[i] = line
    if 0 not in code:
        lines[0] = _escape_list_marker(lines[0])
    return "\n".join(lines)


def sign(body: str, name: str, *, anonymous: bool, when: datetime) -> str:
    """``body`` (from ``prepare``) with its signature: on the last line when that is a paragraph,
    otherwise (a list, code, a table, a quote) on a line of its own."""
    sig = signature(name, anonymous=anonymous, when=when)
    last = [t for t in _MD.parse(body) if t.level == 0 and t.nesting <= 0]
    if last and last[-1].type == "paragraph_close":
        return body + SEPARATOR + sig
    return f"{body}\n\n— {sig}"


def _content_column(line: str) -> int:
    """Where the text of a list item line starts (its indentation for other lines)."""
    match = _LIST_ITEM.match(line)
    if match is None:
        return len(line) - len(line.lstrip(" "))
    spaces = len(match.group(3).expandtabs(4))
    return len(match.group(1)) + len(match.group(2)) + (spaces if 1 <= spaces <= 4 else 1)


def _as_list_item(body: str, column: int) -> list[str]:
    pad = " " * column
    lines = body.split("\n")
    return [pad + "* " + lines[0]] + [
        pad + "  " + line if line.strip() else "" for line in lines[1:]
    ]


def reply_line(thread: Thread, parent: Comment) -> int:
    """Where a reply to ``parent`` goes: after its last reply (so replies stay in order)."""
    index = thread.comments.index(parent)
    last = parent
    for comment in thread.comments[index + 1 :]:
        if comment.topic != parent.topic or comment.depth <= parent.depth:
            break
        last = comment
    return last.end


def insert_reply(text: str, parent_id: str, signed: str) -> tuple[str, int]:
    """``text`` with ``signed`` inserted as a reply to comment ``parent_id``, one level deeper
    than it and after its earlier replies. Returns the new text and the reply's first line.
    CommentNotFound when the comment is not in ``text``."""
    thread = parse(text)
    parent = thread.comment(parent_id)
    if parent is None:
        raise CommentNotFound(parent_id)
    lines = list(thread.lines)
    column = _content_column(lines[parent.start]) if parent.depth > 0 else 0
    block = _as_list_item(signed, column)
    at = reply_line(thread, parent)
    following = lines[at] if at < len(lines) else ""
    if following.strip() and not _LIST_ITEM.match(following):
        block.append("")  # so the next line does not continue the reply lazily
    return "\n".join(lines[:at] + block + lines[at:]), at


def add_topic(text: str, subject: str, signed: str) -> tuple[str, int]:
    """``text`` with a new ``## subject`` topic at the end whose first comment is ``signed``.
    Returns the new text and the comment's first line."""
    subject = " ".join(subject.split()).lstrip("#").strip()
    if not subject:
        raise EmptyComment("empty subject")
    lines = text.rstrip().split("\n") if text.strip() else []
    closing = _unclosed_fence(lines, _MD.parse("\n".join(lines))) if lines else None
    if closing is not None:
        lines.append(closing)  # or the new topic would be swallowed by someone's code block
    if lines:
        lines.append("")
    lines += [f"## {subject}", ""]
    at = len(lines)
    return "\n".join(lines + signed.split("\n")), at


def comment_at(text: str, line: int) -> Comment:
    """The comment that starts at ``line`` (where ``insert_reply``/``add_topic`` put it)."""
    found = next((c for c in parse(text).comments if c.start == line), None)
    if found is None:
        raise CommentNotFound(f"line {line}")
    return found


# --- signing comments typed into the editor ----------------------------------------------------


def _added(old: list[str], new: list[str]) -> list[tuple[int, int]] | None:
    """Ranges of lines of ``new`` that were added to ``old`` (None: too big a change to tell)."""
    if not any(line.strip() for line in old):
        return [(0, len(new))]
    p = 0
    while p < len(old) and p < len(new) and old[p] == new[p]:
        p += 1
    s = 0
    while s < len(old) - p and s < len(new) - p and old[-1 - s] == new[-1 - s]:
        s += 1
    a, b = old[p : len(old) - s], new[p : len(new) - s]
    if not b:
        return []
    if not a:
        return [(p, p + len(b))]
    if len(a) * len(b) > MAX_DIFF_WORK:
        return None
    hunks: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "insert" or (tag == "replace" and not any(x.strip() for x in a[i1:i2])):
            start, end = p + j1, p + j2
            # Blank lines matched to old blank lines do not split one addition in two.
            if hunks and not any(line.strip() for line in new[hunks[-1][1] : start]):
                start = hunks.pop()[0]
            hunks.append((start, end))
    return hunks


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return (
        bool(stripped) and not _CATEGORY_LINE.fullmatch(line) and not _REDIRECT_LINE.match(stripped)
    )


def _inside_signed(thread: Thread, line: int, hunk: tuple[int, int]) -> bool:
    """Whether ``line`` was added inside an older comment (before that comment's signature)."""
    i = bisect_right([c.start for c in thread.comments], line) - 1
    if i < 0:
        return False
    comment = thread.comments[i]
    return comment.start < line < comment.end and not hunk[0] <= comment.end - 1 < hunk[1]


def presave(old: str, new: str, name: str, *, anonymous: bool, when: datetime) -> str:
    """Before a talk page is saved from the editor: expand ``~~~~`` and sign each comment that
    the edit added (relative to ``old``, the text the editor started from) and left unsigned.
    Text added inside an existing comment is an edit of it, and is not signed."""
    new = expand_tildes(new, name, anonymous=anonymous, when=when)
    added = _added(old.split("\n"), new.split("\n"))
    if not added:
        return new
    thread = parse(new)
    lines = list(thread.lines)
    unsigned: list[tuple[int, int, tuple[int, int]]] = []  # (last line, first line, hunk)
    for hunk in added:
        segment: list[int] = []
        for j in range(*hunk):
            heading = j in thread.heading_lines
            if heading or (j not in thread.code_lines and find_signature(lines[j])):
                if segment and heading:
                    unsigned.append((segment[-1], segment[0], hunk))
                segment = []
            elif j in thread.code_lines or _is_content(lines[j]):
                segment.append(j)
        if segment:
            unsigned.append((segment[-1], segment[0], hunk))
    sig = signature(name, anonymous=anonymous, when=when)
    for last, first, hunk in sorted(unsigned, reverse=True):
        if _inside_signed(thread, first, hunk):
            continue
        line = lines[last]
        if last in thread.code_lines or line.lstrip().startswith(("|", ">")):
            column = _content_column(lines[first]) if thread.depths[first] > 0 else 0
            lines[last + 1 : last + 1] = ["", " " * column + "— " + sig]
        else:
            lines[last] = line + SEPARATOR + sig
    return "\n".join(lines)
