"""The OpenAPI 3.1 description of the REST API (``wiki.web.api``), served at
``/w/rest.php/openapi.json``. Paths are relative to the server URL ``/w/rest.php``.

``tests/test_api.py`` checks that every route of the API is described here and vice versa.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from wiki.web.openapi_parts import (
    BOOL,
    CSRF,
    ETAG,
    IF_NONE_MATCH,
    INT,
    JSON,
    NOT_MODIFIED,
    READ_ERRORS,
    SCHEMAS,
    STR,
    TIMESTAMP,
    TITLE,
    WRITE_ERRORS,
    _cursor,
    _error,
    _get,
    _id,
    _json_body,
    _obj,
    _ref,
)
from wiki.web.openapi_patrol import PATROL_PATHS, PATROL_SCHEMAS

PATHS: dict[str, Any] = {
    "/v1/page": {
        "post": {
            "summary": "Create a page",
            "parameters": [CSRF],
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref("CreatePage")}}},
            "responses": {
                "201": {
                    **_json_body(_ref("Page"), "Created"),
                    "headers": {"Location": {"schema": STR}},
                },
                **WRITE_ERRORS,
            },
        }
    },
    "/v1/page/{title}": {
        **_get(
            "A page with the source of its latest revision",
            {**_json_body(_ref("Page"), "The page"), "headers": ETAG},
            [TITLE, IF_NONE_MATCH],
            **READ_ERRORS,
            **{"304": NOT_MODIFIED},
        ),
        "put": {
            "summary": "Edit (or create) a page",
            "parameters": [TITLE, CSRF],
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref("EditPage")}}},
            "responses": {
                "200": _json_body(_ref("Page"), "Saved (or unchanged text: no new revision)"),
                "201": _json_body(_ref("Page"), "Created (no latest given, page did not exist)"),
                "405": _error("Not a page: /html or /history"),
                **WRITE_ERRORS,
            },
        },
    },
    "/v1/page/{title}/html": _get(
        "The rendered page as an HTML document",
        {
            "description": "HTML document; the ETag changes when linked pages change too",
            "content": {"text/html": {"schema": STR}},
            "headers": ETAG,
        },
        [TITLE, IF_NONE_MATCH],
        **READ_ERRORS,
        **{"304": NOT_MODIFIED},
    ),
    "/v1/page/{title}/history": _get(
        "Revisions of a page, newest first, 20 at a time",
        {**_json_body(_ref("History"), "One page of history"), "headers": ETAG},
        [
            TITLE,
            _cursor("older_than", "Revisions older than this revision id"),
            _cursor("newer_than", "Revisions newer than this revision id"),
            IF_NONE_MATCH,
        ],
        **READ_ERRORS,
        **{"304": NOT_MODIFIED},
    ),
    "/v1/revision/{id}": _get(
        "A revision with its source",
        {**_json_body(_ref("Revision"), "The revision"), "headers": ETAG},
        [_id("id"), IF_NONE_MATCH],
        **{"404": _error("No such revision"), "304": NOT_MODIFIED},
    ),
    "/v1/revision/{id}/bare": _get(
        "A revision's metadata, without source",
        {**_json_body(_ref("RevisionBare"), "The revision"), "headers": ETAG},
        [_id("id"), IF_NONE_MATCH],
        **{"404": _error("No such revision"), "304": NOT_MODIFIED},
    ),
    "/v1/revision/{from}/compare/{to}": _get(
        "Line diff between two revisions of the same page, with word highlights",
        _json_body(_ref("Compare"), "The diff"),
        [_id("from"), _id("to")],
        **{
            "400": _error("The revisions belong to different pages"),
            "404": _error("No such revision"),
        },
    ),
    "/v1/session": _get(
        "The CSRF token of this browser's session, for scripts on the wiki's own pages",
        _json_body(_ref("Session"), "csrf_token is null without a session cookie"),
        [],
    ),
    "/openapi.json": _get(
        "This document",
        {"description": "OpenAPI 3.1", "content": {JSON: {"schema": {"type": "object"}}}},
        [],
    ),
}

# --- talk pages and notifications (wiki.web.talk) ---------------------------------------------

_AUTHOR = _obj(["name", "anonymous"], name=STR, anonymous=BOOL)
SCHEMAS.update(
    {
        "Comment": _obj(
            ["id", "author", "timestamp", "depth", "parent"],
            id={**STR, "description": "c-<author>-<yyyymmddhhmmss>, from the signature"},
            author=_AUTHOR,
            timestamp=TIMESTAMP,
            depth={**INT, "description": "0 for a topic's first comment, 1 for a reply, ..."},
            parent={"type": ["string", "null"], "description": "The comment it answers"},
        ),
        "Topics": _obj(
            ["latest", "topics"],
            latest=_obj(["id"], id=INT),
            topics={
                "type": "array",
                "items": _obj(
                    ["id", "subject", "level", "comments"],
                    id={
                        **STR,
                        "description": "h-<first author>-<timestamp>; '' before the first heading",
                    },
                    subject=STR,
                    level=INT,
                    comments={"type": "array", "items": _ref("Comment")},
                ),
            },
        ),
        "NewTopic": _obj(
            ["subject", "comment"],
            subject={**STR, "maxLength": 200},
            comment={**STR, "description": "Markdown; signed by the server"},
            token={**STR, "description": "CSRF token, instead of the X-CSRF-Token header"},
        ),
        "NewReply": _obj(
            ["comment"],
            comment={**STR, "description": "Markdown; signed by the server"},
            token={**STR, "description": "CSRF token, instead of the X-CSRF-Token header"},
        ),
        "Posted": _obj(
            ["page", "revision", "topic", "comment", "url"],
            page=_ref("PageKey"),
            revision=_obj(["id", "timestamp"], id=INT, timestamp=TIMESTAMP),
            topic=_obj(["id", "subject"], id=STR, subject=STR),
            comment=_ref("Comment"),
            url={**STR, "description": "The page, scrolled to the new comment"},
        ),
        "Notifications": _obj(
            ["unread", "notifications"],
            unread=INT,
            notifications={
                "type": "array",
                "items": _obj(
                    ["id", "kind", "page", "url", "actor", "timestamp", "read"],
                    id=INT,
                    kind={"enum": ["mention", "reply", "topic", "watch", "vandalism", "usertalk"]},
                    page=_obj(["key", "title"], key=STR, title=STR),
                    revision={"type": ["integer", "null"]},
                    anchor={"type": ["string", "null"], "description": "The comment's id"},
                    url=STR,
                    actor=STR,
                    timestamp=TIMESTAMP,
                    read=BOOL,
                    extra={"type": "object", "description": "topic, excerpt, event, ..."},
                ),
            },
        ),
        "MarkRead": _obj(
            [],
            ids={"type": "array", "items": INT},
            all={**BOOL, "description": "Mark every notification read"},
            token=STR,
        ),
    }
)
_TALK_WRITE_ERRORS = {
    "400": _error("An empty comment or subject, or a malformed body"),
    "403": _error("Session cookie without its CSRF token, a block or protection"),
    "413": _error("The page would be over the size limit"),
    "415": _error("The body is not application/json"),
    "429": _error("Too many edits or topics in a short time"),
}
_LOGIN = _error("Not logged in: anonymous visitors have no inbox")
PATHS.update(
    {
        "/v1/page/{title}/topics": {
            **_get(
                "The talk page's topics and comments, as parsed from its latest revision",
                _json_body(_ref("Topics"), "Topics in page order"),
                [TITLE],
                **READ_ERRORS,
            ),
            "post": {
                "summary": "Start a topic: a subject and a first comment, signed by the server",
                "parameters": [TITLE, CSRF],
                "requestBody": {"required": True, "content": {JSON: {"schema": _ref("NewTopic")}}},
                "responses": {
                    "201": _json_body(_ref("Posted"), "Saved (the page is created if needed)"),
                    **_TALK_WRITE_ERRORS,
                },
            },
        },
        "/v1/page/{title}/topics/{id}/replies": {
            "post": {
                "summary": "Reply to comment {id}: inserted after it on the latest revision, "
                "signed; never an edit conflict",
                "parameters": [
                    TITLE,
                    {"name": "id", "in": "path", "required": True, "schema": STR},
                    CSRF,
                ],
                "requestBody": {"required": True, "content": {JSON: {"schema": _ref("NewReply")}}},
                "responses": {
                    "201": _json_body(_ref("Posted"), "Saved"),
                    **_TALK_WRITE_ERRORS,
                    "404": _error("No such page"),
                    "409": _error(
                        "The comment is no longer on the page; nothing was saved and the body's "
                        "'yours' holds the text"
                    ),
                },
            }
        },
        "/v1/notifications": _get(
            "The caller's notifications, newest first",
            _json_body(_ref("Notifications"), "The inbox"),
            [
                {"name": "unread", "in": "query", "required": False, "schema": STR},
                {"name": "limit", "in": "query", "required": False, "schema": INT},
            ],
            **{"401": _LOGIN},
        ),
        "/v1/notifications/read": {
            "post": {
                "summary": "Mark some or all of the caller's notifications read",
                "parameters": [CSRF],
                "requestBody": {"required": True, "content": {JSON: {"schema": _ref("MarkRead")}}},
                "responses": {
                    "200": _json_body(_obj(["marked"], marked=INT), "How many were marked"),
                    "400": _error("Neither ids nor all"),
                    "401": _LOGIN,
                    "403": _error("Missing CSRF token"),
                },
            }
        },
    }
)


# --- search (wiki.web.search) -----------------------------------------------------------------

_SEARCH_PARAMS = [
    {"name": "q", "in": "query", "required": True, "schema": STR, "description": "The query"},
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {**INT, "minimum": 1, "maximum": 100, "default": 50},
    },
]
SCHEMAS.update(
    {
        "SearchResults": _obj(
            ["pages"],
            pages={
                "type": "array",
                "items": _obj(
                    ["id", "key", "title", "excerpt", "matched_title", "description", "thumbnail"],
                    id=INT,
                    key=STR,
                    title=STR,
                    excerpt={
                        **STR,
                        "description": 'HTML: text around the matches, each in <span class="'
                        'searchmatch">; for title search, the title',
                    },
                    matched_title={
                        "type": ["string", "null"],
                        "description": "The redirect title that matched, if only it did",
                    },
                    description={"type": "null"},
                    thumbnail={"type": "null"},
                ),
            },
        ),
    }
)
PATHS.update(
    {
        "/v1/search/page": _get(
            "Full-text search of articles, ranked, with excerpts",
            _json_body(_ref("SearchResults"), "The best matches first"),
            _SEARCH_PARAMS,
            **{"400": _error("q is missing or limit is out of range")},
        ),
        "/v1/search/title": _get(
            "Titles that start with q (then titles with a word that does), for autocomplete",
            _json_body(_ref("SearchResults"), "Matching pages, exact title first"),
            _SEARCH_PARAMS,
            **{"400": _error("q is missing or limit is out of range")},
        ),
    }
)


# --- patrol (wiki.web.patrol_api) -------------------------------------------------------------

SCHEMAS.update(PATROL_SCHEMAS)
PATHS.update(PATROL_PATHS)

_HTML_DOC = {"description": "HTML document", "content": {"text/html": {"schema": STR}}}
_PAGE_NO_SOURCE = {
    "type": "object",
    "required": ["id", "key", "title", "latest", "content_model", "license"],
    "properties": {
        "id": INT,
        "key": STR,
        "title": STR,
        "latest": _obj(["id", "timestamp"], id=INT, timestamp=TIMESTAMP),
        "content_model": STR,
        "license": _obj(["url", "title"], url=STR, title=STR),
        "html_url": {**STR, "format": "uri"},
        "html": STR,
    },
}
PATHS.update(  # wiki.web.api_variants
    {
        "/v1/page/{title}/bare": _get(
            "A page's metadata and the URL of its HTML, without the source",
            {**_json_body(_PAGE_NO_SOURCE, "The page"), "headers": ETAG},
            [TITLE, IF_NONE_MATCH],
            **READ_ERRORS,
            **{"304": NOT_MODIFIED},
        ),
        "/v1/page/{title}/with_html": _get(
            "A page's metadata with its rendered HTML",
            {**_json_body(_PAGE_NO_SOURCE, "The page"), "headers": ETAG},
            [TITLE, IF_NONE_MATCH],
            **READ_ERRORS,
            **{"304": NOT_MODIFIED},
        ),
        "/v1/page/{title}/links/language": _get(
            "Links to the same page in other languages (none: one language per wiki)",
            _json_body({"type": "array", "maxItems": 0}, "Always empty"),
            [TITLE],
            **READ_ERRORS,
        ),
        "/v1/page/{title}/history/counts/{type}": _get(
            "How many revisions of a page are of a kind",
            _json_body(_obj(["count", "limit"], count=INT, limit=BOOL), "The count"),
            [
                TITLE,
                {
                    "name": "type",
                    "in": "path",
                    "required": True,
                    "schema": {"enum": ["edits", "anonymous", "minor", "editors", "bot"]},
                },
            ],
            **READ_ERRORS,
        ),
        "/v1/revision/{id}/html": _get(
            "A revision rendered as an HTML document",
            _HTML_DOC,
            [_id("id")],
            **{"403": _error("The revision's text is hidden"), "404": _error("No such revision")},
        ),
        "/v1/revision/{id}/with_html": _get(
            "A revision's metadata with its rendered HTML",
            _json_body({"allOf": [_ref("RevisionBare"), _obj(["html"], html=STR)]}, "The revision"),
            [_id("id")],
            **{"403": _error("The revision's text is hidden"), "404": _error("No such revision")},
        ),
    }
)

DESCRIPTION = """\
A REST API shaped like MediaWiki's (https://www.mediawiki.org/wiki/API:REST_API/Reference).

