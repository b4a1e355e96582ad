"""What a reverse proxy tells us, believed only from ``WIKI_TRUSTED_PROXIES``.

- The client's address: the rightmost ``X-Forwarded-For`` hop that is not one of our proxies.
  IPv4-mapped IPv6 addresses (``::ffff:10.9.9.7``) become IPv4, so blocks, rate-limit buckets
  and attribution see one address, however the proxy or a dual-stack socket spells it.
- The scheme: ``X-Forwarded-Proto: https`` makes the request https (Secure cookie, HSTS).
- The host: with ``WIKI_SERVER_URL`` set, a request for any other ``Host`` gets 400, so no
  page, link or redirect is ever built for a host an attacker picked.
"""

from __future__ import annotations

import ipaddress

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from wiki.settings import Settings


def canonical_ip(text: str) -> str | None:
    """``text`` as one canonical IP string (IPv4-mapped IPv6 as IPv4), or None if not an IP."""
    try:
        addr = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return str(addr.ipv4_mapped)
    return str(addr)


def canonical_peer(text: str) -> str:
    """A socket peer as a canonical IP; non-IP peers (a test client, a unix socket) unchanged."""
    return canonical_ip(text) or text


def parse_trusted(raw: str) -> frozenset[str]:
    """The trusted proxies setting as canonical addresses (names are kept as written)."""
    return frozenset(canonical_peer(p.strip()) for p in raw.split(",") if p.strip())


def client_ip(peer: str, forwarded_for: str, trusted: frozenset[str]) -> str:
    """The client's canonical IP: ``X-Forwarded-For`` counts only when ``peer`` is trusted."""
    peer = canonical_peer(peer)
    if peer not in trusted:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    # The rightmost address that is not one of our proxies is the client.
    for hop in reversed(hops):
        ip = canonical_ip(hop)
        if ip is not None and ip not in trusted:
            return ip
    return peer


class ProxyMiddleware:
    """Applies the proxy's ``X-Forwarded-Proto`` (when trusted) and the allowed-hosts rule."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.trusted = parse_trusted(settings.trusted_proxies)
        self.hosts = settings.allowed_host_names if settings.server_url else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        client = scope.get("client")
        peer = canonical_peer(client[0]) if client else ""
        if peer in self.trusted:
            proto = headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                scheme = proto if scope["type"] == "http" else {"http": "ws", "https": "wss"}[proto]
                scope["scheme"] = scheme
        if self.hosts is not None:
            host = headers.get("host", "").lower().rstrip(".")
            if host not in self.hosts:
                response = PlainTextResponse(
                    "400 Bad Request: this server does not serve that host name.", 400
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
