"""Search on the command line: `wiki reindex` (progress, swap), the index lag in `wiki check`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.test_search import save
from wiki import cli, search
from wiki.db import Database


def test_reindex_and_check_report_the_lag(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir = tmp_path / "inst"
    monkeypatch.setenv("WIKI_DATA_DIR", str(data_dir))
    monkeypatch.setenv("WIKI_DATABASE_URL", database_url)
    monkeypatch.setenv("WIKI_LANGUAGE", "id")
    assert cli.main(["init"]) == 0
    capsys.readouterr()
    assert cli.main(["check"]) == 0
    assert "search index: none yet" in capsys.readouterr().out

    assert cli.main(["reindex"]) == 0
    captured = capsys.readouterr()
    pages = len(cli.SEED_PAGES)
    assert f"Rebuilt the search index: {pages} pages" in captured.out
    assert f"{pages}/{pages} pages" in captured.err  # the progress bar (or its lines)

    db = Database(database_url)
    try:
        save(db, "Kebijakan baru", "Teks tentang kebijakannya.")
    finally:
        db.dispose()
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    assert f"search index: {pages} pages" in out
    assert "index lag:    1 revisions" in out
    assert "indexer:      not running on this host" in out

    index = search.SearchIndex(data_dir / "search", "id")
    try:
        assert index.search("kebijakan").hits == []  # nothing indexes in this test
        assert cli.main(["reindex"]) == 0
        # A reader looks for a swapped index every CHECK_INTERVAL: wait for it to see it.
        deadline = time.monotonic() + 60
        while not index.search("kebijakan").hits and time.monotonic() < deadline:
            time.sleep(search.CHECK_INTERVAL / 4)
        assert [h.title for h in index.search("kebijakan").hits] == ["Kebijakan baru"]
    finally:
        index.close()
    capsys.readouterr()
    assert cli.main(["check"]) == 0
    assert "index lag:    0 revisions" in capsys.readouterr().out
