"""The CLI: init migrates and seeds (idempotently), check reports health."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiki import cli


def test_init_then_check(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WIKI_DATA_DIR", str(tmp_path / "inst"))
    monkeypatch.setenv("WIKI_DATABASE_URL", database_url)
    monkeypatch.setenv("WIKI_LANGUAGE", "id")
    assert cli.main(["check"]) == 1  # not migrated yet
    assert cli.main(["init"]) == 0
    out = capsys.readouterr().out
    # An Indonesian wiki names its namespaces in Indonesian (wiki.text.titles).
    assert "Seeded Main Page" in out and "Seeded Bantuan:Editing" in out
    assert "Seeded Proyek:About" in out
    assert cli.main(["init"]) == 0
    assert "Seeded" not in capsys.readouterr().out
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    assert "ok" in out and f"revisions:    {len(cli.SEED_PAGES)}" in out
    assert (tmp_path / "inst" / "secret_key").exists()


def test_bad_setting_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WIKI_LANGUAGE", "klingon")
    assert cli.main(["check"]) == 2
    assert "WIKI_LANGUAGE" in capsys.readouterr().err
