"""Static files under fingerprinted URLs: ``/static/wiki.<hash>.css`` is cached for a year.

The fingerprint is the start of the file's SHA-256, taken when the app is built, so a changed
file gets a new URL and browsers never keep a stale copy. A fingerprinted URL is answered with
``Cache-Control: public, max-age=31536000, immutable``; the plain name (``/static/wiki.css``,
for old links and the favicon) and a stale fingerprint get the current file with ``no-cache``.
Only files that were in the folder when the app was built are served: no path is ever joined
from the request.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_FINGERPRINTED = re.compile(r"^(?P<stem>[^/]+)\.(?P<digest>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)$")


@dataclass(frozen=True)
class Asset:
    path: Path
    digest: str


class Assets:
    """The files of one static folder, their fingerprints, and an ASGI app that serves them."""

    def __init__(self, directory: Path, prefix: str = "/static") -> None:
        self.prefix = prefix
        self.files: dict[str, Asset] = {}
        for path in sorted(directory.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
                self.files[path.name] = Asset(path, digest)

    def url(self, name: str) -> str:
        """The fingerprinted URL of ``name`` (a file in the folder; KeyError if unknown)."""
        asset = self.files[name]
        stem, dot, ext = name.rpartition(".")
        if not dot:
            return f"{self.prefix}/{name}"
        return f"{self.prefix}/{stem}.{asset.digest}.{ext}"

    def lookup(self, name: str) -> tuple[Asset, bool] | None:
        """The file a request name stands for, and whether the name carries its fingerprint."""
        m = _FINGERPRINTED.match(name)
        if m is not None:
            plain = m["stem"] + m["ext"]
            asset = self.files.get(plain)
            if asset is not None:
                return asset, asset.digest == m["digest"]
        asset = self.files.get(name)
        return (asset, False) if asset is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = scope["path"][len(scope.get("root_path", "")) :].lstrip("/")
        response: Response
        if scope.get("method", "GET") not in ("GET", "HEAD"):
            response = PlainTextResponse("Method Not Allowed", status_code=405)
        elif (found := self.lookup(name)) is None:
            response = PlainTextResponse("Not Found", status_code=404)
        else:
            asset, current = found
            response = FileResponse(
                asset.path,
                headers={"Cache-Control": IMMUTABLE if current else REVALIDATE},
            )
        await response(scope, receive, send)
