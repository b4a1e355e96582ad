"""Three-way merge (``wiki.text.merging``): contract, diff3 rules, properties, prose cases."""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wiki.text import merging
from wiki.text.merging import Chunk, Conflict, MergeResult, _merge, merge3, tokenize

# --- helpers -------------------------------------------------------------------------------

VOCAB = ["a", "b", "c", "the", "dan", "kebijakan"]
# Words never in VOCAB: what the edits of the "disjoint" and "word" tests write.
FRESH = ["X", "Y", "Z", "baru", "new", "lain"]


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


def no_fast_path(base: str, theirs: str, yours: str) -> MergeResult:
    """The diff3 merge itself, without merge3's shortcuts for unchanged sides."""
    return _merge(base, theirs, yours, time.time() + 10)


def check_structure(result: MergeResult, base: str, theirs: str, yours: str) -> None:
    """Chunks are well formed; conflicts hold exact pieces of the three texts."""
    for chunk in result.chunks:
        assert (chunk.text is None) != (chunk.conflict is None)
        if chunk.text is not None:
            assert chunk.text
        if chunk.conflict is not None:
            assert chunk.conflict.base in base
            assert chunk.conflict.theirs in theirs
            assert chunk.conflict.yours in yours
    for first, second in zip(result.chunks, result.chunks[1:], strict=False):
        assert first.conflict is not None or second.conflict is not None  # clean ones coalesce
    if result.clean:
        assert result.proposal() == result.text()


line_st = st.lists(st.sampled_from(VOCAB), max_size=4).map(" ".join)


@st.composite
def texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(line_st, max_size=7))
    if not lines:
        return ""
    return "\n".join(lines) + ("\n" if draw(st.booleans()) else "")


@st.composite
def edited(draw: st.DrawFn, base: str) -> str:
    """``base`` after a few random line and word edits (or an unrelated text)."""
    if draw(st.integers(0, 5)) == 0:
        return draw(texts())
    lines = base.split("\n")
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(lines)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "word"]))
        if op == "insert" or i == len(lines):
            lines.insert(i, draw(line_st))
        elif op == "delete":
            del lines[i]
        elif op == "replace":
            lines[i] = draw(line_st)
        else:
            ws = lines[i].split(" ")
            k = draw(st.integers(0, len(ws) - 1))
            ws[k] = draw(st.sampled_from(VOCAB + FRESH))
            lines[i] = " ".join(ws)
    return "\n".join(lines)


@st.composite
def triples(draw: st.DrawFn) -> tuple[str, str, str]:
    base = draw(texts())
    return base, draw(edited(base)), draw(edited(base))


# --- contract ------------------------------------------------------------------------------


def test_chunk_needs_exactly_one_of_text_and_conflict() -> None:
    with pytest.raises(ValueError):
        Chunk()
    with pytest.raises(ValueError):
        Chunk(text="a", conflict=Conflict("", "", ""))
    assert Chunk(text="a").conflict is None
    assert Chunk(conflict=Conflict("b", "t", "y")).text is None


def test_clean_result() -> None:
    result = merge3("one\ntwo\nthree\n", "ONE\ntwo\nthree\n", "one\ntwo\nTHREE\n")
    assert result.clean
    assert result.conflicts == []
    assert result.text() == "ONE\ntwo\nTHREE\n"
    assert result.proposal() == result.text()


def test_conflict_result_and_proposal() -> None:
    result = merge3("a\nold\nz\n", "a\ntheirs\nz\n", "a\nyours\nz\n")
    assert not result.clean
    assert result.conflicts == [Conflict(base="old\n", theirs="theirs\n", yours="yours\n")]
    with pytest.raises(ValueError):
        result.text()
    assert result.proposal() == ("a\n<<<<<<< current\ntheirs\n=======\nyours\n>>>>>>> yours\nz\n")
    assert result.proposal(labels=("rev 12", "edit")) == (
        "a\n<<<<<<< rev 12\ntheirs\n=======\nyours\n>>>>>>> edit\nz\n"
    )


