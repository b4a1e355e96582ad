"""One date-time format per locale, signatures included; decimals through Babel."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from starlette.testclient import TestClient

from tests.conftest import edit
from wiki import i18n


def test_one_date_time_format_per_locale() -> None:
    when = datetime(2026, 12, 5, 14, 5, tzinfo=UTC)
    assert i18n.format_timestamp(when, "en") == "14:05, 5 December 2026"
    assert i18n.format_timestamp(when, "id") == "5 Desember 2026 14.05"
    assert i18n.format_timestamp(when, "id", tz="Asia/Jakarta") == "5 Desember 2026 21.05"
    assert i18n.format_timestamp(when, "en", show_zone=True) == "14:05, 5 December 2026 (UTC)"
    assert i18n.format_fixed(2.18, 2, "id") == "2,18" and i18n.format_fixed(2.18, 2, "en") == "2.18"
    assert i18n.format_number(16301, "id") == "16.301"


def test_signatures_show_in_the_readers_format(client: TestClient) -> None:
    edit(client, "Talk:Dana", "## Tanya\n\nBerapa dananya?")  # signed on save
    body = client.get("/wiki/Talk:Dana?uselang=id").text
    stamps = dict(re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', body))
    [(iso, shown)] = stamps.items()
    when = datetime.fromisoformat(iso)
    assert shown == i18n.format_timestamp(when, "id", show_zone=True)
    assert all(re.fullmatch(r"\d{1,2} \w+ \d{4} \d\d\.\d\d \(UTC\)", s) for s in stamps.values())
    assert "(UTC)</a>" not in body.replace("(UTC)</time></a>", "")  # no raw ISO stamp left
    body = client.get("/wiki/Talk:Dana?uselang=en").text
    assert f">{i18n.format_timestamp(when, 'en', show_zone=True)}</time>" in body
