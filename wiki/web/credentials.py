"""Who is calling: a session cookie, or a personal API token (``Authorization: Bearer``).

A request that sends credentials which are not valid (an unknown or revoked token, a cookie
whose signature does not verify, an ``Authorization`` scheme we do not know) is refused with
401 on the APIs, never served as an anonymous visitor: a bot whose token expired must not go on
editing under the server's IP. HTML pages treat a bad cookie as no cookie, as browsers expect.
"""

from __future__ import annotations

import dataclasses
import hashlib

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from wiki.accounts import users
from wiki.actions import credentials as actions
from wiki.web.base import Wiki
from wiki.web.security import SESSION_COOKIE

API_PATHS = ("/w/rest.php", "/w/api.php")


def is_api(path: str) -> bool:
    return path.startswith(API_PATHS)


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header; "" when another scheme is sent."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def identify(
    request: Request, wiki: Wiki, sid: str | None
) -> tuple[users.Account | None, bool]:
    """The caller's account (None: anonymous), and whether bad credentials were sent."""
    token = bearer_token(request)
    if token is not None:
        if not token:
            return None, True
        account = await _token_account(wiki, token)
        return account, account is None
    if sid is None:
        return None, bool(request.cookies.get(SESSION_COOKIE))
    return await wiki.account_for(sid), False


async def _token_account(wiki: Wiki, token: str) -> users.Account | None:
    key = "bearer:" + hashlib.sha256(token.encode()).hexdigest()
    epoch = wiki.account_version()
    cached = wiki.account_cache.get(key, epoch)
    if cached is not None:
        return cached[0]
    found = await wiki.act(actions.token_user, wiki.env, token)
    account = dataclasses.replace(found[0], grants=found[1]) if found else None
    wiki.account_cache.put(key, epoch, (account,))
    return account


def unauthorized(path: str) -> Response:
    """The 401 for bad credentials, in the calling API's error format."""
    headers = {"WWW-Authenticate": 'Bearer realm="api"', "Cache-Control": "no-store"}
    message = "The credentials sent with this request are not valid (revoked or unknown)."
    if path.startswith("/w/api.php"):
        body: dict[str, object] = {
            "error": {"code": "mwoauth-invalid-authorization", "info": message, "*": ""},
            "servedby": "gotong",
        }
    else:
        body = {
            "httpCode": 401,
            "httpReason": "Unauthorized",
            "errorKey": "rest-invalid-credentials",
            "messageTranslations": {"en": message},
            "message": message,
        }
    return JSONResponse(body, status_code=401, headers=headers)