def test_markers_start_on_their_own_line_without_final_line_break() -> None:
    result = merge3("a\nb", "a\nB", "a\nb!")
    assert result.conflicts == [Conflict(base="b", theirs="B", yours="b!")]
    assert result.proposal() == "a\n<<<<<<< current\nB\n=======\nb!\n>>>>>>> yours\n"


def test_conflict_with_an_empty_side() -> None:
    result = merge3("a\nb\nc\n", "a\nc\n", "a\nB\nc\n")
    assert result.conflicts == [Conflict(base="b\n", theirs="", yours="B\n")]
    assert result.proposal() == "a\n<<<<<<< current\n=======\nB\n>>>>>>> yours\nc\n"


def test_empty_texts() -> None:
    assert merge3("", "", "").chunks == []
    assert merge3("", "", "").text() == ""
    assert merge3("a\n", "", "a\n").text() == ""
    assert merge3("a\n", "", "").text() == ""
    assert not merge3("", "x\n", "y\n").clean


# --- diff3 rules ---------------------------------------------------------------------------


def test_edits_on_neighbouring_lines_merge() -> None:
    base = "l1\nl2\nl3\nl4\nl5\nl6\nl7\n"
    result = merge3(base, base.replace("l5", "L5"), base.replace("l6", "L6"))
    assert result.text() == "l1\nl2\nl3\nl4\nL5\nL6\nl7\n"


def test_insertions_at_the_same_point_conflict_unless_identical() -> None:
    base = "a\nb\n"
    assert not merge3(base, "a\nx\nb\n", "a\ny\nb\n").clean
    assert merge3(base, "a\nx\nb\n", "a\nx\nb\n").text() == "a\nx\nb\n"
    # Appending at the end is an insertion at the same point too.
    assert not merge3(base, "a\nb\nx\n", "a\nb\ny\n").clean


def test_insertion_next_to_an_edited_line_merges() -> None:
    result = merge3("a\nb\nc\n", "a\nnew\nb\nc\n", "a\nB\nc\n")
    assert result.text() == "a\nnew\nB\nc\n"


def test_insertion_inside_a_changed_range_conflicts() -> None:
    assert not merge3("a\nb\nc\nd\n", "a\nB\nC\nd\n", "a\nb\nnew\nc\nd\n").clean


def test_delete_versus_edit_conflicts() -> None:
    result = merge3("a\nb\nc\n", "a\nc\n", "a\nb2\nc\n")
    assert not result.clean
    assert "b2" in result.proposal()


def test_identical_changes_are_taken_once() -> None:
    base = "a\nb\nc\n"
    result = merge3(base, "a\nB\nc\nd\n", "a\nB\nc\n")
    assert result.text() == "a\nB\nc\nd\n"


def test_word_level_merge_inside_one_line() -> None:
    result = merge3(
        "the quick brown fox jumps\n",
        "the slow brown fox jumps\n",
        "the quick brown fox leaps\n",
    )
    assert result.text() == "the slow brown fox leaps\n"


def test_word_level_touching_changes_conflict() -> None:
    # One side changes a word, the other the punctuation right after it: diff3 is
    # conservative at token level, a change must be separated by an unchanged token.
    assert not merge3("a b c.\n", "a b C.\n", "a b c!\n").clean


def test_word_level_line_join_and_edit() -> None:
    base = "one two\nthree four\n"
    result = merge3(base, "one two three four\n", "one two\nthree FOUR\n")
    assert result.text() == "one two three FOUR\n"


def test_trailing_newline_is_merged_as_a_flag() -> None:
    assert merge3("a\nb", "a\nb\n", "A\nb").text() == "A\nb\n"
    assert merge3("a\nb\n", "a\nb", "A\nb\n").text() == "A\nb"
    # Appending to a text without a final line break is an insertion, not an edit of "b".
    assert merge3("a\nb", "a\nB", "a\nb\nc").text() == "a\nB\nc"
    assert merge3("a\nb", "A\nb", "a\nb\nc\n").text() == "A\nb\nc\n"


