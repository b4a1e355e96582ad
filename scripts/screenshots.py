"""Take README screenshots: docs/img/page.png (a page view) and docs/img/diff.png (a diff).

Run: ``.venv/bin/python scripts/screenshots.py`` (a few seconds). It starts a throwaway wiki
(tests/server.py) in a temp dir, writes an article and an edit of it through the HTML forms,
and photographs them with the Debian chromium (/usr/bin/chromium) through Playwright.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.chromium import launch  # noqa: E402
from tests.server import WikiServer  # noqa: E402

TITLE = "Gotong royong"
ARTICLE = """**Gotong royong** is the Indonesian and Malay idea of neighbours working together for \
the common good, without pay: building a house, clearing a field or cleaning the village \
after a flood.[^1] It is often named together with [[Musyawarah]] (deliberation) and \
[[Mufakat]] (consensus) as a root of village democracy.

## Meaning

The word comes from Javanese: *gotong* means to carry together and *royong* means together. \
The picture is of a heavy load that no one person could lift alone.[^2]

## In village life

Work is announced at the village hall or the mosque, and every household sends someone.

| Occasion | Typical work | Who takes part |
|---|---|---|
| Harvest | cutting and carrying rice | neighbouring farmers |
| Building | raising the roof frame | the whole street |
| Kerja bakti | cleaning drains and roads | one person per household |

## In national politics

Sukarno called gotong royong the essence of the Pancasila in his speech of 1 June 1945, and \
several cabinets took the name.[^3] See the [[Main Page]] for how this wiki uses the idea.

## References

[^1]: Koentjaraningrat, *Rural Sociology in Indonesia* (1961), p. 29.
[^2]: John R. Bowen, "On the political construction of tradition", *Journal of Asian \
Studies* 45 (1986).
[^3]: See [the speech](https://en.wikipedia.org/wiki/Pancasila_(politics)) on Wikipedia.
"""
EDITED = (
    ARTICLE.replace("without pay: building a house", "without payment: raising a house")
    .replace("every household sends someone", "every household sends at least one person")
    .replace("several cabinets took the name", "two cabinets took the name")
)
TOKEN_RE = re.compile(r'name="wpEditToken" value="([^"]+)"')
BASE_RE = re.compile(r'name="wpBaseRevId" value="([^"]*)"')


def save(client: httpx.Client, title: str, text: str, summary: str) -> None:
    form = client.get(f"/wiki/{title}?action=edit")
    token, base = TOKEN_RE.search(form.text), BASE_RE.search(form.text)
    assert token and base, form.text[:300]
    data = {
        "wpEditToken": token.group(1),
        "wpBaseRevId": base.group(1),
        "wpTextbox1": text,
        "wpSummary": summary,
        "wpSave": "1",
    }
    response = client.post(f"/wiki/{title}?action=submit", data=data)
    assert response.status_code == 303, response.text[:500]


def shoot(page: Page, url: str, path: Path) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path))
    print(
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
        f"{path.stat().st_size // 1024} KB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    slug = TITLE.replace(" ", "_")
    with WikiServer(workers=1) as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            save(client, "Musyawarah", "**Musyawarah** is deliberation towards consensus.", "")
            save(client, slug, ARTICLE, "New article")
            save(client, slug, EDITED, "Wording")
            history = client.get(f"/wiki/{slug}?action=history").text
        rev_ids = re.findall(r'data-revid="(\d+)"', history)
        new_id, old_id = rev_ids[0], rev_ids[1]
        with sync_playwright() as p:
            browser = launch(p)
            try:
                page = browser.new_page(viewport={"width": 1100, "height": 800})
                shoot(page, f"{server.url}/wiki/{slug}", out / "page.png")
                shoot(
                    page, f"{server.url}/wiki/{slug}?diff={new_id}&oldid={old_id}", out / "diff.png"
                )
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
