"""Reading a corpus in the PAN Wikipedia Vandalism Corpus layout (PAN-WVC-10/11) as :class:`Edit`s.

An offline reader for evaluation (the training script and the tests); nothing in the save path
uses it. Layout of a corpus directory::

    edits.csv            "editid","editor","oldrevisionid","newrevisionid","diffurl",
                         "edittime","editcomment","articleid","articletitle"
    revisions/part-N/<revisionid>.txt   the wikitext of each revision
    annotations.csv      "editid","class","annotators","totalannotators"  (training corpora;
                         PAN-WVC-10 calls it gold-annotations.csv)
    ground-truth.txt     "<oldrevisionid> <newrevisionid> V|R|dunno"     (test corpora)

PAN has no author facts beyond the editor's name: an IP address becomes an anonymous editor
with no edits; a user name becomes an established account (``ESTABLISHED_DAYS`` old,
``ESTABLISHED_EDITS`` edits), so the author features cannot make a registered vandal look new.
Edits whose revision files are missing are skipped; duplicated rows are kept (see
:func:`distinct_labelled`).
"""

from __future__ import annotations

import csv
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wiki.vandalism.evaluation import Labelled
from wiki.vandalism.features import Edit

__all__ = ["PanEdit", "distinct_labelled", "load_corpus"]

ESTABLISHED_DAYS = 365.0
ESTABLISHED_EDITS = 100

PanClass = Literal["vandalism", "regular"]


def _class(name: str) -> PanClass | None:
    """ "vandalism"/"V" and "regular"/"R"; anything else ("dunno") is no label."""
    name = name.strip().lower()
    if name in ("vandalism", "v"):
        return "vandalism"
    if name in ("regular", "r"):
        return "regular"
    return None


@dataclass(frozen=True, slots=True)
class PanEdit:
    """One row of ``edits.csv`` with its texts and label (``None`` = not annotated, "dunno")."""

    edit_id: int
    old_revision: int
    new_revision: int
    title: str
    editor: str
    label: PanClass | None
    edit: Edit


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _revisions(root: Path) -> dict[int, Path]:
    found: dict[int, Path] = {}
    for path in sorted((root / "revisions").glob("*/*.txt")):
        if path.stem.isdigit():
            found.setdefault(int(path.stem), path)
    return found


def _labels(
    root: Path,
) -> tuple[dict[int, PanClass | None], dict[tuple[int, int], PanClass | None]]:
    by_edit: dict[int, PanClass | None] = {}
    by_pair: dict[tuple[int, int], PanClass | None] = {}
    for name in ("annotations.csv", "gold-annotations.csv"):
        path = root / name
        if path.exists():
            with path.open(newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    by_edit[int(row["editid"])] = _class(row["class"])
    path = root / "ground-truth.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 3:
                by_pair[(int(parts[0]), int(parts[1]))] = _class(parts[2])
    return by_edit, by_pair


def load_corpus(root: Path) -> list[PanEdit]:
    """The edits of one PAN-format corpus directory, in ``edits.csv`` order."""
    revisions = _revisions(root)
    by_edit, by_pair = _labels(root)
    edits: list[PanEdit] = []
    with (root / "edits.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            old_id, new_id = int(row["oldrevisionid"]), int(row["newrevisionid"])
            if old_id not in revisions or new_id not in revisions:
                continue
            edit_id = int(row["editid"])
            editor = row["editor"]
            anonymous = _is_ip(editor)
            edit = Edit(
                old_text=revisions[old_id].read_text(encoding="utf-8"),
                new_text=revisions[new_id].read_text(encoding="utf-8"),
                summary=row["editcomment"],
                is_anonymous=anonymous,
                account_age_days=0.0 if anonymous else ESTABLISHED_DAYS,
                edit_count=0 if anonymous else ESTABLISHED_EDITS,
            )
            label = by_edit[edit_id] if edit_id in by_edit else by_pair.get((old_id, new_id))
            edits.append(PanEdit(edit_id, old_id, new_id, row["articletitle"], editor, label, edit))
    return edits


def distinct_labelled(corpora: list[list[PanEdit]]) -> list[Labelled]:
    """One labelled edit per revision pair across corpora; the first corpus's label wins."""
    seen: dict[tuple[int, int], PanEdit] = {}
    for corpus in corpora:
        for e in corpus:
            if e.label is not None:
                seen.setdefault((e.old_revision, e.new_revision), e)
    return [
        Labelled(
            id=f"pan-{e.old_revision}-{e.new_revision}",
            bad=e.label == "vandalism",
            edit=e.edit,
            lang="en",
            cls=e.label or "",
            kind="pan",
        )
        for e in seen.values()
    ]
