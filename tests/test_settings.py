"""Settings read from WIKI_* variables, and README documents every one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wiki.errors import ConfigError
from wiki.settings import Settings, documented_settings

ROOT = Path(__file__).resolve().parent.parent


def test_readme_table_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*`(WIKI_[A-Z_]+)`", readme, flags=re.M))
    declared = {name for name, _ in documented_settings()}
    assert declared - documented == set(), "settings missing from README's table"
    assert documented - declared == set(), "README documents settings that do not exist"


def test_from_env_reads_and_types(tmp_path: Path) -> None:
    s = Settings.from_env(
        {
            "WIKI_DATA_DIR": str(tmp_path),
            "WIKI_LANGUAGE": "id",
            "WIKI_MAX_PAGE_BYTES": "4096",
            "WIKI_SITE_NAME": "Wiki Warga",
            "UNRELATED": "x",
        }
    )
    assert s.language == "id" and s.max_page_bytes == 4096 and s.site_name == "Wiki Warga"
    assert s.database_url == f"sqlite:///{(tmp_path / 'wiki.sqlite3').resolve()}"


@pytest.mark.parametrize(
    "env",
    [{"WIKI_LANGUAGE": "fr"}, {"WIKI_MAX_PAGE_BYTES": "lots"}, {"WIKI_MAX_PAGE_BYTES": "10"}],
)
def test_bad_values_are_config_errors(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        Settings.from_env(env)


def test_secret_key_is_generated_once(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path).validated()
    first = s.with_secret().secret_key
    assert len(first) >= 32
    assert s.with_secret().secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
