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

_NULLABLE_USER = {"oneOf": [_ref("User"), {"type": "null"}], "description": "null when hidden"}
_HIDDEN = _obj(["text", "comment", "user"], text=BOOL, comment=BOOL, user=BOOL)
SCHEMAS.update(
    {
        "Change": _obj(
            ["id", "type", "timestamp", "title", "key", "namespace", "user", "patrolled"],
            id={**INT, "description": "Recent-changes id (keyset cursor)"},
            type={"enum": ["edit", "new", "log"]},
            timestamp=TIMESTAMP,
            title=STR,
            key=STR,
            namespace=INT,
            page_id={"type": ["integer", "null"]},
            revision={"type": ["integer", "null"]},
            parent={"type": ["integer", "null"]},
            user=_NULLABLE_USER,
            user_kind={"enum": ["anon", "new", "confirmed"], "description": "At the time"},
            bot=BOOL,
            minor=BOOL,
            new=BOOL,
            old_size=INT,
            new_size=INT,
            delta=INT,
            comment={"type": ["string", "null"]},
            patrolled=BOOL,
            tags={"type": "array", "items": STR},
            current={**BOOL, "description": "The page's latest revision (rollback applies)"},
            hidden=_HIDDEN,
            log=_obj(["id", "type", "action"], id=INT, type=STR, action=STR),
            seen={**BOOL, "description": "Watchlist only: false when changed since the visit"},
        ),
        "Changes": _obj(
            ["changes", "older"],
            changes={"type": "array", "items": _ref("Change")},
            older={"type": ["string", "null"], "format": "uri"},
        ),
        "Contributions": _obj(
            ["user", "contributions", "older", "newer"],
            user=STR,
            contributions={
                "type": "array",
                "items": _obj(
                    ["id", "page", "timestamp", "size", "delta", "current"],
                    id=INT,
                    page=_ref("PageKey"),
                    timestamp=TIMESTAMP,
                    minor=BOOL,
                    new=BOOL,
                    size=INT,
                    delta=INT,
                    comment={"type": ["string", "null"]},
                    current=BOOL,
                    hidden=_HIDDEN,
                ),
            },
            older={"type": ["string", "null"], "format": "uri"},
            newer={"type": ["string", "null"], "format": "uri"},
        ),
        "WatchState": _obj(
            ["key", "title", "watched", "expires"],
            key=STR,
            title=STR,
            watched=BOOL,
            expires={"type": ["string", "null"], "format": "date-time"},
        ),
        "Visibility": _obj(["id", "hidden"], id=INT, hidden=_HIDDEN),
    }
)
_FILTERS = [
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        ("namespace", INT, "One namespace number"),
        ("usertype", {"enum": ["anon", "new", "registered"]}, "Repeatable"),
        ("hidebots", {"enum": ["0", "1"]}, "Default 1"),
        ("unpatrolled", {"enum": ["0", "1"]}, "Unpatrolled edits only"),
        ("hideminor", {"enum": ["0", "1"]}, "Hide minor edits"),
        ("newonly", {"enum": ["0", "1"]}, "Page creations only"),
        ("hidelogs", {"enum": ["0", "1"]}, "Hide logged actions"),
        ("tag", STR, "Only changes with this tag"),
        ("period", {"enum": ["1h", "2h", "6h", "12h", "1d", "3d", "7d", "14d", "30d"]}, ""),
        ("limit", {**INT, "minimum": 1, "maximum": 500, "default": 50}, ""),
        ("older_than", INT, "Keyset: changes with a smaller id"),
    )
]
_PATROL_ERRORS = {
    "400": _error("A malformed body or parameter"),
    "403": _error("Missing CSRF token, a missing right, or a block"),
    "404": _error("No such page or revision"),
}
_NAME = {"name": "name", "in": "path", "required": True, "schema": STR}
PATHS.update(
    {
        "/v1/recentchanges": _get(
            "Recent changes, newest first, with the filters of Special:RecentChanges",
            _json_body(_ref("Changes"), "One page of changes"),
            _FILTERS,
            **{"400": _error("A filter value makes no sense")},
        ),
        "/v1/user/{name}/contributions": _get(
            "An account's or an IP's edits, newest first (hidden authors left out)",
            _json_body(_ref("Contributions"), "One page of edits"),
            [
                _NAME,
                _cursor("older_than", "Edits older than this revision id"),
                _cursor("newer_than", "Edits newer than this revision id"),
                {"name": "namespace", "in": "query", "required": False, "schema": INT},
                {"name": "limit", "in": "query", "required": False, "schema": INT},
            ],
            **{"400": _error("Not a valid user name")},
        ),
        "/v1/watchlist": _get(
            "Changes to the caller's watched pages, with the same filters",
            _json_body(_ref("Changes"), "One page of changes, each with 'seen'"),
            _FILTERS,
            **{"403": _error("Not logged in")},
        ),
        "/v1/watchlist/pages": _get(
            "The caller's watched pages",
            _json_body(
                _obj(["pages"], pages={"type": "array", "items": _ref("WatchState")}), "Pages"
            ),
            [],
            **{"403": _error("Not logged in")},
        ),
        "/v1/watchlist/{title}": {
            "put": {
                "summary": "Watch a page and its talk page",
                "parameters": [TITLE, CSRF],
                "requestBody": {
                    "required": False,
                    "content": {
                        JSON: {
                            "schema": _obj([], expiry={"enum": ["infinite", "1 week", "1 month"]})
                        }
                    },
                },
                "responses": {"200": _json_body(_ref("WatchState"), "Watched"), **_PATROL_ERRORS},
            },
            "delete": {
                "summary": "Stop watching a page and its talk page",
                "parameters": [TITLE, CSRF],
                "responses": {"200": _json_body(_ref("WatchState"), "Unwatched"), **_PATROL_ERRORS},
            },
        },
        "/v1/revision/{id}/patrol": {
            "post": {
                "summary": "Mark a revision's change as patrolled (idempotent; needs 'patrol')",
                "parameters": [_id("id"), CSRF],
                "responses": {
                    "200": _json_body(
                        _obj(
                            ["revision", "patrolled", "changed"],
                            revision=INT,
                            patrolled=BOOL,
                            changed=BOOL,
                        ),
                        "Patrolled; changed is false when it already was",
                    ),
                    **_PATROL_ERRORS,
                },
            }
        },
        "/v1/revision/{id}/visibility": {
            **_get(
                "Which parts of a revision are hidden",
                _json_body(_ref("Visibility"), "The hidden parts"),
                [_id("id")],
                **{"404": _error("No such revision")},
            ),
            "put": {
                "summary": "Hide (true) or show (false) a revision's text, comment or user "
                "(needs 'deleterevision')",
                "parameters": [_id("id"), CSRF],
                "requestBody": {
                    "required": True,
                    "content": {
                        JSON: {
                            "schema": _obj(
                                [], text=BOOL, comment=BOOL, user=BOOL, reason=STR, token=STR
                            )
                        }
                    },
                },
                "responses": {
                    "200": _json_body(_ref("Visibility"), "The new hidden parts"),
                    **_PATROL_ERRORS,
                },
            },
        },
        "/v1/page/{title}/rollback": {
            "post": {
                "summary": "Revert the latest consecutive edits by 'from' (needs 'rollback')",
                "parameters": [TITLE, CSRF],
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _obj(["from"], token=STR, **{"from": STR})}},
                },
                "responses": {
                    "200": _json_body(
                        _obj(
                            ["reverted", "revision"],
                            reverted=INT,
                            revision=INT,
                            to_revision=INT,
                            comment=STR,
                        ),
                        "Rolled back",
                    ),
                    "409": _error("Someone else edited since, or nothing to roll back"),
                    **_PATROL_ERRORS,
                },
            }
        },
        "/v1/page/{title}/undo": {
            "post": {
                "summary": "Undo revisions (undoafter, undo] by a three-way merge",
                "parameters": [TITLE, CSRF],
                "requestBody": {
                    "required": True,
                    "content": {
                        JSON: {
                            "schema": _obj(
                                ["undo"], undo=INT, undoafter=INT, comment=STR, token=STR
                            )
                        }
                    },
                },
                "responses": {
                    "200": _json_body(_ref("Page"), "Saved"),
                    "409": _error("Later edits conflict with the undo; nothing was saved"),
                    **_PATROL_ERRORS,
                },
            }
        },
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
