"""Train the vandalism score and write ``wiki/vandalism/data/model-v1.json``.

Usage: ``.venv/bin/python scripts/train_vandalism_model.py [--check]``

1. Reads the labelled set (``tests/data/vandalism-edits.jsonl.gz``, made by
   ``scripts/make_vandalism_dataset.py``) and the PAN-format fixture
   (``tests/data/pan-wvc-format-mini``).
2. Splits the set by a hash of each edit's id (``SPLIT_SEED``): ``TEST_SHARE`` is held out.
3. Fits a logistic regression on the training part: features transformed (``log1p`` for
   counts) and standardised with the training mean and standard deviation, then full-batch
   gradient descent with momentum and an L2 penalty, a fixed number of steps from zero
   weights. Plain Python, no randomness beyond the split, so two runs write the same bytes.
4. Rounds the weights, then evaluates *the rounded model* (what the file holds) on the
   held-out part and on PAN: ROC-AUC, precision at 90 % recall, and the thresholds for the
   badges and for auto-revert (false-positive rate under 1 %).

``--check`` trains and compares with the committed file instead of writing it.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wiki.vandalism.evaluation import (  # noqa: E402
    Labelled,
    in_test_split,
    precision_at_recall,
    rate_at,
    read_dataset,
    roc_auc,
    threshold_for_fpr,
    threshold_for_recall,
)
from wiki.vandalism.features import FEATURES, extract  # noqa: E402
from wiki.vandalism.model import MODEL_PATH, TRANSFORMS, model_from_json, transform  # noqa: E402
from wiki.vandalism.pan import distinct_labelled, load_corpus  # noqa: E402

DATASET = ROOT / "tests" / "data" / "vandalism-edits.jsonl.gz"
PAN = ROOT / "tests" / "data" / "pan-wvc-format-mini"
VERSION = "v1"
SPLIT_SEED = "gotong-vandalism-v1"
TEST_SHARE = 0.25
L2 = 0.01
LEARNING_RATE = 0.3
MOMENTUM = 0.9
STEPS = 400
DIGITS = 6
RECALL_TARGET = 0.90  # the "may have problems" badge and the published precision
BAD_FPR = 0.03  # the "likely vandalism" badge: false-positive rate under this
AUTO_REVERT_FPR = 0.01  # auto-revert: false-positive rate strictly under this


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def matrix(edits: list[Labelled]) -> list[list[float]]:
    rows = []
    for item in edits:
        raw = extract(item.edit)
        rows.append([transform(name, raw[name]) for name in FEATURES])
    return rows


def fit(
    rows: list[list[float]], labels: list[bool]
) -> tuple[list[float], list[float], list[float], float]:
    n, d = len(rows), len(FEATURES)
    means = [math.fsum(r[j] for r in rows) / n for j in range(d)]
    stds = [math.sqrt(math.fsum((r[j] - means[j]) ** 2 for r in rows) / n) or 1.0 for j in range(d)]
    x = [[(r[j] - means[j]) / stds[j] for j in range(d)] for r in rows]
    y = [1.0 if label else 0.0 for label in labels]
    w = [0.0] * d
    b = 0.0
    vw = [0.0] * d
    vb = 0.0
    for step in range(STEPS):
        grad = [0.0] * d
        gb = 0.0
        loss = 0.0
        for xi, yi in zip(x, y, strict=True):
            p = sigmoid(b + math.fsum(wj * xj for wj, xj in zip(w, xi, strict=True)))
            e = p - yi
            gb += e
            for j, xj in enumerate(xi):
                grad[j] += e * xj
            loss -= math.log(p if yi else 1.0 - p) if 0.0 < p < 1.0 else 0.0
        for j in range(d):
            vw[j] = MOMENTUM * vw[j] - LEARNING_RATE * (grad[j] / n + L2 * w[j])
            w[j] += vw[j]
        vb = MOMENTUM * vb - LEARNING_RATE * gb / n
        b += vb
        if step % 200 == 0 or step == STEPS - 1:
            penalty = L2 / 2 * math.fsum(wj * wj for wj in w)
            print(f"  step {step:4d}: loss {loss / n + penalty:.5f}", file=sys.stderr)
    return w, means, stds, b


def figures(scores: list[float], labels: list[bool]) -> dict[str, Any]:
    t90 = threshold_for_recall(scores, labels, RECALL_TARGET)
    return {
        "edits": len(labels),
        "bad": sum(labels),
        "good": len(labels) - sum(labels),
        "roc_auc": round(roc_auc(scores, labels), 6),
        "precision_at_90_recall": round(precision_at_recall(scores, labels, RECALL_TARGET), 6),
        "threshold_at_90_recall": round(t90, 6),
    }


def threshold(value: float, rule: str, scores: list[float], labels: list[bool]) -> dict[str, Any]:
    precision, recall, fpr = rate_at(value, scores, labels)
    return {
        "value": round(value, 6),
        "rule": rule,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "false_positive_rate": round(fpr, 4),
    }


def main() -> int:
    check = "--check" in sys.argv[1:]
    data_bytes = DATASET.read_bytes()
    edits = read_dataset(DATASET)
    train = [e for e in edits if not in_test_split(e.id, SPLIT_SEED, TEST_SHARE)]
    test = [e for e in edits if in_test_split(e.id, SPLIT_SEED, TEST_SHARE)]
    pan = distinct_labelled([load_corpus(PAN / "training"), load_corpus(PAN / "test")])
    print(f"dataset: {len(edits)} edits; train {len(train)}, test {len(test)}; PAN {len(pan)}")

    w, means, stds, b = fit(matrix(train), [e.bad for e in train])
    model_json: dict[str, Any] = {
        "version": VERSION,
        "model": "logistic regression: "
        "score = sigmoid(bias + sum(weight * (transform(x) - mean) / std))",
        "features": [
            {
                "name": name,
                "transform": TRANSFORMS[name],
                "mean": round(means[j], DIGITS),
                "std": round(stds[j], DIGITS),
                "weight": round(w[j], DIGITS),
            }
            for j, name in enumerate(FEATURES)
        ],
        "bias": round(b, DIGITS),
        "training": {
            "dataset": str(DATASET.relative_to(ROOT)),
            "dataset_sha256": hashlib.sha256(data_bytes).hexdigest(),
            "dataset_edits": len(edits),
            "by_class_and_language": {
                f"{cls}/{lang}": n
                for (cls, lang), n in sorted(Counter((e.cls, e.lang) for e in edits).items())
            },
            "split": {
                "seed": SPLIT_SEED,
                "test_share": TEST_SHARE,
                "train": len(train),
                "test": len(test),
            },
            "training_set_sha256": hashlib.sha256(
                "\n".join(sorted(e.id for e in train)).encode()
            ).hexdigest(),
            "optimizer": {
                "method": "full-batch gradient descent with momentum",
                "learning_rate": LEARNING_RATE,
                "momentum": MOMENTUM,
                "steps": STEPS,
                "l2": L2,
            },
            "script": "scripts/train_vandalism_model.py",
        },
    }
    # Evaluate what the file will hold: the rounded weights.
    model_json["thresholds"] = {"maybe": {"value": 0.5}, "bad": {"value": 0.5}}
    model = model_from_json(model_json)

    def scores_of(items: list[Labelled]) -> list[float]:
        return [model.probability(model.contributions(extract(e.edit))) for e in items]

    test_scores, test_labels = scores_of(test), [e.bad for e in test]
    pan_scores, pan_labels = scores_of(pan), [e.bad for e in pan]
    maybe = threshold_for_recall(test_scores, test_labels, RECALL_TARGET)
    bad = max(maybe, threshold_for_fpr(test_scores, test_labels, BAD_FPR))
    revert = threshold_for_fpr(test_scores, test_labels, AUTO_REVERT_FPR)
    model_json["thresholds"] = {
        "maybe": threshold(
            maybe,
            "may have problems: the highest score that still flags 90 % of the held-out bad edits",
            test_scores,
            test_labels,
        ),
        "bad": threshold(
            bad,
            "likely vandalism: the lowest score whose held-out false-positive rate is under 3 %",
            test_scores,
            test_labels,
        ),
        "auto_revert": threshold(
            revert,
            "auto-revert (off by default): the lowest score whose held-out false-positive rate "
            "is under 1 %",
            test_scores,
            test_labels,
        ),
    }
    by_lang = {
        lang: figures(
            [s for s, e in zip(test_scores, test, strict=True) if e.lang == lang],
            [e.bad for e in test if e.lang == lang],
        )
        for lang in ("id", "en")
    }
    model_json["evaluation"] = {
        "held_out": figures(test_scores, test_labels),
        "held_out_by_language": by_lang,
        "pan_wvc_format_mini": {
            **figures(pan_scores, pan_labels),
            "note": "3 distinct real Wikipedia edits (1 vandalism); far too few to mean much",
            "scores": {e.id: round(s, 6) for e, s in zip(pan, pan_scores, strict=True)},
        },
    }
    text = json.dumps(model_json, indent=2, ensure_ascii=False) + "\n"

    ev = model_json["evaluation"]
    print(
        f"held-out: ROC-AUC {ev['held_out']['roc_auc']:.4f}, precision at 90% recall "
        f"{ev['held_out']['precision_at_90_recall']:.4f} ({len(test)} edits)"
    )
    for lang, f in by_lang.items():
        print(
            f"  {lang}: ROC-AUC {f['roc_auc']:.4f}, "
            f"precision at 90% recall {f['precision_at_90_recall']:.4f}"
        )
    p = ev["pan_wvc_format_mini"]
    print(
        f"PAN: ROC-AUC {p['roc_auc']:.4f}, "
        f"precision at 90% recall {p['precision_at_90_recall']:.4f} "
        f"scores {p['scores']}"
    )
    for name, t in model_json["thresholds"].items():
        print(
            f"threshold {name}: {t['value']:.4f} (precision {t['precision']}, "
            f"recall {t['recall']}, "
            f"FPR {t['false_positive_rate']})"
        )
    top = sorted(model_json["features"], key=lambda f: -abs(f["weight"]))[:12]
    print("largest weights: " + ", ".join(f"{f['name']} {f['weight']:+.2f}" for f in top))

    if check:
        same = MODEL_PATH.read_text(encoding="utf-8") == text
        print("committed model is up to date" if same else "committed model differs")
        return 0 if same else 1
    MODEL_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
