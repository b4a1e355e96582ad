"""Search relevance on the development collection, beside SQLite FTS5 on the same documents.

Run: ``.venv/bin/python bench/search_relevance.py [--language id|en] [--verbose]`` (~20 s).

In a fresh temp dir: a wiki made by ``create_app`` (site language ``id`` unless told), every
article of ``tests/data/search-dev/docs.json`` created through the REST API
(``POST /w/rest.php/v1/page``: the normal write path), the index caught up, then every query of
``queries.json`` through ``GET /w/rest.php/v1/search/page?q=…&limit=10``. The same plain texts go
into an SQLite FTS5 table, queried with its words OR'ed and ranked by ``bm25()`` with the title
weighted 3×. Prints nDCG@10, MRR@10 and the zero-result rate per query kind and overall, for
both, and the typo queries whose answer is not in the top 3.

Goals (issue 23): nDCG@10 >= 0.85 and >= FTS5, zero-result rate <= 5 %, every typo query's
answer in the top 3. ``tests/test_search_relevance.py`` fails below the committed figure.
The exit status is 0 even when a goal is missed; 1 when something failed.

Tune on this collection only; it is small (one query moves the mean by ~3 points) and public.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from starlette.testclient import TestClient  # noqa: E402

from wiki.app import create_app  # noqa: E402
from wiki.db import Base, Database  # noqa: E402
from wiki.settings import Settings  # noqa: E402
from wiki.text import markup  # noqa: E402

DATA = ROOT / "tests" / "data" / "search-dev"
NDCG_GOAL = 0.85
#: The figure committed with the ranking (site language id); the test fails below it.
COMMITTED_NDCG = 0.966
ZERO_GOAL = 0.05
TYPO_RANK_GOAL = 3
#: Limits high enough that loading 40 pages as one anonymous writer is not throttled.
LOAD_LIMITS = ",".join(
    f"{action}:{group}=100000/60"
    for action in ("edit", "createaccount", "login", "move", "patrol", "topic")
    for group in ("anon", "newbie", "user")
)


def load_collection() -> tuple[dict[str, str], list[dict[str, Any]]]:
    docs: dict[str, str] = json.loads((DATA / "docs.json").read_text(encoding="utf-8"))
    queries: list[dict[str, Any]] = json.loads((DATA / "queries.json").read_text(encoding="utf-8"))
    return docs, queries


def ndcg10(ranked: list[str], judgments: dict[str, int]) -> float:
    dcg = sum((2 ** judgments.get(t, 0) - 1) / math.log2(i + 2) for i, t in enumerate(ranked[:10]))
    ideal = sorted(judgments.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def answer_rank(ranked: list[str], judgments: dict[str, int]) -> int | None:
    """1-based rank of the grade-2 answer in the top 10, or None."""
    for i, t in enumerate(ranked[:10]):
        if judgments.get(t) == 2:
            return i + 1
    return None


def dedupe(titles: list[str]) -> list[str]:
    seen: set[str] = set()
    return [t for t in titles if not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]


@dataclass
class Scores:
    ndcg: list[float] = field(default_factory=list)
    rr: list[float] = field(default_factory=list)
    zero: list[bool] = field(default_factory=list)

    def add(self, ranked: list[str], judgments: dict[str, int]) -> None:
        rank = answer_rank(ranked, judgments)
        self.ndcg.append(ndcg10(ranked, judgments))
        self.rr.append(1 / rank if rank else 0.0)
        self.zero.append(not ranked)

    @staticmethod
    def _mean(xs: list[float] | list[bool]) -> float:
        return sum(xs) / len(xs) if xs else 0.0

    @property
    def mean_ndcg(self) -> float:
        return self._mean(self.ndcg)

    @property
    def mrr(self) -> float:
        return self._mean(self.rr)

    @property
    def zero_rate(self) -> float:
        return self._mean(self.zero)


@dataclass
class Report:
    """Scores per kind (and ``all``), and each query's ranked titles."""

    by_kind: dict[str, Scores]
    ranked: dict[str, list[str]]
    typo_misses: list[str]  # typo queries whose answer is not in the top 3

    @property
    def overall(self) -> Scores:
        return self.by_kind["all"]


def evaluate(search: Callable[[str], list[str]], queries: list[dict[str, Any]]) -> Report:
    by_kind: dict[str, Scores] = {"all": Scores()}
    ranked_all: dict[str, list[str]] = {}
    typo_misses: list[str] = []
    for q in queries:
        ranked = dedupe(search(q["query"]))
        ranked_all[q["query"]] = ranked
        for kind in (q["kind"], "all"):
            by_kind.setdefault(kind, Scores()).add(ranked, q["judgments"])
        if q["kind"] == "typo":
            rank = answer_rank(ranked, q["judgments"])
            if rank is None or rank > TYPO_RANK_GOAL:
                typo_misses.append(q["query"])
    return Report(by_kind, ranked_all, typo_misses)


# --- Gotong, over its REST API -------------------------------------------------------------


