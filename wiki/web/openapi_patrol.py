"""The OpenAPI description of the patrol REST API (``wiki.web.patrol_api``): recent changes,
contributions, the watchlist, patrol marks, rollback, undo and revision visibility."""

from __future__ import annotations

from typing import Any

from wiki.web.openapi_parts import (
    BOOL,
    CSRF,
    ID,
    INT,
    JSON,
    STR,
    TIMESTAMP,
    TITLE,
    _cursor,
    _error,
    _get,
    _id,
    _json_body,
    _obj,
    _ref,
)

_NULLABLE_USER = {"oneOf": [_ref("User"), {"type": "null"}], "description": "null when hidden"}
_HIDDEN = _obj(["text", "comment", "user"], text=BOOL, comment=BOOL, user=BOOL)
PATROL_SCHEMAS: dict[str, Any] = dict(
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
        "WatchedPage": _obj(
            ["key", "title", "exists", "expires"],
            key=STR,
            title=STR,
            exists={**BOOL, "description": "The page exists (a watched title may not)"},
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
        ("older_than", ID, "Keyset: changes with a smaller id"),
    )
]
_PATROL_ERRORS = {
    "400": _error("A malformed body or parameter"),
    "403": _error("Missing CSRF token, a missing right, or a block"),
    "404": _error("No such page or revision"),
    "415": _error("The body is not application/json"),
    "429": _error("Too many actions in a short time; nothing was done"),
}
_NAME = {"name": "name", "in": "path", "required": True, "schema": STR}
PATROL_PATHS: dict[str, Any] = dict(
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
                _obj(["pages"], pages={"type": "array", "items": _ref("WatchedPage")}), "Pages"
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
                            "schema": _obj(["undo"], undo=ID, undoafter=ID, comment=STR, token=STR)
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
