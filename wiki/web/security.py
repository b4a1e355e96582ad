"""Sessions, CSRF tokens and security headers.

A session is a random id in a signed cookie (HttpOnly, SameSite=Lax, Secure over https, which
includes ``X-Forwarded-Proto: https`` from a trusted proxy: see ``wiki.web.proxy``). The
CSRF token is an HMAC of the session id, so it is bound to that session and dies with it. A
request without a session cookie has no session: HTML forms then refuse to save (403, text kept),
while the REST API treats it as an anonymous edit that needs no token, as MediaWiki does.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "gotong_session"
LANG_COOKIE = "gotong_lang"
CSRF_FIELD = "wpEditToken"
CSRF_HEADER = "x-csrf-token"

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class Sessions:
    """Signs and reads session cookies and derives CSRF tokens."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt="gotong-session")
        self._csrf_key = hashlib.sha256(("csrf:" + secret_key).encode()).digest()

    def read(self, request: Request) -> str | None:
        """The session id from the request's cookie, or None if absent or forged."""
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            sid = self._serializer.loads(raw)
        except BadSignature:
            return None
        return sid if isinstance(sid, str) and len(sid) >= 32 else None

    def new_id(self) -> str:
        return secrets.token_urlsafe(32)

    def set_cookie(self, response: Response, request: Request, sid: str) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            self._serializer.dumps(sid),
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )

    def csrf_token(self, sid: str) -> str:
        return hmac.new(self._csrf_key, sid.encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, sid: str | None, token: str | None) -> bool:
        """True when ``token`` is this session's token."""
        if not sid or not token:
            return False
        return hmac.compare_digest(self.csrf_token(sid), token)


class SecurityHeadersMiddleware:
    """Adds the strict security headers to every response (pure ASGI: no per-request copies),
    and ``Strict-Transport-Security`` to https responses when ``hsts_seconds`` > 0."""

    def __init__(self, app: ASGIApp, hsts_seconds: int = 0) -> None:
        self.app = app
        self.https_headers = list(SECURITY_HEADERS)
        if hsts_seconds > 0:
            hsts = f"max-age={hsts_seconds}".encode()
            self.https_headers.append((b"strict-transport-security", hsts))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Read the scheme now: ProxyMiddleware (inside this one) may have changed it.
                https = scope.get("scheme") == "https"
                extra = self.https_headers if https else SECURITY_HEADERS
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend(h for h in extra if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
