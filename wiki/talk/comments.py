"""What a talk page's comments say (new comments, mentions, excerpts), and the rendered page's
signatures turned into anchors and Reply links. Pure: no I/O."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from wiki.errors import InvalidTitle
from wiki.talk.signatures import LINK_RE, is_ip
from wiki.talk.threads import CODE_SPAN_RE, Comment, Thread, parse
from wiki.text import markup, titles

MAX_MENTIONS = 20
_MENTION = re.compile(r"(?<![\w@./+-])@([^\s@\[\]|#<>{}/:,;!?()\"'`*~=]+)")
_HTML_STAMP = re.compile(
    r"(?<![\w-])(\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})? \(UTC\))"
    r"(?=[ \t]*(?:\n|<br|</p>|</li>|<ul|<ol|</td>|$))"
)
_HTML_SKIP = re.compile(r"<pre[\s>].*?</pre>|<code[\s>].*?</code>", re.S)


# --- what a new comment says -------------------------------------------------------------------


def new_comments(old: str, new: str) -> list[Comment]:
    """Comments of ``new`` whose ids are not in ``old``, in document order."""
    before = {c.id for c in parse(old).comments}
    return [c for c in parse(new).comments if c.id not in before]


def _normal_name(raw: str) -> str | None:
    name = " ".join(raw.replace("_", " ").split())
    if not name or name.startswith(".") or len(name) > 85:
        return None
    return name[0].upper() + name[1:]


def mentions(thread: Thread, comment: Comment) -> list[str]:
    """User names a comment mentions with ``[[User:Name]]`` or ``@Name``, in order, no repeats
    (code and the comment's own signature excluded)."""
    names: list[str] = []
    text_lines = [
        line
        for i, line in enumerate(thread.text(comment).split("\n"), start=comment.start)
        if i not in thread.code_lines
    ]
    for line in text_lines:
        line = CODE_SPAN_RE.sub(" ", line)
        found: list[tuple[int, str]] = []
        for link in LINK_RE.finditer(line):
            try:
                title = titles.parse(link.group(1).strip())
            except InvalidTitle:
                continue
            if title.ns == titles.NS_USER and not is_ip(title.text):
                found.append((link.start(), title.text.split("/", 1)[0]))
        for at in _MENTION.finditer(LINK_RE.sub(lambda m: " " * len(m.group()), line)):
            name = _normal_name(at.group(1).rstrip("."))
            if name is not None:
                found.append((at.start(), name))
        for _, name in sorted(found):
            if name not in names:
                names.append(name)
    return names[:MAX_MENTIONS]


def excerpt(thread: Thread, comment: Comment, limit: int = 160) -> str:
    """The comment as plain text, shortened to ``limit`` characters."""
    text = " ".join(markup.plain_text(thread.text(comment)).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- the rendered page -------------------------------------------------------------------------


def annotate_html(html: str, thread: Thread, tools: Callable[[Comment], str]) -> str:
    """Replace each comment's timestamp in the page's rendered HTML by ``tools(comment)`` (its
    anchor and Reply link). Timestamps are matched to the parsed comments in order, so one that
    is not a signature (in code, mid-sentence) is left alone."""
    skip = [(m.start(), m.end()) for m in _HTML_SKIP.finditer(html)]
    skip_starts = [s for s, _ in skip]
    comments = thread.comments
    out: list[str] = []
    pos = k = 0
    for match in _HTML_STAMP.finditer(html):
        i = bisect_right(skip_starts, match.start()) - 1
        if i >= 0 and match.start() < skip[i][1]:
            continue
        j = next(
            (j for j in range(k, min(k + 4, len(comments))) if comments[j].stamp == match.group(1)),
            None,
        )
        if j is None:
            continue
        out += [html[pos : match.start()], tools(comments[j])]
        pos, k = match.end(), j + 1
    out.append(html[pos:])
    return "".join(out)
