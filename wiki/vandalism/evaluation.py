"""Evaluating the vandalism score: the labelled dataset, its split, and the figures we publish.

Shared by ``scripts/train_vandalism_model.py`` and the tests, so the test recomputes the
published figures exactly as the script did. Everything here is pure except
:func:`read_dataset`, which reads the (gzipped JSONL) dataset file it is given; nothing in the
save path calls it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from wiki.vandalism.features import Edit, edit_from_dict

__all__ = [
    "Labelled",
    "in_test_split",
    "precision_at_recall",
    "rate_at",
    "read_dataset",
    "read_dev_set",
    "roc_auc",
    "threshold_for_fpr",
    "threshold_for_precision",
    "threshold_for_recall",
]


@dataclass(frozen=True, slots=True)
class Labelled:
    """An edit with its label (``bad`` = vandalism, spam or hoax) and where it came from."""

    id: str
    bad: bool
    edit: Edit
    lang: str = ""
    cls: str = ""  # good, good-faith, vandalism, spam, hoax (our set); regular/vandalism (PAN)
    kind: str = ""


def read_dataset(path: Path) -> list[Labelled]:
    """The labelled edits of a ``.jsonl`` or ``.jsonl.gz`` file, in file order."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [_labelled(json.loads(line)) for line in fh if line.strip()]


def _labelled(data: dict[str, object]) -> Labelled:
    return Labelled(
        id=str(data["id"]),
        bad=data["label"] == "bad",
        edit=edit_from_dict(data),
        lang=str(data.get("lang", "")),
        cls=str(data.get("class", "")),
        kind=str(data.get("kind", "")),
    )


def in_test_split(edit_id: str, seed: str, share: float) -> bool:
    """Whether ``edit_id`` is held out: a hash of the seed and id, so it never depends on order."""
    digest = hashlib.sha256(f"{seed}:{edit_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the ROC curve (Mann–Whitney U; tied scores count one half)."""
    pairs = sorted(zip(scores, labels, strict=True))
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    if not n_pos or not n_neg:
        return math.nan
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2  # ranks i+1 .. j
        rank_sum += average_rank * sum(1 for k in range(i, j) if pairs[k][1])
        i = j
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def rate_at(
    threshold: float, scores: Sequence[float], labels: Sequence[bool]
) -> tuple[float, float, float]:
    """(precision, recall, false-positive rate) when ``score >= threshold`` is flagged."""
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if y and s >= threshold)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if not y and s >= threshold)
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    precision = tp / (tp + fp) if tp + fp else 1.0
    return precision, (tp / n_pos if n_pos else math.nan), (fp / n_neg if n_neg else math.nan)


def threshold_for_recall(scores: Sequence[float], labels: Sequence[bool], recall: float) -> float:
    """The highest threshold that still flags at least ``recall`` of the bad edits."""
    positives = sorted((s for s, y in zip(scores, labels, strict=True) if y), reverse=True)
    k = max(1, math.ceil(recall * len(positives)))
    return positives[k - 1]


def precision_at_recall(scores: Sequence[float], labels: Sequence[bool], recall: float) -> float:
    """Precision at the highest threshold whose recall is at least ``recall``."""
    return rate_at(threshold_for_recall(scores, labels, recall), scores, labels)[0]


def _candidates(scores: Iterable[float]) -> list[float]:
    return sorted(set(scores))


def threshold_for_fpr(scores: Sequence[float], labels: Sequence[bool], max_fpr: float) -> float:
    """The lowest threshold (one of the scores) whose false-positive rate is under ``max_fpr``."""
    for t in _candidates(scores):
        if rate_at(t, scores, labels)[2] < max_fpr:
            return t
    return 1.0


def threshold_for_precision(
    scores: Sequence[float], labels: Sequence[bool], min_precision: float
) -> float:
    """The lowest threshold (one of the scores) whose precision is at least ``min_precision``."""
    for t in _candidates(scores):
        if rate_at(t, scores, labels)[0] >= min_precision:
            return t
    return 1.0


def read_dev_set(path: Path, *, all_anonymous: bool = False) -> list[Labelled]:
    """The development set (``tests/data/vandalism-dev/edits.jsonl``: ``old``, ``new``,
    ``summary``, ``anonymous``, ``label`` 0/1, ``kind``, ``lang``). Only the editor's
    anonymity is known there; ``all_anonymous`` scores every edit as an IP's, as the REST API
    measurement in issue 21 did. Evaluate on it; never train on it."""
    out: list[Labelled] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            data = json.loads(line)
            edit = Edit(
                old_text=str(data["old"]),
                new_text=str(data["new"]),
                summary=str(data.get("summary", "")),
                is_anonymous=all_anonymous or bool(data["anonymous"]),
                # The set says only "registered": an ordinary, established-enough account.
                account_age_days=0.0 if all_anonymous or data["anonymous"] else 30.0,
                edit_count=0 if all_anonymous or data["anonymous"] else 20,
            )
            label = int(data["label"]) == 1
            out.append(
                Labelled(
                    id=str(data["id"]),
                    bad=label,
                    edit=edit,
                    lang=str(data.get("lang", "")),
                    cls="bad" if label else "good",
                    kind=str(data.get("kind", "")),
                )
            )
    return out
