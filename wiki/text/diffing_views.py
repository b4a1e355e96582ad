"""Views of a diff: the one-column (inline) reading order and MediaWiki-style JSON.

Pure (no I/O, no HTML): the templates escape the text.
"""

from __future__ import annotations

from typing import Any

from wiki.text.diffing_rows import DiffResult, Row, Segment, Skip

__all__ = ["inline_segments", "merge_sides", "to_json"]


def inline_segments(row: Row) -> list[Segment]:
    """The one-column view of a row: left and right merged in reading order.

    Between two equal stretches the deleted text comes first, then the inserted text.
    Context rows give their equal segment, remove/add rows their single segment. Both ends
    of a moved paragraph give the merged word diff of the move (old and new line).
    """
    if row.move is not None:
        return merge_sides(row.move.old, row.move.new)
    if row.kind != "change":
        return list(row.left or row.right)
    return merge_sides(row.left, row.right)


def merge_sides(left: list[Segment], right: list[Segment]) -> list[Segment]:
    """Merge a word diff's old side (equal/delete) and new side (equal/insert)."""
    out: list[Segment] = []
    li = ri = 0
    lpos = rpos = 0  # characters of the current equal segment already emitted
    while li < len(left) or ri < len(right):
        while li < len(left) and left[li].kind != "equal":
            out.append(left[li])
            li += 1
        while ri < len(right) and right[ri].kind != "equal":
            out.append(right[ri])
            ri += 1
        if li < len(left) and ri < len(right):
            lt = left[li].text[lpos:]
            rt = right[ri].text[rpos:]
            n = min(len(lt), len(rt))
            out.append(Segment("equal", lt[:n]) if n < len(lt) or lpos else left[li])
            lpos += n
            rpos += n
            if lpos >= len(left[li].text):
                li, lpos = li + 1, 0
            if rpos >= len(right[ri].text):
                ri, rpos = ri + 1, 0
        else:
            # Unbalanced equal text (not produced by diff()): show it, never drop it.
            for seg in left[li:]:
                out.append(Segment("equal", seg.text[lpos:]) if lpos else seg)
                lpos = 0
            for seg in right[ri:]:
                out.append(Segment("equal", seg.text[rpos:]) if rpos else seg)
                rpos = 0
            break
    return out


_TYPES = {"context": 0, "add": 1, "remove": 2, "change": 3, "moved_from": 4, "moved_to": 5}


def to_json(result: DiffResult) -> dict[str, Any]:
    """A JSON-able dict modelled on MediaWiki's REST compare (``/revision/{a}/compare/{b}``).

    ``{"diff": [...], "coarse": bool}``; each diff entry is
    ``{"type", "lineNumber", "text", "highlightRanges", "offset"}`` with MediaWiki's meaning:

    * ``type``: 0 context, 1 added line, 2 deleted line, 3 line changed in place,
      4 the old place of a moved paragraph, 5 its new place.
    * ``lineNumber``: the line number in the new revision, ``None`` for deleted lines and
      the old place of a moved paragraph.
    * ``text``: the line; for types 3 and 5 the inline merge of both versions
      (:func:`inline_segments`), deleted and inserted words both present; for type 4 the
      old line.
    * ``highlightRanges``: ``{"start", "length", "type"}`` with start/length in UTF-8 bytes
      of ``text`` and type 0 = inserted, 1 = deleted: the changed words of types 3, 4 and
      5; empty for other types.
    * ``moveInfo`` (types 4 and 5 only): ``{"id", "linkId", "linkDirection"}``: this end's
      id, the other end's id, and 0 when the other end is further down, 1 when it is up.
    * ``offset``: ``{"from", "to"}``, UTF-8 byte offset of the line's start in the old/new
      text, ``None`` when the line does not exist on that side.

    Skipped unchanged stretches produce no entries (line numbers jump over them).
    """
    entries: list[dict[str, Any]] = []
    off_from = off_to = 0
    seen_moves: set[int] = set()
    for row in result.rows:
        if isinstance(row, Skip):
            off_from += row.left_bytes
            off_to += row.right_bytes
            continue
        has_left = row.kind not in ("add", "moved_to")
        has_right = row.kind not in ("remove", "moved_from")
        ranges: list[dict[str, int]] = []
        if row.kind in ("change", "moved_to"):
            text = _highlighted(inline_segments(row), ranges)
        elif row.kind == "moved_from":
            text = _highlighted(row.left, ranges)
        else:
            text = "".join(seg.text for seg in (row.left if has_left else row.right))
        entry: dict[str, Any] = {
            "type": _TYPES[row.kind],
            "lineNumber": row.right_no if has_right else None,
            "text": text,
            "highlightRanges": ranges,
            "offset": {
                "from": off_from if has_left else None,
                "to": off_to if has_right else None,
            },
        }
        if row.move is not None:
            ends = ("from", "to") if row.kind == "moved_from" else ("to", "from")
            entry["moveInfo"] = {
                "id": f"movedpara_{row.move.id}_{ends[0]}",
                "linkId": f"movedpara_{row.move.id}_{ends[1]}",
                "linkDirection": 1 if row.move.id in seen_moves else 0,
            }
            seen_moves.add(row.move.id)
        entries.append(entry)
        if has_left:
            off_from += len("".join(seg.text for seg in row.left).encode("utf-8")) + 1
        if has_right:
            off_to += len("".join(seg.text for seg in row.right).encode("utf-8")) + 1
    return {"diff": entries, "coarse": result.coarse}


def _highlighted(segments: list[Segment], ranges: list[dict[str, int]]) -> str:
    """Join ``segments``, appending the byte range of each changed one to ``ranges``."""
    parts: list[str] = []
    pos = 0
    for seg in segments:
        size = len(seg.text.encode("utf-8"))
        if seg.kind != "equal" and size:
            ranges.append({"start": pos, "length": size, "type": 0 if seg.kind == "insert" else 1})
        parts.append(seg.text)
        pos += size
    return "".join(parts)
