"""Building blocks of the OpenAPI description (:mod:`wiki.web.openapi`): schema helpers, the
shared schemas, parameters and error responses."""

from __future__ import annotations

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
#: Ids are 32-bit in every database we support; larger values answer 400, never a 500.
ID = {**INT, "minimum": 1, "maximum": 2**31 - 1}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
TIMESTAMP = {
    "type": "string",
    "format": "date-time",
    "description": "UTC, e.g. 2024-05-01T12:00:00Z",
}

SCHEMAS: dict[str, Any] = {
    "Error": _obj(
        ["httpCode", "httpReason", "errorKey", "messageTranslations", "message"],
        httpCode=INT,
        httpReason=STR,
        errorKey={**STR, "description": "Stable, for programs: rest-edit-conflict, …"},
        messageTranslations={
            "type": "object",
            "additionalProperties": STR,
            "description": "The message in the negotiated UI language, keyed by its code.",
        },
        message={**STR, "description": "For people, in English."},
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
        comment={"type": ["string", "null"], "description": "null when hidden from the reader"},
        user={"oneOf": [_ref("User"), {"type": "null"}], "description": "null when hidden"},
        hidden={
            **_obj([], text=BOOL, comment=BOOL, user=BOOL),
            "description": "Present when parts of the revision are hidden (wiki.pages.visibility)",
        },
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
        vandalism={
            "oneOf": [
                _obj(
                    ["score", "badge", "reasons"],
                    score={"type": "number", "minimum": 0, "maximum": 1},
                    badge={"enum": ["good", "maybe", "bad"]},
                    content={
                        "type": ["number", "null"],
                        "description": "The score from the content alone",
                    },
                    editor={
                        "type": ["number", "null"],
                        "description": "What facts about the editor added (may be negative)",
                    },
                    reasons={
                        "type": "array",
                        "items": _obj(
                            ["code", "message", "params"],
                            code=STR,
                            message={**STR, "description": "In English"},
                            params={
                                "type": "object",
                                "additionalProperties": {"type": ["integer", "string"]},
                            },
                            group={"enum": ["content", "editor"]},
                            marks={"type": "array", "items": STR},
                        ),
                    },
                ),
                {"type": "null"},
            ],
            "description": "The edit's vandalism score, badge and reasons; null when the text "
            "is hidden or the edit was saved before scoring",
        },
    ),
    "Revision": {
        "allOf": [
            _ref("RevisionBare"),
            _obj([], source={**STR, "description": "Absent when the text is hidden"}),
        ]
    },
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
            **_obj(["id"], id=ID),
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
    # The characters no title may contain (wiki.text.titles), so that valid-looking input is
    # valid; other rules (length in bytes, relative paths, "~~~") still answer 400.
    "schema": {
        **STR,
        "minLength": 1,
        "maxLength": 255,
        "pattern": "^[^#<>\\[\\]|{}\\x00-\\x1f\\x7f]+$",
    },
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
    return {"name": name, "in": "path", "required": True, "schema": ID}


def _cursor(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": ID,
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
    "429": {
        **_error("Too many edits in a short time; nothing was saved"),
        "headers": {"Retry-After": {"schema": INT, "description": "Seconds to wait"}},
    },
}


def _get(summary: str, ok: dict[str, Any], params: list[Any], **errors: Any) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {"200": ok, **errors, "default": _error("Any other error")},
        }
    }
