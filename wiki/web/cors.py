"""CORS for reads of the APIs from pages on other origins (``WIKI_CORS_ORIGINS``).

Only GET and HEAD of ``/w/rest.php`` and ``/w/api.php`` are shared, never with credentials:
a tool on another origin can read public data, and a write from it still meets CSRF
checks, because the browser will not show it our answer nor send our cookies with its blessing.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PATHS = ("/w/rest.php", "/w/api.php")
READ_METHODS = ("GET", "HEAD")
ALLOWED_HEADERS = "Api-User-Agent, If-None-Match, If-Modified-Since, Content-Type"
MAX_AGE = "86400"


def parse_origins(raw: str) -> frozenset[str]:
    """``https://a.example, https://b.example`` (or ``*``) as a set, without trailing slashes."""
    return frozenset(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


class CorsMiddleware:
    """Adds ``Access-Control-Allow-Origin`` to API reads from listed origins; answers their
    preflight requests. Does nothing when no origin is listed."""

    def __init__(self, app: ASGIApp, origins: frozenset[str]) -> None:
        self.app = app
        self.origins = origins

    def _allowed(self, origin: str | None) -> str | None:
        if not origin or not self.origins:
            return None
        if "*" in self.origins:
            return "*"
        return origin if origin.rstrip("/") in self.origins else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PATHS):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        allowed = self._allowed(headers.get("origin"))
        method = scope["method"]
        if method == "OPTIONS" and headers.get("access-control-request-method"):
            ok = allowed and headers["access-control-request-method"].upper() in READ_METHODS
            await send(
                {
                    "type": "http.response.start",
                    "status": 204 if ok else 403,
                    "headers": [
                        (b"vary", b"Origin"),
                        *(
                            [
                                (b"access-control-allow-origin", str(allowed).encode()),
                                (b"access-control-allow-methods", b"GET, HEAD"),
                                (b"access-control-allow-headers", ALLOWED_HEADERS.encode()),
                                (b"access-control-max-age", MAX_AGE.encode()),
                            ]
                            if ok
                            else []
                        ),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if allowed is None or method not in READ_METHODS:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"access-control-allow-origin", allowed.encode()), (b"vary", b"Origin")]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cors)
