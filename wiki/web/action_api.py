"""The MediaWiki Action API subset at ``/w/api.php``, so pywikibot, mwclient and patrol tools
work unchanged.

This module holds the conventions every module shares: parameters (``a|b`` lists, the
``\\x1f`` separator), ``format=json`` with ``formatversion=1|2``, errors with MediaWiki's codes
(answered with HTTP 200 and a ``MediaWiki-API-Error`` header, as MediaWiki does), ``assert``,
``maxlag``, ``servedby``, ``curtimestamp``, tokens, and ``action=login|logout``. Query
modules are in :mod:`wiki.web.action_api_query`, writes in :mod:`wiki.web.action_api_write`.

Tokens: every token type (csrf, login, patrol, rollback, watch) is the session's CSRF token
followed by ``+\\``, as MediaWiki's tokens end; a visitor without an account may send the
anonymous token ``+\\``.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from wiki.accounts import botpasswords, permissions, users
from wiki.actions import accounts, credentials
from wiki.actions.context import API
from wiki.errors import (
    AbuseDisallowed,
    AbuseWarned,
    BadInput,
    EditConflict,
    InvalidTitle,
    NotFound,
    PermissionDenied,
    RateLimited,
    TooLarge,
    WikiError,
)
from wiki.patrol import reverts
from wiki.web.action_api_core import (
    ACTIONS,
    ARRAY,
    MAX_BODY,
    SERVED_BY,
    TOKEN_SUFFIX,
    Api,
    ApiError,
    action,
    ts,
)
from wiki.web.base import actor_of, wiki_of
from wiki.web.templating import Ctx


async def _params(request: Request) -> dict[str, str]:
    merged: dict[str, str] = {}
    query: QueryParams = request.query_params
    for key, value in query.multi_items():
        merged[key] = value
    if request.method == "POST":
        length = int(request.headers.get("content-length") or 0)
        if length > MAX_BODY:
            raise ApiError("toobig", "The request is too large.")
        form: FormData = await request.form(max_part_size=MAX_BODY)
        for key, item in form.multi_items():
            if isinstance(item, str):
                merged[key] = item
    return merged


def _v1(value: Any) -> Any:
    """formatversion=1: booleans are present-as-"" or absent."""
    if isinstance(value, dict):
        return {k: _v1(v) for k, v in value.items() if v is not False}
    if isinstance(value, list):
        return [_v1(v) for v in value]
    if value is True:
        return ""
    return value


def error_body(api: Api | None, exc: ApiError, errorformat: str) -> dict[str, Any]:
    if errorformat in ("plaintext", "wikitext", "html", "raw", "none"):
        entry: dict[str, Any] = {
            "code": exc.code,
            "module": api.get("action", "main") if api else "main",
        }
        if errorformat == "raw":
            entry.update(key=f"apierror-{exc.code}", params=[])
        elif errorformat != "none":
            entry["text" if (api and api.formatversion == 2) else "*"] = exc.info
        entry.update(exc.extra)
        return {"errors": [entry], "docref": "See /w/api.php for API usage."}
    return {
        "error": {
            "code": exc.code,
            "info": exc.info,
            **exc.extra,
            "*": "See /w/api.php for API usage.",
        }
    }


def _from_wiki_error(exc: WikiError, api: Api) -> ApiError:
    info = exc.translated(api.ctx.gettext)
    if isinstance(exc, EditConflict):
        return ApiError("editconflict", "Edit conflict: " + info)
    if isinstance(exc, RateLimited):
        return ApiError("ratelimited", info, wait=exc.retry_after)
    if isinstance(exc, InvalidTitle):
        return ApiError("invalidtitle", info)
    if isinstance(exc, TooLarge):
        return ApiError("contenttoobig", info)
    if isinstance(exc, NotFound):
        return ApiError("missingtitle", info)
    if isinstance(exc, permissions.Refused):
        code = {"blocked": "blocked", "protected": "protectedpage", "anonymous": "notloggedin"}
        return ApiError(code.get(exc.refusal.kind, "permissiondenied"), info)
    if isinstance(exc, AbuseDisallowed):
        return ApiError("abusefilter-disallowed", info)
    if isinstance(exc, AbuseWarned):  # send the ids back in abuseacknowledged to save anyway
        return ApiError("abusefilter-warning", info, abusefilter={"ids": sorted(exc.warnings)})
    if isinstance(exc, PermissionDenied):
        return ApiError("permissiondenied", info)
    if isinstance(exc, reverts.UndoConflict):
        return ApiError("undofailure", info)
    if isinstance(exc, reverts.RollbackRefused):
        return ApiError("alreadyrolled", info)
    if isinstance(exc, BadInput):
        return ApiError("badvalue", info)
    return ApiError("internal_api_error_" + type(exc).__name__, info)


async def endpoint(request: Request) -> Response:
    """``/w/api.php``: parse, check the common parameters, run one module, shape the output."""
    ctx: Ctx = request.state.ctx
    api: Api | None = None
    errorformat = "bc"
    try:
        params = await _params(request)
        errorformat = params.get("errorformat", "bc")
        api = Api(request, ctx, params)
        fv = params.get("formatversion", "1")
        if fv not in ("1", "2", "latest"):
            raise ApiError("badvalue", 'Unrecognized value for parameter "formatversion".')
        api.formatversion = 1 if fv == "1" else 2
        fmt = params.get("format", "json")
        if fmt not in ("json", "jsonfm"):
            raise ApiError("badvalue", f'Unrecognized value for parameter "format": {fmt[:40]}.')
        api.integer("maxlag", None, low=0)  # we have no replicas: the lag is always 0
        name = params.get("action", "help")
        handler = ACTIONS.get(name)
        if handler is None:
            raise ApiError("badvalue", f'Unrecognized value for parameter "action": {name[:40]}.')
        fn, post_only = handler
        if post_only and request.method != "POST":
            raise ApiError("mustbeposted", f'The "{name}" module requires a POST request.')
        _check_assert(api)
        result = await fn(api)
    except ApiError as exc:
        return _respond(request, api, error_body(api, exc, errorformat), error=exc.code)
    except WikiError as exc:
        if api is None:
            raise
        err = _from_wiki_error(exc, api)
        return _respond(request, api, error_body(api, err, errorformat), error=err.code)
    return _respond(request, api, result)


def _check_assert(api: Api) -> None:
    wanted = api.get("assert")
    if not wanted:
        pass
    elif wanted == "user" and api.ctx.user_id is None:
        raise ApiError(
            "assertuserfailed", "You are no longer logged in, so the action could not be completed."
        )
    elif wanted == "bot" and not api.ctx.can("bot"):
        raise ApiError(
            "assertbotfailed",
            'You do not have the "bot" right, so the action could not be completed.',
        )
    elif wanted == "anon" and api.ctx.user_id is not None:
        raise ApiError(
            "assertanonfailed",
            "You are no longer logged out, so the action could not be completed.",
        )
    elif wanted not in ("user", "bot", "anon"):
        raise ApiError("badvalue", 'Unrecognized value for parameter "assert".')
    user = api.get("assertuser")
    if user and users.normalize_name(user) != (api.ctx.user_name or ""):
        raise ApiError("assertnameduserfailed", f'You are no longer logged in as "{user[:85]}".')


def _respond(
    request: Request, api: Api | None, body: dict[str, Any], *, error: str = ""
) -> Response:
    params = api.params if api else {}
    if ARRAY in body:
        return JSONResponse(body[ARRAY], headers={"Cache-Control": "private, max-age=0"})
    if api and api.warnings:
        key = "text" if api.formatversion == 2 else "*"
        body["warnings"] = {m: {key: "\n".join(t)} for m, t in api.warnings.items()}
    if "servedby" in params or error:
        body["servedby"] = SERVED_BY
    if "curtimestamp" in params:
        body["curtimestamp"] = ts(datetime.now(UTC))
    if not api or api.formatversion == 1:
        body = _v1(body)
    headers = {"Cache-Control": "private, must-revalidate, max-age=0"}
    if error:
        headers["MediaWiki-API-Error"] = error
    response = Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        media_type="application/json; charset=utf-8",
        headers=headers,
    )
    ctx: Ctx = request.state.ctx
    w = wiki_of(request)
    if api and api.new_sid:
        w.sessions.set_cookie(response, request, api.new_sid)
    elif ctx.new_session and ctx.session_id:
        w.sessions.set_cookie(response, request, ctx.session_id)
    return response


# --- login and logout --------------------------------------------------------------------------


@action("login", post=True)
async def login(api: Api) -> dict[str, Any]:
    """Log in with a bot password (``Name@app``); the session that follows carries its grants."""
    name, password = api.get("lgname"), api.get("lgpassword")
    token = api.get("lgtoken")
    w = wiki_of(api.request)
    if not token:
        return {"login": {"result": "NeedToken", "token": api.token()}}
    ok = bool(api.ctx.session_id) and w.sessions.check_csrf(
        api.ctx.session_id, token.removesuffix(TOKEN_SUFFIX)
    )
    if not ok:
        return {"login": {"result": "WrongToken"}}
    if botpasswords.split_login_name(name) is None:
        return {
            "login": {
                "result": "Failed",
                "reason": "Log in to the API with a bot password (Name@bot) made on "
                "Special:BotPasswords.",
            }
        }
    actor = actor_of(api.ctx, API)
    try:
        done = await w.act(credentials.bot_login, w.env, actor, name, password)
    except RateLimited as exc:
        return {"login": {"result": "Throttled", "wait": exc.retry_after}}
    if done is None:
        return {
            "login": {
                "result": "Failed",
                "reason": "Incorrect username or password entered. Please try again.",
            }
        }
    user_id, user_name, sid = done
    api.new_sid = sid
    return {"login": {"result": "Success", "lguserid": user_id, "lgusername": user_name}}


@action("logout", post=True)
async def logout(api: Api) -> dict[str, Any]:
    api.require_token()
    w = wiki_of(api.request)
    actor = dataclasses.replace(actor_of(api.ctx, API), session_id=api.ctx.session_id)
    await w.act(accounts.logout, w.env, actor)
    api.new_sid = w.sessions.new_id()
    return {}


def routes() -> list[BaseRoute]:
    from wiki.web import (  # noqa: F401 (they register their modules)
        action_api_meta,
        action_api_query,
        action_api_tools,
        action_api_write,
    )

    return [Route("/w/api.php", endpoint, methods=["GET", "HEAD", "POST"])]