def test_crlf_lines_are_kept_exactly() -> None:
    base = "a\r\nb\r\nc\r\n"
    result = merge3(base, "A\r\nb\r\nc\r\n", "a\r\nb\r\nC\r\n")
    assert result.text() == "A\r\nb\r\nC\r\n"


def test_timeout_falls_back_to_one_conflict() -> None:
    base, theirs, yours = "a\nb\n", "A\nb\n", "a\nB\n"
    result = merge3(base, theirs, yours, timeout=0)
    assert result.chunks == [Chunk(conflict=Conflict(base=base, theirs=theirs, yours=yours))]
    assert merge3(base, theirs, yours).text() == "A\nB\n"


def test_timeout_bounds_unrelated_big_texts() -> None:
    base = "\n".join(f"line {i} of the base" for i in range(20_000))
    theirs = "\n".join(f"{i} theirs text" for i in range(20_000, 0, -1))
    yours = "\n".join(f"yours {i * 7 % 20_000}" for i in range(20_000))
    start = time.perf_counter()
    result = merge3(base, theirs, yours, timeout=0.05)
    assert time.perf_counter() - start < 2.0
    assert not result.clean


def test_unchanged_sides_take_the_other_without_diffing() -> None:
    big = "x\n" * 100_000
    assert merge3(big, big + "y\n", big, timeout=0).text() == big + "y\n"
    assert merge3(big, big, "y\n" + big, timeout=0).text() == "y\n" + big


def test_tokenize() -> None:
    text = "Kebijakan publik — anak-anak don't café\n\n  x,y"
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert tokens[:3] == ["Kebijakan", " ", "publik"]
    assert "anak-anak" in tokens
    assert "don't" in tokens
    assert "café" in tokens
    assert tokens.count("\n") == 2
    assert "  " in tokens


# --- properties ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(texts(), texts(), texts())
def test_one_side_unchanged_takes_the_other(b: str, x: str, y: str) -> None:
    assert merge3(b, x, b).text() == x
    assert merge3(b, b, y).text() == y
    assert no_fast_path(b, x, b).text() == x
    assert no_fast_path(b, b, y).text() == y


@settings(max_examples=200, deadline=None)
@given(triples())
def test_same_change_on_both_sides_is_taken_once(t: tuple[str, str, str]) -> None:
    b, x, _ = t
    assert merge3(b, x, x).text() == x
    assert no_fast_path(b, x, x).text() == x


@settings(max_examples=300, deadline=None)
@given(triples())
def test_never_loses_a_word(t: tuple[str, str, str]) -> None:
    """Whatever the texts, every word one side added (counted with multiplicity) is in the
    proposal: merged text where clean, both sides of every conflict."""
    b, x, y = t
    result = merge3(b, x, y)
    check_structure(result, b, x, y)
    got = words(result.proposal())
    base_words = words(b)
    for side in (x, y):
        added = words(side) - base_words
        assert not added - got, (added - got, result.proposal())
    # A conflicted region keeps both sides' lines verbatim.
    proposal_lines = result.proposal().split("\n")
    for c in result.conflicts:
        for line in [*c.theirs.splitlines(), *c.yours.splitlines()]:
            assert line in proposal_lines


@settings(max_examples=300, deadline=None)
@given(triples())
def test_merge_is_symmetric(t: tuple[str, str, str]) -> None:
    b, x, y = t
    r1 = merge3(b, x, y)
    r2 = merge3(b, y, x)
    assert r1.clean == r2.clean
    if r1.clean:
        assert r1.text() == r2.text()
    else:
        assert [(c.base, c.theirs, c.yours) for c in r1.conflicts] == [
            (c.base, c.yours, c.theirs) for c in r2.conflicts
        ]


