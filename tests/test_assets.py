"""Static files: fingerprinted URLs cached for a year; HTML, CSS and JS sent compressed."""

from __future__ import annotations

import gzip
import hashlib
import re

import brotli
from starlette.testclient import TestClient

from wiki.web.assets import STATIC_DIR

ASSET_RE = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def _asset_urls(html: str) -> list[str]:
    return ASSET_RE.findall(html)


def test_pages_link_fingerprinted_assets_cached_for_a_year(client: TestClient) -> None:
    page = client.get("/wiki/Special:RecentChanges")
    urls = _asset_urls(page.text)
    assert {u.split("/")[-1].split(".")[0] for u in urls} >= {"wiki", "search", "favicon"}
    for url in urls:
        name = url.rsplit("/", 1)[1]
        stem, digest, ext = name.rsplit(".", 2)
        data = (STATIC_DIR / f"{stem}.{ext}").read_bytes()
        assert digest == hashlib.sha256(data).hexdigest()[:12], url
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert r.content == data


def test_plain_and_stale_names_are_revalidated_and_unknown_ones_are_404(
    client: TestClient,
) -> None:
    plain = client.get("/static/wiki.css")
    assert plain.status_code == 200
    assert plain.headers["cache-control"] == "no-cache"
    stale = client.get("/static/wiki.000000000000.css")
    assert stale.status_code == 200
    assert stale.headers["cache-control"] == "no-cache"
    assert stale.content == plain.content
    for bad in ("/static/nope.css", "/static/x/wiki.css", "/static/%2e%2e/pyproject.toml"):
        assert client.get(bad).status_code == 404, bad


def test_html_css_and_js_are_compressed_brotli_first_then_gzip(client: TestClient) -> None:
    page = client.get("/wiki/Special:RecentChanges")
    urls = _asset_urls(page.text)
    css = next(u for u in urls if u.endswith(".css"))
    js = next(u for u in urls if "/search." in u)
    for url in ("/wiki/Special:RecentChanges", css, js):
        br = client.get(url, headers={"Accept-Encoding": "br"})
        assert br.headers["content-encoding"] == "br", url
        gz = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert gz.headers["content-encoding"] == "gzip", url
        raw = client.get(url, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in raw.headers
        # httpx decodes both: the same bytes as the uncompressed answer.
        assert br.content == gz.content
        assert len(raw.content) > 0
    # Smaller on the wire: ask without letting httpx decode.
    with client.stream("GET", css, headers={"Accept-Encoding": "br"}) as r:
        wire = b"".join(r.iter_raw())
    assert len(wire) < len((STATIC_DIR / "wiki.css").read_bytes()) / 2
    assert brotli.decompress(wire) == (STATIC_DIR / "wiki.css").read_bytes()
    with client.stream("GET", css, headers={"Accept-Encoding": "gzip"}) as r:
        wire = b"".join(r.iter_raw())
    assert gzip.decompress(wire) == (STATIC_DIR / "wiki.css").read_bytes()
