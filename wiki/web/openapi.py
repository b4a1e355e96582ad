"""The OpenAPI 3.1 description of the REST API (``wiki.web.api``), served at
``/w/rest.php/openapi.json``. Paths are relative to the server URL ``/w/rest.php``.

``tests/test_api.py`` checks that every route of the API is described here and vice versa.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

JSON = "application/json"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def _json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json_body(_ref("Error"), description)


INT = {"type": "integer"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
TIMESTAMP = {
    "type": "string",
    "format": "date-time",
    "description": "UTC, e.g. 2024-05-01T12:00:00Z",
}

SCHEMAS: dict[str, Any] = {
    "Error": _obj(
        ["httpCode", "httpReason", "message"],
        httpCode=INT,
        httpReason=STR,
        message={**STR, "description": "For people, in the negotiated UI language."},
        messageTranslations={"type": "object", "additionalProperties": STR},
    ),
    "User": _obj(
        ["id", "name"],
        id={"type": ["integer", "null"], "description": "null for an anonymous editor"},
        name={**STR, "description": "Account name, or the IP address of an anonymous editor"},
    ),
    "PageKey": _obj(
        ["id", "key", "title"],
        id=INT,
        key={**STR, "description": "Title as in URLs, with underscores: Talk:Main_Page"},
        title={**STR, "description": "Title as shown, with spaces: Talk:Main Page"},
    ),
    "Page": {
        "allOf": [
            _ref("PageKey"),
            _obj(
                ["latest", "content_model", "license", "source"],
                latest=_obj(["id", "timestamp"], id=INT, timestamp=TIMESTAMP),
                content_model={"const": "markdown"},
                license=_obj(["url", "title"], url=STR, title=STR),
                source={**STR, "description": "Markdown text of the latest revision"},
            ),
        ]
    },
    "HistoryRevision": _obj(
        ["id", "timestamp", "minor", "size", "delta", "comment", "user"],
        id=INT,
        timestamp=TIMESTAMP,
        minor=BOOL,
        size={**INT, "description": "Bytes (UTF-8)"},
        delta={**INT, "description": "Size change from the previous revision"},
        comment=STR,
        user=_ref("User"),
    ),
    "History": _obj(
        ["revisions", "latest"],
        revisions={"type": "array", "maxItems": 20, "items": _ref("HistoryRevision")},
        latest={**STR, "format": "uri", "description": "The newest page of history"},
        older={**STR, "format": "uri", "description": "Absent on the oldest page"},
        newer={**STR, "format": "uri", "description": "Absent on the newest page"},
    ),
    "RevisionBare": _obj(
        ["id", "page", "size", "minor", "timestamp", "content_model", "comment", "delta", "user"],
        id=INT,
        page=_ref("PageKey"),
        size=INT,
        minor=BOOL,
        timestamp=TIMESTAMP,
        content_model={"const": "markdown"},
        comment=STR,
        delta=INT,
        user=_ref("User"),
    ),
    "Revision": {"allOf": [_ref("RevisionBare"), _obj(["source"], source=STR)]},
    "CompareSide": _obj(
        ["id", "slot_role", "sections"],
        id=INT,
        slot_role={"const": "main"},
        sections={"type": "array", "maxItems": 0, "description": "Always empty for now"},
    ),
    "DiffLine": _obj(
        ["type", "lineNumber", "text", "highlightRanges", "offset"],
        type={
            "enum": [0, 1, 2, 3],
            "description": "0 context, 1 added, 2 deleted, 3 changed in place (moves are 2 + 1)",
        },
        lineNumber={"type": ["integer", "null"], "description": "In the new text; null if deleted"},
        text={**STR, "description": "For type 3, both versions merged inline"},
        highlightRanges={
            "type": "array",
            "items": _obj(
                ["start", "length", "type"],
                start={**INT, "description": "UTF-8 byte offset in text"},
                length={**INT, "description": "UTF-8 bytes"},
                type={"enum": [0, 1], "description": "0 inserted, 1 deleted"},
            ),
        },
        offset=_obj(
            ["from", "to"],
            **{"from": {"type": ["integer", "null"]}, "to": {"type": ["integer", "null"]}},
        ),
    ),
    "Compare": _obj(
        ["from", "to", "diff", "coarse"],
        diff={"type": "array", "items": _ref("DiffLine")},
        coarse={**BOOL, "description": "The time limit ran out: line-level only, no highlights"},
        **{"from": _ref("CompareSide"), "to": _ref("CompareSide")},
    ),
    "CreatePage": _obj(
        ["title", "source"],
        title=STR,
        source={**STR, "description": "Markdown; must not be empty"},
        comment={**STR, "description": "Edit summary (at most 500 characters)"},
        content_model={"const": "markdown"},
        token={**STR, "description": "CSRF token, instead of the X-CSRF-Token header"},
    ),
    "EditPage": _obj(
        ["source"],
        source=STR,
        comment=STR,
        latest={
            **_obj(["id"], id={**INT, "minimum": 1}),
            "description": "The revision the edit is based on. Required for an existing page: "
            "without it, or when it is not the latest revision, the answer is 409.",
        },
        content_model={"const": "markdown"},
        token={**STR, "description": "CSRF token, instead of the X-CSRF-Token header"},
    ),
    "Session": _obj(["csrf_token"], csrf_token={"type": ["string", "null"]}),
}

TITLE = {
    "name": "title",
    "in": "path",
    "required": True,
    "schema": STR,
    "description": "Page title, spaces or underscores; send '/' inside a title as %2F. "
    "Non-canonical forms are answered directly (no redirect).",
}
CSRF = {
    "name": "X-CSRF-Token",
    "in": "header",
    "required": False,
    "schema": STR,
    "description": "Required when the request carries a session cookie (see /v1/session); "
    "without a cookie the edit is anonymous and attributed to the client IP.",
}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": STR}


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {**INT, "minimum": 1}}


def _cursor(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": INT,
        "description": description,
    }


ETAG = {"ETag": {"schema": STR, "description": "Send back in If-None-Match for a 304"}}
NOT_MODIFIED = {"description": "Not modified (If-None-Match matched the ETag)"}
READ_ERRORS = {"400": _error("Invalid title or parameter"), "404": _error("No such page")}
WRITE_ERRORS = {
    "400": _error("Invalid title, malformed JSON, a field of the wrong type, or an empty page"),
    "403": _error("Session cookie without its CSRF token; nothing was saved"),
    "409": _error("Edit conflict: the page exists, or latest.id is not the latest revision"),
    "413": _error("Body or text over the size limit"),
    "415": _error("The body is not application/json"),
}


def _get(summary: str, ok: dict[str, Any], params: list[Any], **errors: Any) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {"200": ok, **errors, "default": _error("Any other error")},
        }
    }


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

DESCRIPTION = """\
A REST API shaped like MediaWiki's (https://www.mediawiki.org/wiki/API:REST_API/Reference).

Errors are JSON: `{"httpCode", "httpReason", "message"}`. Timestamps are ISO 8601 UTC with `Z`.

Writes without a session cookie are anonymous edits attributed to the client's IP address and
need no token. Writes that carry the wiki's session cookie must send its CSRF token in the
`X-CSRF-Token` header (or `token` in the body); scripts on the wiki's pages get it from
`GET /v1/session`. Request bodies must be `application/json`.
"""


@cache
def _spec() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gotong REST API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": "/w/rest.php"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }


def spec() -> dict[str, Any]:
    """The OpenAPI document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_spec())