@settings(max_examples=200, deadline=None)
@given(triples())
def test_clash_precheck_changes_nothing(t: tuple[str, str, str]) -> None:
    """The token merge skips its second diff when a clash is certain; same result without."""
    b, x, y = t
    with_precheck = merge3(b, x, y)
    saved = merging._PRECHECK_LIMIT
    merging._PRECHECK_LIMIT = -1  # never pre-check
    try:
        without = merge3(b, x, y)
    finally:
        merging._PRECHECK_LIMIT = saved
    assert with_precheck == without


fresh_line_st = st.lists(st.sampled_from(FRESH), min_size=1, max_size=3).map(" ".join)


@st.composite
def disjoint_edits(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """Base of distinct lines, and one edit per side to regions with >= 1 line between."""
    lines = draw(st.lists(line_st, min_size=3, max_size=10, unique=True))
    n = len(lines)
    a0 = draw(st.integers(0, n - 1))
    a1 = draw(st.integers(a0, n - 1))
    c0 = draw(st.integers(a1 + 1, n))
    c1 = draw(st.integers(c0, n))
    first = draw(st.lists(fresh_line_st, max_size=3))
    second = draw(st.lists(fresh_line_st, max_size=3))
    eol = "\n" if draw(st.booleans()) else ""

    def text(ls: list[str]) -> str:
        return "\n".join(ls) + eol if ls else ""

    one = lines[:a0] + first + lines[a1:]
    two = lines[:c0] + second + lines[c1:]
    both = lines[:a0] + first + lines[a1:c0] + second + lines[c1:]
    # A last empty line without a final line break reads as a final line break.
    assume(eol or all(not ls or ls[-1] for ls in (lines, one, two, both)))
    if draw(st.booleans()):
        one, two = two, one
    return text(lines), text(one), text(two), text(both)


@settings(max_examples=300, deadline=None)
@given(disjoint_edits())
def test_disjoint_line_edits_merge(t: tuple[str, str, str, str]) -> None:
    base, theirs, yours, expected = t
    # Deleting everything at one end changes whether the text ends with a line break.
    assume(expected or not base)
    result = merge3(base, theirs, yours)
    assert result.clean, result.proposal()
    assert result.text() == expected


@st.composite
def word_edits(draw: st.DrawFn) -> tuple[str, str, str, str, list[str]]:
    """One line of distinct words; each side edits a different word, >= 1 word between."""
    ws = draw(st.lists(st.sampled_from(VOCAB), min_size=3, max_size=6, unique=True))
    i = draw(st.integers(0, len(ws) - 1))
    j = draw(st.integers(0, len(ws) - 1).filter(lambda j: abs(j - i) >= 2))
    news: list[str] = []

    def edit(k: int) -> str | None:
        op = draw(st.sampled_from(["replace", "insert", "delete"]))
        new = draw(st.sampled_from(FRESH))
        if op == "delete":
            return None
        news.append(new)
        return new if op == "replace" else f"{ws[k]} {new}"

    ei, ej = edit(i), edit(j)

    def line(edits: dict[int, str | None]) -> str:
        out = [edits.get(k, w) for k, w in enumerate(ws)]
        return " ".join(w for w in out if w is not None)

    before = draw(st.lists(line_st, max_size=2))
    after = draw(st.lists(line_st, max_size=2))
    assume(" ".join(ws) not in before + after)

    def text(mid: str) -> str:
        return "\n".join([*before, mid, *after]) + "\n"

    return (
        text(line({})),
        text(line({i: ei})),
        text(line({j: ej})),
        text(line({i: ei, j: ej})),
        news,
    )


@settings(max_examples=300, deadline=None)
@given(word_edits())
def test_edits_to_different_words_of_one_line_merge(
    t: tuple[str, str, str, str, list[str]],
) -> None:
    base, theirs, yours, expected, news = t
    result = merge3(base, theirs, yours)
    assert result.clean, result.proposal()
    assert result.text() == expected
    for new in news:
        assert new in result.text()


@st.composite
def same_word_edits(draw: st.DrawFn) -> tuple[str, str, str, str, str]:
    ws = draw(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=6, unique=True))
    i = draw(st.integers(0, len(ws) - 1))
    new_t, new_y = draw(st.lists(st.sampled_from(FRESH), min_size=2, max_size=2, unique=True))
    before = draw(st.lists(line_st, max_size=2))
    after = draw(st.lists(line_st, max_size=2))

    def text(word: str) -> str:
        return "\n".join([*before, " ".join([*ws[:i], word, *ws[i + 1 :]]), *after]) + "\n"

    return text(ws[i]), text(new_t), text(new_y), new_t, new_y


