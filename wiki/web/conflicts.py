"""The conflict screen's resolver: one choice per conflicting block, composed on the server.

The screen shows each block of a failed three-way merge (``wiki.text.merging``) as two
columns, the current text and yours, with four radio buttons (keep theirs, keep mine, keep
both, edit by hand), as MediaWiki's two-column conflict screen does. The merge's pieces travel
in one hidden field, so composing the final text needs no state and no JavaScript. A block left
without a choice comes back as a marked block, which the storage verb then refuses
(``wiki.pages.revisions.check_resolved``), pointing at it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.datastructures import FormData

from wiki.errors import N_, BadInput
from wiki.text import merging

__all__ = ["PARTS_FIELD", "Part", "compose", "encode", "parts", "split"]

PARTS_FIELD = "wpConflictParts"
#: More blocks than this become one block for the whole text: each block costs two form
#: fields, and the edit form accepts 64 (``wiki.web.editing.read_form``).
MAX_BLOCKS = 20


@dataclass(frozen=True)
class Part:
    """A piece of the conflict screen: ``text`` both sides share, or block ``index``."""

    text: str | None = None
    index: int = -1
    theirs: str = ""
    yours: str = ""


def split(base: str, theirs: str, yours: str) -> merging.MergeResult:
    """The merge the screen offers: clean pieces and conflicting blocks."""
    result = merging.merge3(base, theirs, yours)
    if len(result.conflicts) > MAX_BLOCKS:
        whole = merging.Conflict(base=base, theirs=theirs, yours=yours)
        return merging.MergeResult([merging.Chunk(conflict=whole)])
    return result


def parts(result: merging.MergeResult) -> list[Part]:
    """The merge as the template shows it, blocks numbered from 0."""
    out: list[Part] = []
    index = 0
    for chunk in result.chunks:
        if chunk.conflict is None:
            if chunk.text:
                out.append(Part(text=chunk.text))
            continue
        out.append(Part(index=index, theirs=chunk.conflict.theirs, yours=chunk.conflict.yours))
        index += 1
    return out


def encode(result: merging.MergeResult) -> str:
    """The merge's pieces as the hidden field's JSON: a string, or [theirs, yours]."""
    return json.dumps(
        [
            c.text if c.conflict is None else [c.conflict.theirs, c.conflict.yours]
            for c in result.chunks
        ],
        ensure_ascii=False,
    )


def _decode(raw: str) -> merging.MergeResult:
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BadInput(N_("The form could not be read.")) from exc
    chunks: list[merging.Chunk] = []
    if not isinstance(data, list):
        raise BadInput(N_("The form could not be read."))
    for item in data:
        if isinstance(item, str):
            chunks.append(merging.Chunk(text=item))
        elif (
            isinstance(item, list)
            and len(item) == 2
            and all(isinstance(side, str) for side in item)
        ):
            conflict = merging.Conflict(base="", theirs=item[0], yours=item[1])
            chunks.append(merging.Chunk(conflict=conflict))
        else:
            raise BadInput(N_("The form could not be read."))
    return merging.MergeResult(chunks)


def compose(form: FormData) -> str:
    """The page text the conflict screen's choices make (marked blocks where none was made)."""
    result = _decode(str(form.get(PARTS_FIELD, "")))
    choices: dict[int, tuple[merging.Resolution, str]] = {}
    for i in range(len(result.conflicts)):
        raw = str(form.get(f"wpConflict{i}", ""))
        try:
            choice = merging.Resolution(raw)
        except ValueError:
            continue  # no choice: the block stays marked, and the save is refused
        choices[i] = (choice, str(form.get(f"wpConflictText{i}", "")))
    return result.resolved(choices)
