"""Page weight: the bytes a first visit to an article transfers (HTML + CSS + JS + icon).

Run: ``.venv/bin/python bench/page_weight.py`` (a few seconds; a temp SQLite wiki, in process).

It saves a ~20 KB article (the same Markdown as bench/http_bench.py), then fetches it and every
static file it links, as a browser would, with ``Accept-Encoding`` set to identity (what the
wiki sent before compression), gzip, and br. Sizes are the bytes on the wire (bodies only).
A repeat visit costs only the HTML: static URLs are fingerprinted and cached as immutable.

Then the CPU cost of compressing: ``REQUESTS`` anonymous views of the article (served from the
page cache) per encoding, in process, timed with ``time.process_time``; the ratio is against
identity measured in the same run. Printed beside the load average: the machine is shared.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_bench import make_article  # noqa: E402
from tests.conftest import GENEROUS_LIMITS  # noqa: E402
from tests.patrolkit import save  # noqa: E402
from wiki.app import create_app  # noqa: E402
from wiki.db import Base, Database  # noqa: E402
from wiki.settings import Settings  # noqa: E402

REQUESTS = 300
ASSET_RE = re.compile(r'<(?:link|script)[^>]+(?:href|src)="(/static/[^"]+)"')


def wire_bytes(client: TestClient, url: str, encoding: str) -> int:
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as r:
        assert r.status_code == 200, (url, r.status_code)
        return sum(len(chunk) for chunk in r.iter_raw())


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/wiki.sqlite3"
        db = Database(url)
        Base.metadata.create_all(db.engine)
        db.dispose()
        settings = Settings(
            data_dir=Path(tmp) / "instance",
            database_url=url,
            secret_key="page-weight-" + "k" * 32,
            rate_limits=GENEROUS_LIMITS,
            search_interval=0.0,
        )
        with TestClient(create_app(settings), follow_redirects=False) as client:
            save(client, "Weight test", make_article())
            page = "/wiki/Weight_test"
            html = client.get(page).text
            assets = ASSET_RE.findall(html)
            print(f"load average: {os.getloadavg()[0]:.2f} (sizes do not depend on load)")
            print(f"{'resource':44} {'identity':>9} {'gzip':>9} {'br':>9}")
            totals = [0, 0, 0]
            for res in [page, *assets]:
                sizes = [wire_bytes(client, res, e) for e in ("identity", "gzip", "br")]
                totals = [t + s for t, s in zip(totals, sizes, strict=True)]
                print(f"{res:44} {sizes[0]:9d} {sizes[1]:9d} {sizes[2]:9d}")
            print(f"{'first visit total':44} {totals[0]:9d} {totals[1]:9d} {totals[2]:9d}")
            print(f"ratio br/identity: {totals[2] / totals[0]:.2f}")
            anon = TestClient(client.app)
            cpu: dict[str, float] = {}
            for enc in ("identity", "gzip", "br", "zstd"):
                wire_bytes(anon, page, enc)  # warm the page cache
                start = time.process_time()
                for _ in range(REQUESTS):
                    wire_bytes(anon, page, enc)
                cpu[enc] = (time.process_time() - start) / REQUESTS * 1000
            print(f"CPU per anonymous view ({REQUESTS} each, load {os.getloadavg()[0]:.2f}):")
            for enc, ms in cpu.items():
                print(f"  {enc:9} {ms:6.2f} ms  ratio {ms / cpu['identity']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