@settings(max_examples=200, deadline=None)
@given(same_word_edits())
def test_different_edits_of_the_same_word_conflict(t: tuple[str, str, str, str, str]) -> None:
    base, theirs, yours, new_t, new_y = t
    result = merge3(base, theirs, yours)
    assert not result.clean
    proposal = result.proposal()
    assert new_t in proposal
    assert new_y in proposal
    assert proposal.count("<<<<<<< current\n") == 1


# --- prose ---------------------------------------------------------------------------------

EN = """\
# Public transport policy

The city council adopted the new policy in March. Bus fares stay the same for students and \
older residents, and the night routes run every thirty minutes.

Residents can comment on the plan until the end of the year. The council publishes every \
comment together with its answer.

The policy will be reviewed after two years, based on ridership numbers and on the comments \
received.
"""

ID = """\
# Kebijakan transportasi umum

Dewan kota menetapkan kebijkan baru pada bulan Maret. Tarif bus tetap sama untuk pelajar \
dan warga lanjut usia, dan rute malam berjalan setiap tiga puluh menit.

Warga dapat memberikan tanggapan atas rencana ini sampai akhir tahun. Dewan menerbitkan \
setiap tanggapan bersama jawabannya.

Kebijakan ini akan ditinjau setelah dua tahun, berdasarkan jumlah penumpang dan tanggapan \
yang diterima.
"""

ID_TYPO_FIXED = ID.replace("kebijkan baru", "kebijakan baru")
ID_SENTENCE_ADDED = ID.replace(
    "yang diterima.", "yang diterima. Hasil tinjauan diumumkan di situs web kota."
)
ID_BOTH = ID_TYPO_FIXED.replace(
    "yang diterima.", "yang diterima. Hasil tinjauan diumumkan di situs web kota."
)
ID_PARA2_DELETED = ID.replace(
    "Warga dapat memberikan tanggapan atas rencana ini sampai akhir tahun. Dewan menerbitkan "
    "setiap tanggapan bersama jawabannya.\n\n",
    "",
)

EN_FIX = EN.replace("every thirty minutes", "every twenty minutes")
EN_SENTENCE = "A summary will be sent to every household."
EN_ADD = EN.replace("the comments received.", f"the comments received. {EN_SENTENCE}")
EN_BOTH = EN_FIX.replace("the comments received.", f"the comments received. {EN_SENTENCE}")

