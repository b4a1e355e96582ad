"""Relevance on the development collection (tests/data/search-dev), through the REST API.

The same measurement as ``bench/search_relevance.py``: it fails when nDCG@10 drops below the
figure committed with the ranking, falls behind SQLite FTS5 on the same documents, returns
nothing for more than 5 % of the queries, or leaves a typo query's answer out of the top 3.
"""

from __future__ import annotations

import pytest

from bench import search_relevance as bench


@pytest.mark.parametrize("language", ["id", "en"])
def test_relevance_on_the_dev_collection(language: str) -> None:
    gotong, fts = bench.run(language)
    overall = gotong.overall
    table = bench.table(gotong, fts)
    assert overall.mean_ndcg >= bench.COMMITTED_NDCG - 0.0005, table
    assert overall.mean_ndcg >= fts.overall.mean_ndcg, table
    assert overall.zero_rate <= bench.ZERO_GOAL, table
    assert gotong.typo_misses == [], table


def test_the_metrics() -> None:
    judged = {"A": 2, "B": 1}
    assert bench.ndcg10(["A", "B"], judged) == pytest.approx(1.0)
    assert bench.ndcg10([], judged) == 0.0
    assert bench.ndcg10(["B", "A"], judged) < 1.0
    assert bench.answer_rank(["X", "B", "A"], judged) == 3
    assert bench.answer_rank(["X"] * 10 + ["A"], judged) is None
    assert bench.dedupe(["A", "B", "A"]) == ["A", "B"]
