"""Tokens for word-level merging: words (with their combining marks, and apostrophes or
hyphens inside them), runs of spaces, line breaks and single other characters. Pure."""

from __future__ import annotations

import re

# Combining marks stay inside a word (decomposed accents: "e" + U+0301).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Scripts written without spaces: every character is a word of its own.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_CHAR = rf"(?:[^\W{_CJK}]|[{_MARKS}])"
_WORD = rf"[{_CJK}]|{_WORD_CHAR}+(?:['’-]{_WORD_CHAR}+)*"
_TOKEN_RE = re.compile(rf"{_WORD}|[^\S\n]+|.", re.DOTALL)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into merge tokens: words, runs of whitespace other than line breaks,
    and single other characters (a line break is always a token of its own).

    Words are runs of letters/digits/underscore/combining marks ("kebijakannya", "café");
    a hyphen or apostrophe between word parts keeps them together ("anak-anak", "don't").
    ``"".join(tokenize(text)) == text`` always holds.
    """
    return _TOKEN_RE.findall(text)
