"""Tests of ``wiki.text.diffing``: line-aligned diffs with word highlights, Skips, JSON,
moved paragraphs, the CPU-time fallback and the diff cache."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.patrolkit import as_user, browser, post, save
from wiki.app import create_app
from wiki.db import Database
from wiki.settings import Settings
from wiki.text.diffing import (
    DiffResult,
    Row,
    Segment,
    Skip,
    diff,
    inline_segments,
    to_json,
    tokenize_words,
)
from wiki.text.diffing_align import CpuDeadline, diff_units
from wiki.text.diffing_cache import CacheStats, DiffCache, default_cache

ALL = 10**9  # a context so large that nothing is collapsed


def side_text(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def expand(result: DiffResult, old: str, new: str) -> tuple[str, str]:
    """Rebuild both texts from the rows, Skips expanded from the originals.

    Also checks that line numbers run on without gaps or overlaps on both sides.
    """
    old_lines = old.split("\n") if old else []
    new_lines = new.split("\n") if new else []
    left: list[str] = []
    right: list[str] = []
    ln = rn = 1
    for row in result.rows:
        if isinstance(row, Skip):
            assert (row.left_no, row.right_no) == (ln, rn)
            assert row.count > 0
            assert old_lines[ln - 1 : ln - 1 + row.count] == new_lines[rn - 1 : rn - 1 + row.count]
            left.extend(old_lines[ln - 1 : ln - 1 + row.count])
            right.extend(new_lines[rn - 1 : rn - 1 + row.count])
            ln += row.count
            rn += row.count
            continue
        if row.kind in ("context", "change", "remove", "moved_from"):
            assert row.left_no == ln
            text = side_text(row.left)
            left.append(text)
            ln += text.count("\n") + 1
        else:
            assert row.left_no is None
        if row.kind in ("context", "change", "add", "moved_to"):
            assert row.right_no == rn
            text = side_text(row.right)
            right.append(text)
            rn += text.count("\n") + 1
        else:
            assert row.right_no is None
    if result.identical:
        return old, new
    assert ln == len(old_lines) + 1 or not result.rows
    assert rn == len(new_lines) + 1 or not result.rows
    return "\n".join(left), "\n".join(right)


def check_row_shapes(result: DiffResult) -> None:
    for row in result.rows:
        if isinstance(row, Skip):
            continue
        kinds_left = {s.kind for s in row.left}
        kinds_right = {s.kind for s in row.right}
        if row.kind == "context":
            assert [s.kind for s in row.left] == ["equal"] and row.left == row.right
        elif row.kind == "change":
            assert row.left and row.right  # the template tests the truthiness of a side
            assert kinds_left <= {"equal", "delete"} and kinds_right <= {"equal", "insert"}
            assert "delete" in kinds_left or "insert" in kinds_right
            eq_left = [s.text for s in row.left if s.kind == "equal"]
            eq_right = [s.text for s in row.right if s.kind == "equal"]
            assert eq_left == eq_right
            assert all(s.text for s in row.left + row.right)
        elif row.kind == "remove":
            assert [s.kind for s in row.left] == ["delete"] and row.right == []
        elif row.kind == "moved_from":
            assert row.move is not None and row.right == [] and row.left == row.move.old
            assert kinds_left <= {"equal", "delete"}
            assert (row.left_no, row.right_no) == (row.move.from_no, None)
        elif row.kind == "moved_to":
            assert row.move is not None and row.left == [] and row.right == row.move.new
            assert kinds_right <= {"equal", "insert"}
            assert (row.left_no, row.right_no) == (None, row.move.to_no)
        else:
            assert row.kind == "add"
            assert row.left == [] and [s.kind for s in row.right] == ["insert"]


def rows_only(result: DiffResult) -> list[Row]:
    return [r for r in result.rows if isinstance(r, Row)]


def changes(result: DiffResult) -> list[Row]:
    return [r for r in rows_only(result) if r.kind != "context"]


# --- basics --------------------------------------------------------------------------------


def test_identical_texts() -> None:
    text = "Para one.\n\nPara two."
    result = diff(text, text)
    assert result == DiffResult(
        rows=[], coarse=False, identical=True, added_words=0, removed_words=0
    )
    assert diff("", "").identical


def test_insert_paragraph() -> None:
    old = "Alpha beta.\n\nGamma delta."
    new = "Alpha beta.\n\nNew words here.\n\nGamma delta."
    result = diff(old, new, context=ALL)
    assert not result.identical and not result.coarse
    added = changes(result)
    assert [r.kind for r in added] == ["add", "add"]
    assert sorted(side_text(r.right) for r in added) == ["", "New words here."]
    assert [r.right_no for r in added] == [3, 4] or [r.right_no for r in added] == [2, 3]
    assert result.added_words == 3 and result.removed_words == 0
    assert expand(result, old, new) == (old, new)
    check_row_shapes(result)


def test_delete_paragraph() -> None:
    old = "One.\n\nTwo two.\n\nThree."
    new = "One.\n\nThree."
    result = diff(old, new, context=ALL)
    removed = changes(result)
    assert {r.kind for r in removed} == {"remove"}
    assert sorted(side_text(r.left) for r in removed) == ["", "Two two."]
    assert result.removed_words == 2 and result.added_words == 0
    assert expand(result, old, new) == (old, new)


def test_from_and_to_empty_text() -> None:
    result = diff("", "a\nb")
    assert [(r.kind, r.right_no, side_text(r.right)) for r in rows_only(result)] == [
        ("add", 1, "a"),
        ("add", 2, "b"),
    ]
    result = diff("a b", "")
    assert [(r.kind, r.left_no, side_text(r.left)) for r in rows_only(result)] == [
        ("remove", 1, "a b")
    ]
    assert result.removed_words == 2


def test_one_word_change_is_a_change_row_with_that_word() -> None:
    old = "Intro.\n\nThe quick brown fox jumps over the lazy dog.\n\nOutro."
    new = "Intro.\n\nThe quick red fox jumps over the lazy dog.\n\nOutro."
    result = diff(old, new)
    (row,) = changes(result)
    assert row.kind == "change" and (row.left_no, row.right_no) == (3, 3)
    assert row.left == [
        Segment("equal", "The quick "),
        Segment("delete", "brown"),
        Segment("equal", " fox jumps over the lazy dog."),
    ]
    assert row.right == [
        Segment("equal", "The quick "),
        Segment("insert", "red"),
        Segment("equal", " fox jumps over the lazy dog."),
    ]
    assert (result.added_words, result.removed_words) == (1, 1)


def test_several_paragraphs_changed() -> None:
    paras = [f"Paragraph number {n} has some words in it." for n in range(1, 7)]
    old = "\n\n".join(paras)
    paras[1] = paras[1].replace("some", "many")
    paras[4] = paras[4].replace("words", "nice words")
    paras[5] = paras[5] + " And one more sentence."
    new = "\n\n".join(paras)
    result = diff(old, new)
    changed = changes(result)
    assert [(r.kind, r.left_no) for r in changed] == [("change", 3), ("change", 9), ("change", 11)]
    deleted = [[s.text for s in r.left if s.kind == "delete"] for r in changed]
    inserted = [[s.text for s in r.right if s.kind == "insert"] for r in changed]
    assert deleted == [["some"], [], []]
    assert inserted == [["many"], ["nice "], [" And one more sentence."]]
    assert result.added_words == 1 + 1 + 4 and result.removed_words == 1
    assert expand(result, old, new) == (old, new)
    check_row_shapes(result)


def test_changed_paragraph_pairs_with_its_new_version_not_with_an_insert() -> None:
    old = "Top.\n\nThe river floods the valley every spring season."
    new = (
        "Top.\n\nA completely new paragraph about mountains.\n\n"
        "The river floods the whole valley every spring season."
    )
    result = diff(old, new, context=ALL)
    kinds = [(r.kind, side_text(r.left), side_text(r.right)) for r in changes(result)]
    assert ("add", "", "A completely new paragraph about mountains.") in kinds
    (change,) = [r for r in changes(result) if r.kind == "change"]
    assert [s.text for s in change.right if s.kind == "insert"] == ["whole "]
    assert expand(result, old, new) == (old, new)


def test_unrelated_line_is_remove_plus_add_not_change() -> None:
    result = diff("x\nfoo\ny", "x\nbar\ny", context=ALL)
    assert [r.kind for r in rows_only(result)] == ["context", "remove", "add", "context"]


def test_moved_paragraph_shows_as_moved() -> None:
    a = "Alpha paragraph is the first one."
    b = "Beta paragraph is the middle one."
    c = "Gamma paragraph closes the text."
    old = f"{a}\n\n{b}\n\n{c}"
    new = f"{b}\n\n{c}\n\n{a}"
    result = diff(old, new, context=ALL)
    moved = [r for r in changes(result) if r.move is not None]
    assert [(r.kind, r.left_no, r.right_no) for r in moved] == [
        ("moved_from", 1, None),
        ("moved_to", None, 5),
    ]
    assert moved[0].move == moved[1].move
    assert moved[0].left == [Segment("equal", a)] and moved[1].right == [Segment("equal", a)]
    assert (result.added_words, result.removed_words) == (0, 0)
    assert not [r for r in changes(result) if r.kind == "change"]
    assert expand(result, old, new) == (old, new)
    check_row_shapes(result)


def test_word_changed_inside_a_moved_paragraph_is_highlighted() -> None:
    moving = "The treaty was signed in 1945 by all the member states of the union."
    vandal = "The treaty was signed in 1954 by all the member states of the union."
    others = [f"Paragraph {n} talks about something else entirely, number {n}." for n in range(5)]
    old = "\n\n".join([moving, *others])
    new = "\n\n".join([*others[:3], vandal, *others[3:]])
    result = diff(old, new)
    (src,) = [r for r in rows_only(result) if r.kind == "moved_from"]
    (dst,) = [r for r in rows_only(result) if r.kind == "moved_to"]
    assert [s.text for s in src.left if s.kind == "delete"] == ["1945"]
    assert [s.text for s in dst.right if s.kind == "insert"] == ["1954"]
    assert src.move == dst.move and src.move is not None
    assert (src.move.from_no, src.move.to_no) == (1, 7)
    merged = inline_segments(dst)
    assert [(s.kind, s.text) for s in merged if s.kind != "equal"] == [
        ("delete", "1945"),
        ("insert", "1954"),
    ]
    assert inline_segments(src) == merged
    assert (result.added_words, result.removed_words) == (1, 1)
    assert expand(result, old, new) == (old, new)
    check_row_shapes(result)
    entries = to_json(result)["diff"]
    (e4,) = [e for e in entries if e["type"] == 4]
    (e5,) = [e for e in entries if e["type"] == 5]
    assert e4["moveInfo"] == {
        "id": "movedpara_1_from",
        "linkId": "movedpara_1_to",
        "linkDirection": 0,
    }
    assert e5["moveInfo"]["linkId"] == "movedpara_1_from" and e5["moveInfo"]["linkDirection"] == 1
    assert e4["lineNumber"] is None and e5["lineNumber"] == 7
    text = e5["text"].encode()
    ranges = e5["highlightRanges"]
    spans = [(h["type"], text[h["start"] : h["start"] + h["length"]]) for h in ranges]
    assert spans == [(1, b"1945"), (0, b"1954")]


def test_unrelated_paragraphs_and_blank_lines_are_not_moves() -> None:
    old = "Intro.\n\nRivers flow down to the sea.\n\nEnd."
    new = "Intro.\n\nEnd.\n\nMountains rise high above clouds."
    result = diff(old, new, context=ALL)
    assert not [r for r in rows_only(result) if r.move is not None]
    assert expand(result, old, new) == (old, new)


def test_paragraph_moved_across_a_big_page_is_found() -> None:
    paras = [f"Paragraph {n} about w{n} and kata{n} with filler words here." for n in range(400)]
    moved = "This paragraph will travel from the top to the bottom of a long page."
    old = "\n\n".join([moved, *paras])
    new = "\n\n".join([*paras, moved.replace("long", "very long")])
    result = diff(old, new)
    kinds = [r.kind for r in rows_only(result) if r.kind != "context"]
    assert kinds.count("moved_from") == 1 and kinds.count("moved_to") == 1
    (dst,) = [r for r in rows_only(result) if r.kind == "moved_to"]
    assert [s.text for s in dst.right if s.kind == "insert"] == ["very "]
    assert expand(result, old, new) == (old, new)


def test_unicode_indonesian_and_accents() -> None:
    old = "Pemerintah menjelaskan kebijakan publik kepada masyarakat."
    new = "Pemerintah menjelaskan kebijakannya publik kepada masyarakat."
    (row,) = rows_only(diff(old, new))
    assert [s for s in row.left if s.kind == "delete"] == [Segment("delete", "kebijakan")]
    assert [s for s in row.right if s.kind == "insert"] == [Segment("insert", "kebijakannya")]

    (row,) = rows_only(diff("Un café très naïve.", "Un café très naïf."))
    assert [s.text for s in row.left if s.kind == "delete"] == ["naïve"]
    assert [s.text for s in row.right if s.kind == "insert"] == ["naïf"]
    # Decomposed accents (e + U+0301) stay inside the word too.
    (row,) = rows_only(diff("caf\u00e9 cafe\u0301 anak-anak", "caf\u00e9 cafe\u0301 anak-anak ya"))
    assert [s.text for s in row.right if s.kind == "insert"] == [" ya"]


def test_tokenize_words() -> None:
    assert tokenize_words("kebijakannya publik, anak-anak!") == [
        "kebijakannya",
        " ",
        "publik",
        ",",
        " ",
        "anak-anak",
        "!",
    ]
    assert tokenize_words("naïve cafe\u0301  don't") == ["naïve", " ", "cafe\u0301", "  ", "don't"]
    assert tokenize_words("a\n\n(b)") == ["a", "\n\n", "(", "b", ")"]
    assert tokenize_words("東京 x_1") == ["東", "京", " ", "x_1"]
    assert tokenize_words("") == []


@given(st.text(max_size=200))
def test_tokenize_words_round_trips(text: str) -> None:
    assert "".join(tokenize_words(text)) == text
    assert all(tokenize_words(text))


# --- context collapsing --------------------------------------------------------------------


def numbered(n: int) -> list[str]:
    return [f"line {i} text" for i in range(1, n + 1)]


def test_context_collapsing_counts_and_numbers() -> None:
    lines = numbered(20)
    old = "\n".join(lines)
    lines[9] = "line 10 changed"
    new = "\n".join(lines)
    result = diff(old, new, context=1)
    shape = [
        ("skip", r.left_no, r.right_no, r.count) if isinstance(r, Skip) else (r.kind, r.left_no)
        for r in result.rows
    ]
    assert shape == [
        ("skip", 1, 1, 8),
        ("context", 9),
        ("change", 10),
        ("context", 11),
        ("skip", 12, 12, 9),
    ]
    assert result.rows[0] == Skip(1, 1, 8)
    assert expand(result, old, new) == (old, new)

    result = diff(old, new, context=0)
    assert [type(r).__name__ for r in result.rows] == ["Skip", "Row", "Skip"]
    assert result.rows[0] == Skip(1, 1, 9) and result.rows[2] == Skip(11, 11, 10)

    result = diff(old, new, context=3)
    assert result.rows[0] == Skip(1, 1, 6) and result.rows[-1] == Skip(14, 14, 7)
    assert len(result.rows) == 2 + 3 + 1 + 3


def test_context_between_two_changes_and_shifted_numbers() -> None:
    lines = numbered(30)
    old = "\n".join(lines)
    new_lines = ["inserted at the top", "and another", *lines]
    new_lines[2 + 4] = "line 5 edited"  # old line 5
    new_lines[2 + 7] = "line 8 edited"  # old line 8: 2 unchanged lines between, no skip
    new_lines[2 + 24] = "line 25 edited"
    new = "\n".join(new_lines)
    result = diff(old, new, context=1)
    skips = [r for r in result.rows if isinstance(r, Skip)]
    assert skips == [Skip(2, 4, 2), Skip(10, 12, 14), Skip(27, 29, 4)]
    # No Skip between the changes at lines 5 and 8 (only lines 6-7 lie between).
    kinds = [(r.kind, r.left_no, r.right_no) for r in rows_only(result)]
    assert kinds[:2] == [("add", None, 1), ("add", None, 2)]
    assert ("context", 6, 8) in kinds and ("context", 7, 9) in kinds
    assert expand(result, old, new) == (old, new)


def test_skip_byte_sizes_do_not_affect_equality() -> None:
    assert Skip(1, 2, 3, left_bytes=10, right_bytes=20) == Skip(1, 2, 3)


# --- inline view ---------------------------------------------------------------------------


def test_inline_segments_reading_order() -> None:
    (row,) = rows_only(diff("one two three four five", "one TWO three four FIVE"))
    assert inline_segments(row) == [
        Segment("equal", "one "),
        Segment("delete", "two"),
        Segment("insert", "TWO"),
        Segment("equal", " three four "),
        Segment("delete", "five"),
        Segment("insert", "FIVE"),
    ]
    result = diff("keep\ngone", "keep\nnew one", context=ALL)
    assert [inline_segments(r) for r in rows_only(result)] == [
        [Segment("equal", "keep")],
        [Segment("delete", "gone")],
        [Segment("insert", "new one")],
    ]


def test_inline_segments_handles_unevenly_split_equal_text() -> None:
    row = Row(
        "change",
        1,
        1,
        [Segment("equal", "ab"), Segment("equal", "c"), Segment("delete", "X")],
        [Segment("equal", "a"), Segment("insert", "Y"), Segment("equal", "bc")],
    )
    merged = inline_segments(row)
    assert "".join(s.text for s in merged if s.kind != "insert") == "abcX"
    assert "".join(s.text for s in merged if s.kind != "delete") == "aYbc"


# --- JSON ----------------------------------------------------------------------------------


def test_to_json_shape_types_and_byte_ranges() -> None:
    old = "Judul\n\nSatu dua.\n\nKata café lama.\n\nHapus ini.\n\nx\ny\nz"
    new = "Judul\n\nSatu dua.\n\nKata café baru.\n\nx\ny\nz\nTambah."
    result = diff(old, new, context=1)
    data = to_json(result)
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"diff", "coarse"} and data["coarse"] is False
    entries = data["diff"]
    for e in entries:
        assert set(e) == {"type", "lineNumber", "text", "highlightRanges", "offset"}
        assert set(e["offset"]) == {"from", "to"}
    by_type = {e["type"]: e for e in entries}
    change = by_type[3]
    assert change["text"] == "Kata café lamabaru."
    raw = change["text"].encode("utf-8")
    got = [
        (raw[h["start"] : h["start"] + h["length"]].decode(), h["type"])
        for h in change["highlightRanges"]
    ]
    assert got == [("lama", 1), ("baru", 0)]
    assert change["lineNumber"] == 5
    deleted = [e for e in entries if e["type"] == 2]
    assert "Hapus ini." in [e["text"] for e in deleted]
    assert all(e["lineNumber"] is None and e["offset"]["to"] is None for e in deleted)
    added = [e for e in entries if e["type"] == 1]
    assert [e["text"] for e in added] == ["Tambah."]
    assert added[0]["offset"]["from"] is None and added[0]["lineNumber"] == 10
    check_json_offsets(result, old, new)


def check_json_offsets(result: DiffResult, old: str, new: str) -> None:
    """Byte offsets point at the start of each line in the UTF-8 texts, across Skips."""
    old_b, new_b = old.encode(), new.encode()
    for e, row in zip(to_json(result)["diff"], rows_only(result), strict=True):
        for key, data, segments in (("from", old_b, row.left), ("to", new_b, row.right)):
            at = e["offset"][key]
            if at is None:
                assert not segments
                continue
            assert data[at:].startswith(side_text(segments).encode())
            assert at == 0 or data[at - 1 : at] == b"\n"


def test_to_json_identical() -> None:
    assert to_json(diff("a", "a")) == {"diff": [], "coarse": False}


# --- time limit ----------------------------------------------------------------------------


def test_tiny_timeout_gives_coarse_paragraph_rows() -> None:
    old = "Intro stays.\n\nSecond paragraph old words.\n\nMiddle stays.\n\nFourth one."
    new = "Intro stays.\n\nSecond paragraph new words.\n\nMiddle stays.\n\nFourth one.\n\nFifth."
    result = diff(old, new, timeout=1e-9, context=ALL)
    assert result.coarse and not result.identical
    assert [(r.kind, r.left_no, r.right_no) for r in rows_only(result)] == [
        ("context", 1, 1),
        ("context", 2, 2),
        ("remove", 3, None),
        ("add", None, 3),
        ("context", 4, 4),
        ("context", 5, 5),
        ("context", 6, 6),
        ("context", 7, 7),
        ("add", None, 8),
    ]
    rows = rows_only(result)
    assert rows[2].left == [Segment("delete", "Second paragraph old words.")]
    assert rows[3].right == [Segment("insert", "Second paragraph new words.")]
    assert rows[-1].right == [Segment("insert", "\nFifth.")]  # one row per changed run
    assert (result.added_words, result.removed_words) == (5, 4)
    assert expand(result, old, new) == (old, new)
    check_row_shapes(result)
    assert to_json(result)["coarse"] is True


def generated_text(seed: int, size: int, line_len: int = 300) -> str:
    rng = random.Random(seed)
    vocab = ["kata", "publik", "data", "rumah", "word", "river", "stone", "light", "kebijakan"]
    vocab += [f"w{n}" for n in range(2000)]
    out: list[str] = []
    total = 0
    while total < size:
        line = " ".join(rng.choices(vocab, k=line_len // 6))
        out.append(line)
        total += len(line) + 2
    return "\n\n".join(out)


def test_unrelated_big_texts_fall_back_to_coarse() -> None:
    old = generated_text(1, 600_000)
    new = generated_text(2, 600_000)
    result = diff(old, new, timeout=0.2)
    # They share no line: not aligned at all, and the result says why it is coarse.
    assert result.coarse and result.unrelated
    assert [r.kind for r in rows_only(result)] == ["remove", "add"]
    assert expand(result, old, new) == (old, new)
    check_row_shapes(result)


def test_big_texts_sharing_some_lines_are_not_called_unrelated() -> None:
    old = generated_text(1, 100_000)
    lines = old.split("\n")
    other = generated_text(2, 100_000).split("\n")
    # Every tenth paragraph kept: 10 % shared, so they are aligned as usual.
    new = "\n".join(line if k % 10 == 0 else other[k % len(other)] for k, line in enumerate(lines))
    result = diff(old, new, timeout=30.0)
    assert not result.unrelated and not result.coarse
    assert expand(result, old, new) == (old, new)
    # And a time-out is a time-out, not "unrelated".
    timed_out = diff(old, new, timeout=1e-9)
    assert timed_out.coarse and not timed_out.unrelated


def test_word_level_timeout_on_one_huge_line() -> None:
    old = generated_text(3, 300_000).replace("\n", " ")
    new = generated_text(4, 300_000).replace("\n", " ")
    result = diff(old, new, timeout=0.01)
    assert result.coarse
    assert [r.kind for r in rows_only(result)] == ["remove", "add"]
    assert expand(result, old, new) == (old, new)


def test_big_similar_texts_are_diffed_finely() -> None:
    old = generated_text(5, 200_000)
    rng = random.Random(7)
    words = old.split(" ")
    for _ in range(200):
        k = rng.randrange(len(words))
        if "\n" not in words[k]:
            words[k] = "CHANGED"
    new = " ".join(words)
    result = diff(old, new, timeout=30.0)
    assert not result.coarse
    assert all(r.kind in ("change", "context") for r in rows_only(result))
    inserted = {s.text for r in changes(result) for s in r.right if s.kind == "insert"}
    assert inserted <= {"CHANGED", "CHANGED CHANGED", "CHANGED CHANGED CHANGED"}
    assert expand(result, old, new) == (old, new)


# --- properties ----------------------------------------------------------------------------

_pieces = st.sampled_from(
    ["a", "b", "kata", "publik", "café", "x-y", " ", "  ", ",", ".", "\n", "\n", "\n\n", "東"]
)
_texts = st.lists(_pieces, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(old=_texts, new=_texts, context=st.sampled_from([0, 1, 2, ALL]))
def test_rows_reconstruct_both_texts_exactly(old: str, new: str, context: int) -> None:
    result = diff(old, new, context=context)
    assert result.identical == (old == new)
    assert expand(result, old, new) == (old, new)
    check_row_shapes(result)
    if context == ALL:
        assert not any(isinstance(r, Skip) for r in result.rows)
        left = [side_text(r.left) for r in rows_only(result) if r.kind not in ("add", "moved_to")]
        right = [
            side_text(r.right) for r in rows_only(result) if r.kind not in ("remove", "moved_from")
        ]
        if not result.identical:
            assert "\n".join(left) == old and "\n".join(right) == new
    for row in rows_only(result):
        merged = inline_segments(row)
        left, right = (row.move.old, row.move.new) if row.move else (row.left, row.right)
        assert "".join(s.text for s in merged if s.kind != "insert") == side_text(left)
        assert "".join(s.text for s in merged if s.kind != "delete") == side_text(right)
    check_json_offsets(result, old, new)
    data = to_json(result)
    for entry, row in zip(data["diff"], rows_only(result), strict=True):
        size = len(entry["text"].encode())
        for h in entry["highlightRanges"]:
            assert h["start"] >= 0 and h["start"] + h["length"] <= size
        if row.kind == "change":
            assert entry["text"] == "".join(s.text for s in inline_segments(row))


@settings(max_examples=100, deadline=None)
@given(old=_texts, new=_texts)
def test_coarse_rows_reconstruct_both_texts_exactly(old: str, new: str) -> None:
    result = diff(old, new, timeout=1e-9, context=ALL)
    assert expand(result, old, new) == (old, new)
    check_row_shapes(result)
    check_json_offsets(result, old, new)


@pytest.mark.parametrize("context", [0, 1, 5])
def test_word_counts_match_highlighted_words(context: int) -> None:
    old = "Satu dua tiga.\n\nEmpat lima enam tujuh.\n\nDelapan."
    new = "Satu dua tiga empat.\n\nEmpat enam tujuh.\n\nDelapan.\n\nSembilan sepuluh."
    result = diff(old, new, context=context)
    assert (result.added_words, result.removed_words) == (3, 1)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=12),
    data=st.data(),
)
def test_moved_paragraph_with_one_changed_word_property(n: int, data: st.DataObject) -> None:
    """Whatever paragraph moves wherever, edited in one word: one move, that word marked."""
    paras = [" ".join(f"p{k}w{j}" for j in range(8)) for k in range(n)]
    src = data.draw(st.integers(0, n - 1), label="src")
    dst = data.draw(st.integers(0, n - 1).filter(lambda d: d != src), label="dst")
    word = data.draw(st.integers(0, 7), label="word")
    moved = paras[src].replace(f"p{src}w{word}", "CHANGED")
    rest = paras[:src] + paras[src + 1 :]
    new_paras = [*rest[:dst], moved, *rest[dst:]]
    old, new = "\n\n".join(paras), "\n\n".join(new_paras)
    result = diff(old, new, context=ALL)
    assert not result.coarse
    ends = [r for r in rows_only(result) if r.kind != "context"]
    # Swapping neighbours may be told as either of them moving; every paragraph that left
    # its place is a move, and the edited one carries exactly its one changed word.
    assert {r.kind for r in ends} <= {"moved_from", "moved_to", "remove", "add"}
    assert all(not side_text(r.left + r.right) for r in ends if r.move is None)
    deleted = [s.text for r in ends if r.kind == "moved_from" for s in r.left if s.kind == "delete"]
    inserted = [s.text for r in ends if r.kind == "moved_to" for s in r.right if s.kind == "insert"]
    assert deleted == [f"p{src}w{word}"] and inserted == ["CHANGED"]
    (src_row,) = [r for r in ends if r.kind == "moved_from" and side_text(r.left) == paras[src]]
    assert src_row.move is not None
    assert inline_segments(src_row) == inline_segments(
        next(r for r in ends if r.kind == "moved_to" and r.move == src_row.move)
    )
    assert (result.added_words, result.removed_words) == (1, 1)
    assert expand(result, old, new) == (old, new)
    check_row_shapes(result)
    check_json_offsets(result, old, new)


# --- through the app: the diff page, the REST compare, the cache ---------------------------

TREATY = "The treaty was signed in 1945 by all the member states of the union."
OTHERS = [f"Paragraph {n} tells about something else entirely, number {n}." for n in range(5)]


def moved_page(client: TestClient) -> None:
    save(client, "Treaty", "\n\n".join([TREATY, *OTHERS]))
    moved = TREATY.replace("1945", "1954")  # the vandal's change, hidden in a move
    save(client, "Treaty", "\n\n".join([*OTHERS[:3], moved, *OTHERS[3:]]))


@pytest.mark.parametrize("mode", ["side", "inline"])
@pytest.mark.parametrize(
    ("lang", "moved_to", "moved_from"),
    [
        ("en", "Paragraph moved to line 7", "Paragraph moved from line 1"),
        ("id", "Paragraf dipindah ke baris 7", "Paragraf dipindah dari baris 1"),
    ],
)
def test_diff_page_shows_the_move_and_the_changed_word(
    client: TestClient, mode: str, lang: str, moved_to: str, moved_from: str
) -> None:
    moved_page(client)
    r = client.get(f"/wiki/Treaty?diff=2&oldid=1&diffmode={mode}&uselang={lang}")
    assert r.status_code == 200
    page = r.text
    # Both places are labelled in words and linked to each other.
    assert f'<a class="diff-move-link" href="#diff-move-1-to">{moved_to} ↓</a>' in page
    assert f'<a class="diff-move-link" href="#diff-move-1-from">{moved_from} ↑</a>' in page
    assert 'id="diff-move-1-from"' in page and 'id="diff-move-1-to"' in page
    # The one changed word is marked, on its own, in both modes.
    # (Blank lines that moved with the paragraph are empty <del>/<ins> in the inline view.)
    # (A vandalism reason about the number may wrap it in <mark>: look through that.)
    words = lambda tag: [  # noqa: E731
        re.sub(r"<[^>]+>", "", w)
        for w in re.findall(rf'<{tag} class="diffchange">(.*?)</{tag}>', page)
    ]
    deleted = [w for w in words("del") if w]
    inserted = [w for w in words("ins") if w]
    assert deleted == ["1945"] * (2 if mode == "inline" else 1) and inserted == ["1954"]
    assert "diff-coarse" not in page


def test_rest_compare_reports_the_move(client: TestClient) -> None:
    moved_page(client)
    data = client.get("/w/rest.php/v1/revision/1/compare/2").json()
    types = [e["type"] for e in data["diff"]]
    assert types.count(4) == 1 and types.count(5) == 1
    (dest,) = [e for e in data["diff"] if e["type"] == 5]
    text = dest["text"].encode()
    assert [text[h["start"] : h["start"] + h["length"]] for h in dest["highlightRanges"]] == [
        b"1945",
        b"1954",
    ]


def test_slow_diff_says_it_took_too_long_not_too_different(app_settings: Settings) -> None:
    paras = [" ".join(f"p{k}w{j}" for j in range(40)) for k in range(300)]
    old = "\n".join(paras)
    new = "\n".join(p.replace("w7 ", "changed ") for p in paras)
    tight = dataclasses.replace(app_settings, diff_timeout=1e-9)
    app = create_app(tight)
    with TestClient(app, follow_redirects=False) as c:
        save(c, "Slow", old)
        save(c, "Slow", new)
        for lang, words in (
            ("en", "This comparison took too long; showing changed paragraphs."),
            ("id", "Perbandingan ini memakan waktu terlalu lama"),
        ):
            page = c.get(f"/wiki/Slow?diff=2&oldid=1&uselang={lang}").text
            assert words in page
            assert "almost no lines" not in page and "hampir tidak memiliki" not in page
    app.state.wiki.db.dispose()


def test_unrelated_texts_say_so(client: TestClient) -> None:
    save(client, "Swap", generated_text(21, 60_000))
    save(client, "Swap", generated_text(22, 60_000))
    for lang, words in (
        ("en", "These texts have almost no lines in common, so whole paragraphs are shown."),
        ("id", "Kedua teks ini hampir tidak memiliki baris yang sama"),
    ):
        page = client.get(f"/wiki/Swap?diff=2&oldid=1&uselang={lang}").text
        assert words in page and "diff-unrelated" in page
        assert "took too long" not in page and "terlalu lama" not in page


def test_a_second_view_of_a_diff_comes_from_the_cache(client: TestClient) -> None:
    moved_page(client)
    url = "/wiki/Treaty?diff=2&oldid=1"
    first = client.get(url)
    before = default_cache.stats()
    second = client.get(url)
    after = default_cache.stats()
    assert after.hits == before.hits + 1 and after.misses == before.misses
    assert first.status_code == second.status_code == 200
    assert "1954" in second.text and 'id="diff-move-1-to"' in second.text


def test_diff_cache_is_bounded_and_keyed_by_content() -> None:
    cache = DiffCache(max_chars=100, max_entries=2)
    a = cache.diff("one two", "one three", timeout=1.0)
    assert cache.diff("one two", "one three", timeout=1.0) is a
    assert cache.diff("one two", "one four", timeout=1.0) is not a
    cache.diff("x", "y", timeout=1.0)
    assert cache.stats().entries == 2  # the least recently used pair was dropped
    big = "w " * 60
    cache.diff(big, big + "z", timeout=1.0)
    assert cache.stats().chars <= 100
    assert cache.stats() == CacheStats(hits=1, misses=4, entries=2, chars=cache.stats().chars)


def test_cached_diffs_of_hidden_revisions_stay_hidden(client: TestClient, db: Database) -> None:
    app = client.app
    save(browser(app, "192.0.2.50"), "Private", "Public words about policy.")
    save(browser(app, "203.0.113.9"), "Private", "Public words about policy. 0812SECRET")
    reader = browser(app, "192.0.2.51")
    assert "0812SECRET" in reader.get("/wiki/Private?diff=2&oldid=1").text  # now cached
    assert reader.get("/w/rest.php/v1/revision/1/compare/2").status_code == 200
    save(browser(app, "192.0.2.50"), "Private", "Public words about policy.")  # the latest
    admin = as_user(app, db, "Admin", groups=("admin",), ip="192.0.2.40")
    r = post(admin, "/wiki/Special:RevisionDelete", {"ids": "2", "hide-text": "1", "reason": "x"})
    assert r.status_code == 303
    page = reader.get("/wiki/Private?diff=2&oldid=1")
    assert page.status_code in (200, 403) and "0812SECRET" not in page.text
    assert reader.get("/w/rest.php/v1/revision/1/compare/2").status_code == 403
    assert "0812SECRET" in admin.get("/wiki/Private?diff=2&oldid=1").text


def test_a_line_rewritten_in_place_is_not_a_move() -> None:
    result = diff("aa東aaaaaaaa", " aa東aaaaaa", context=ALL)
    assert not [r for r in rows_only(result) if r.move is not None]


def test_the_time_limit_counts_cpu_time_not_waiting() -> None:
    deadline = CpuDeadline(0.05)
    time.sleep(0.2)  # a busy machine: time passes, this thread does no work
    assert not deadline.passed()
    # diff-match-patch's own bail-out (``time.time() > deadline``) asks the CPU clock too.
    assert not (time.time() > deadline)
    spent = CpuDeadline(0.0)
    while not spent.passed():
        pass
    assert time.time() > spent
    old = generated_text(11, 200_000)
    new = generated_text(12, 200_000)
    result = diff_units(old, new, spent)
    assert "".join(s for op, s in result if op != 1) == old  # a valid (if coarse) answer
    assert "".join(s for op, s in result if op != -1) == new