PROSE_CASES = [
    # id, base, theirs, yours, expected merged text (None: a conflict is expected)
    ("id: typo in para 1 + sentence in para 3", ID, ID_TYPO_FIXED, ID_SENTENCE_ADDED, ID_BOTH),
    ("id: the same typo fixed twice", ID, ID_TYPO_FIXED, ID_TYPO_FIXED, ID_TYPO_FIXED),
    (
        "id: typo fix and other words of the same sentence",
        ID,
        ID_TYPO_FIXED,
        ID.replace("pada bulan Maret", "pada bulan April"),
        ID_TYPO_FIXED.replace("pada bulan Maret", "pada bulan April"),
    ),
    (
        "id: both rewrite the same sentence",
        ID,
        ID.replace("Tarif bus tetap sama untuk pelajar", "Tarif bus turun untuk pelajar"),
        ID.replace("Tarif bus tetap sama untuk pelajar", "Tarif bus gratis untuk pelajar"),
        None,
    ),
    (
        "id: one deletes a paragraph the other edited",
        ID,
        ID_PARA2_DELETED,
        ID.replace("sampai akhir tahun", "sampai akhir bulan Juni"),
        None,
    ),
    (
        "id: one deletes a paragraph, the other edits the next one",
        ID,
        ID_PARA2_DELETED,
        ID_SENTENCE_ADDED,
        ID_PARA2_DELETED.replace(
            "yang diterima.", "yang diterima. Hasil tinjauan diumumkan di situs web kota."
        ),
    ),
    ("en: fix in para 1 + sentence in para 3", EN, EN_FIX, EN_ADD, EN_BOTH),
    (
        "en: both rewrite the same sentence",
        EN,
        EN.replace("Bus fares stay the same", "Bus fares go down"),
        EN.replace("Bus fares stay the same", "Bus fares are abolished"),
        None,
    ),
    (
        "en: different words of the heading changed",
        EN,
        EN.replace("# Public transport policy", "# Transport policy"),
        EN.replace("# Public transport policy", "# Public transport rules"),
        EN.replace("# Public transport policy", "# Transport rules"),
    ),
    (
        "en: the same word of the heading changed differently",
        EN,
        EN.replace("# Public transport policy", "# Public transport rules"),
        EN.replace("# Public transport policy", "# Public transport plan"),
        None,
    ),
    (
        "en: the same sentence added on both sides",
        EN,
        EN_ADD,
        EN_ADD,
        EN_ADD,
    ),
]


@pytest.mark.parametrize(
    ("base", "theirs", "yours", "expected"),
    [case[1:] for case in PROSE_CASES],
    ids=[case[0] for case in PROSE_CASES],
)
def test_prose(base: str, theirs: str, yours: str, expected: str | None) -> None:
    assert theirs != base
    assert yours != base
    result = merge3(base, theirs, yours)
    check_structure(result, base, theirs, yours)
    if expected is None:
        assert not result.clean
        proposal = result.proposal()
        for side in (theirs, yours):
            for line in side.splitlines():
                assert line in proposal
    else:
        assert result.clean, result.proposal()
        assert result.text() == expected


def test_unresolved_blocks_are_found_outside_fenced_code() -> None:
    from wiki.text.merging import new_unresolved_blocks, unresolved_blocks

    text = "a\n<<<<<<< current\nx\n=======\ny\n>>>>>>> yours\nb\n"
    [block] = unresolved_blocks(text)
    assert block.line == 2 and block.text.startswith("<<<<<<< current\nx")
    assert unresolved_blocks("```\n<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n```\n") == []
    assert unresolved_blocks("<<<<<<< a\nx\n>>>>>>> b\n") == []  # no middle: not a block
    assert unresolved_blocks("<<<<<<<< a\nx\n=======\n>>>>>>> b\n") == []  # eight, not seven
    # A page that already quotes a block may keep it; a second, new one is refused.
    assert new_unresolved_blocks(text, text) == []
    twice = text + "<<<<<<< current\nz\n=======\nw\n>>>>>>> yours\n"
    [new] = new_unresolved_blocks(twice, text)
    assert new.line == 8


def test_resolved_applies_one_choice_per_block() -> None:
    from wiki.text.merging import Resolution

    result = merge3("a\nb\nc\nd\n", "a\nB1\nc\nD1\n", "a\nB2\nc\nD2\n")
    assert len(result.conflicts) == 2
    assert result.resolved({0: (Resolution.THEIRS, ""), 1: (Resolution.YOURS, "")}) == (
        "a\nB1\nc\nD2\n"
    )
    both = result.resolved({0: (Resolution.BOTH, ""), 1: (Resolution.MANUAL, "d")})
    assert both == "a\nB1\nB2\nc\nd\n"
    half = result.resolved({0: (Resolution.YOURS, "")})
    assert half == "a\nB2\nc\n<<<<<<< current\nD1\n=======\nD2\n>>>>>>> yours\n"
