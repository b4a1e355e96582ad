"""The load test (bench/load_test.py) runs in the suite, briefly: zero failed requests."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

from tests.server import ROOT

pytestmark = pytest.mark.slow


def test_load_mix_has_no_failed_requests() -> None:
    # Never import locust here: it monkey-patches the whole process with gevent.
    if importlib.util.find_spec("locust") is None:
        pytest.skip("locust is not installed (pip install -e '.[dev]')")
    done = subprocess.run(
        [sys.executable, "bench/load_test.py", "--duration", "8", "--users", "5"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert "failed requests: 0" in out
    assert "one host" in out
    if os.environ.get("WIKI_TEST_DATABASE_URL"):
        assert "two hosts" in out
