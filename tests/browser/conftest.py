"""Browser tests: a live server (tests/server.py) and a headless Debian chromium via Playwright.

Without /usr/bin/chromium the tests are skipped locally, but fail when ``CI`` is set, so a CI
machine that lost its browser cannot pass silently.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.browser import chromium  # noqa: E402
from tests.server import live_server  # noqa: E402

__all__ = ["browser", "live_server"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless chromium for one test module (skipped, or failed under CI, when missing)."""
    if not chromium.CHROMIUM.exists():
        reason = f"{chromium.CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI is set, so this fails instead of skipping", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as p:
        b = chromium.launch(p)
        try:
            yield b
        finally:
            b.close()