Errors are JSON: `{"httpCode", "httpReason", "message"}`. Timestamps are ISO 8601 UTC with `Z`.

Writes without a session cookie are anonymous edits attributed to the client's IP address and
need no token. Writes that carry the wiki's session cookie must send its CSRF token in the
`X-CSRF-Token` header (or `token` in the body); scripts on the wiki's pages get it from
`GET /v1/session`. Request bodies must be `application/json`.
"""


SECURITY_SCHEMES: dict[str, Any] = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token made on Special:ApiTokens, limited to its grants. "
        "An unknown or revoked token answers 401.",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "gotong_session",
        "description": "The wiki's login session (also from action=login with a bot password "
        "on /w/api.php); writes then need X-CSRF-Token. A cookie that fails its signature "
        "answers 401.",
    },
}


def _operation_id(method: str, path: str) -> str:
    """A stable operationId from the route (``GET /v1/page/{title}/html``: getPageTitleHtml)."""
    words = [w.strip("{}") for w in path.split("/") if w and w != "v1"]
    return method.lower() + "".join(w[:1].upper() + w[1:].replace("_", "") for w in words)


def _with_operation_ids(paths: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(paths)
    for path, item in out.items():
        for method, op in item.items():
            if isinstance(op, dict) and method in ("get", "post", "put", "delete", "patch"):
                op.setdefault("operationId", _operation_id(method, path))
    return out


@cache
def _spec() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gotong REST API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": "/w/rest.php"}],
        "paths": _with_operation_ids(PATHS),
        "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
        # Every operation works anonymously too (reads, and anonymous edits where allowed).
        "security": [{}, {"bearerToken": []}, {"sessionCookie": []}],
    }


def spec() -> dict[str, Any]:
    """The OpenAPI document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_spec())