def rest_search(client: TestClient) -> Callable[[str], list[str]]:
    def search(query: str) -> list[str]:
        r = client.get("/w/rest.php/v1/search/page", params={"q": query, "limit": "10"})
        if r.status_code != 200:
            raise RuntimeError(f"search for {query!r} answered {r.status_code}: {r.text[:300]}")
        return [p["title"] for p in r.json()["pages"]]

    return search


def load_into(client: TestClient, docs: dict[str, str]) -> None:
    """Create every article through the REST API, then wait for the index to reflect them."""
    for title, text in docs.items():
        r = client.post("/w/rest.php/v1/page", json={"title": title, "source": text})
        if r.status_code != 201:
            raise RuntimeError(f"creating {title!r} answered {r.status_code}: {r.text[:300]}")
    app: Any = client.app
    if app.state.search.sync(app.state.wiki.db, wait=30) is None:
        raise RuntimeError("the search index writer lock stayed busy")


@contextmanager
def wiki_client(data_dir: Path, language: str) -> Iterator[TestClient]:
    url = f"sqlite:///{data_dir / 'wiki.db'}"
    db = Database(url)
    Base.metadata.create_all(db.engine)
    db.dispose()
    settings = Settings(
        data_dir=data_dir / "instance",
        database_url=url,
        secret_key="relevance-bench-" + "x" * 32,
        language=language,
        rate_limits=LOAD_LIMITS,
        search_interval=0.0,
    ).validated()
    app = create_app(replace(settings))
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.wiki.db.dispose()


# --- SQLite FTS5, the baseline -------------------------------------------------------------


def fts5_search(docs: dict[str, str]) -> Callable[[str], list[str]]:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE doc USING fts5(title, body)")
    con.executemany(
        "INSERT INTO doc (title, body) VALUES (?, ?)",
        [(title, markup.plain_text(text)) for title, text in docs.items()],
    )

    def search(query: str) -> list[str]:
        words = re.findall(r"\w+", query.lower())
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        rows = con.execute(
            "SELECT title FROM doc WHERE doc MATCH ? ORDER BY bm25(doc, 3.0, 1.0) LIMIT 10",
            (match,),
        )
        return [r[0] for r in rows]

    return search


# --- the report ----------------------------------------------------------------------------


def table(gotong: Report, fts: Report) -> str:
    lines = [
        f"  {'kind':<14}{'n':>3}   {'Gotong nDCG@10':>14} {'MRR':>6} {'zero':>6}"
        f"   {'FTS5 nDCG@10':>12} {'MRR':>6} {'zero':>6}"
    ]
    kinds = [*sorted(k for k in gotong.by_kind if k != "all"), "all"]
    for kind in kinds:
        g, f = gotong.by_kind[kind], fts.by_kind[kind]
        lines.append(
            f"  {kind:<14}{len(g.ndcg):>3}   {g.mean_ndcg:>14.3f} {g.mrr:>6.3f} "
            f"{g.zero_rate:>6.1%}   {f.mean_ndcg:>12.3f} {f.mrr:>6.3f} {f.zero_rate:>6.1%}"
        )
    return "\n".join(lines)


def run(language: str = "id") -> tuple[Report, Report]:
    """Gotong's report and FTS5's, on the dev collection (for the bench and the test)."""
    docs, queries = load_collection()
    with (
        tempfile.TemporaryDirectory(prefix="gotong-relevance-") as tmp,
        wiki_client(Path(tmp), language) as client,
    ):
        load_into(client, docs)
        gotong = evaluate(rest_search(client), queries)
    fts = evaluate(fts5_search(docs), queries)
    return gotong, fts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", choices=("id", "en"), default="id", help="site language")
    parser.add_argument("--verbose", action="store_true", help="every query's ranked titles")
    args = parser.parse_args(argv)
    try:
        gotong, fts = run(args.language)
    except Exception as exc:  # report a failure plainly, exit 1
        print(f"FAILED: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    docs, queries = load_collection()
    print(
        f"search relevance, dev collection ({len(docs)} articles, {len(queries)} queries), "
        f"site language {args.language}; load average {os.getloadavg()[0]:.2f}"
    )
    print(table(gotong, fts))
    g, f = gotong.overall, fts.overall
    goals = [
        (f"nDCG@10 >= {NDCG_GOAL}", g.mean_ndcg >= NDCG_GOAL),
        ("nDCG@10 >= FTS5", g.mean_ndcg >= f.mean_ndcg),
        (f"zero-result rate <= {ZERO_GOAL:.0%}", g.zero_rate <= ZERO_GOAL),
        (f"every typo answer in the top {TYPO_RANK_GOAL}", not gotong.typo_misses),
    ]
    for label, ok in goals:
        print(f"  goal {label:<34} {'met' if ok else 'MISSED'}")
    if gotong.typo_misses:
        print("  typo queries missed:", ", ".join(repr(q) for q in gotong.typo_misses))
    if args.verbose:
        for q in queries:
            ranked = gotong.ranked[q["query"]]
            rank = answer_rank(ranked, q["judgments"])
            print(f"\n[{q['kind']}] {q['query']!r}: answer at {rank}; top 3 {ranked[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
