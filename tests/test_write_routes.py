"""Every route that changes something is accounted for.

The test walks the app's route table, expands ``POST /wiki/{title}`` into its ``?action=``
handlers and the special pages that accept POST, and requires each write to be listed either as
a channel that writes page text (each of which ``tests/test_one_path.py`` runs through the same
abuse rules, blocks, protection and rate limits) or as a write of something else, with the
action of ``wiki.actions`` whose permission gate guards it. A new write route in neither list
fails here; so does a listed route that no longer exists.
"""

from __future__ import annotations

import ast
from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route

from wiki import actions
from wiki.app import create_app
from wiki.settings import Settings
from wiki.web import pages, special

ROOT = Path(__file__).resolve().parent.parent
WRITE_METHODS = {"POST", "PUT", "DELETE"}

#: Channels that write page text: tests/test_one_path.py covers each one.
TEXT_WRITES = {
    "POST /wiki/{title}?action=submit": "editing.save (new page, edit, section, undo, restore)",
    "POST /wiki/{title}?action=edit": "editing.save (the same form, older URL)",
    "POST /w/rest.php/v1/page": "editing.save",
    "PUT /w/rest.php/v1/page/{title:path}": "editing.save",
    "POST /w/rest.php/v1/page/{title:path}/undo": "editing.undo",
    "POST /w/rest.php/v1/page/{title:path}/topics": "talk.add_topic",
    "POST /w/rest.php/v1/page/{title:path}/topics/{id}/replies": "talk.reply",
    "POST /wiki/Special:NewTopic": "talk.add_topic",
    "POST /wiki/Special:Reply": "talk.reply",
    # The Action API: action=edit (edit, section=new, undo) through the same actions; its other
    # write modules (rollback, patrol, move, delete, protect, block, watch…) call theirs too.
    "POST /w/api.php": "editing.save",
    # Rollback writes an older text back; test_rollback_goes_through_the_same_rules covers it.
    "POST /wiki/{title}?action=rollback": "patrol.rollback",
    "POST /w/rest.php/v1/page/{title:path}/rollback": "patrol.rollback",
}

#: Writes of something other than page text, and the action (with its gate) behind each.
OTHER_WRITES = {
    "POST /wiki/{title}?action=protect": "pages.protect",
    "POST /wiki/{title}?action=watch": "patrol.watch",
    "POST /wiki/{title}?action=unwatch": "patrol.unwatch",
    "POST /wiki/{title}?action=markpatrolled": "patrol.mark_patrolled",
    "POST /wiki/{title}?action=delete": "pages.delete",
    "POST /wiki/Special:AbuseFilter": "admin.save_rule",
    "POST /wiki/Special:Login": "accounts.authenticate",
    "POST /wiki/Special:CreateAccount": "accounts.create_account",
    "POST /wiki/Special:Logout": "accounts.logout",
    "POST /wiki/Special:Preferences": "accounts.save_preferences",
    "POST /wiki/Special:UserRights": "admin.set_groups",
    "POST /wiki/Special:PasswordReset": "accounts.start_password_reset",
    "POST /wiki/Special:ResetPassword": "accounts.finish_password_reset",
    "POST /wiki/Special:Block": "admin.block",
    "POST /wiki/Special:Unblock": "admin.unblock",
    "POST /wiki/Special:Watchlist": "personal.mark_all_seen",
    "POST /wiki/Special:EditWatchlist": "patrol.unwatch_many",
    "POST /wiki/Special:MovePage": "pages.move",
    "POST /wiki/Special:RevisionDelete": "patrol.hide_revisions",
    "POST /wiki/Special:Undelete": "pages.undelete",
    "POST /wiki/Special:Import": "imports.import_dump",
    "POST /wiki/Special:BotPasswords": "credentials.create_bot_password",
    "POST /wiki/Special:ApiTokens": "credentials.create_api_token",
    "POST /wiki/Special:Notifications": "personal.mark_read",
    "POST /w/rest.php/v1/notifications/read": "personal.mark_read",
    "PUT /w/rest.php/v1/watchlist/{title:path}": "patrol.watch",
    "DELETE /w/rest.php/v1/watchlist/{title:path}": "patrol.unwatch",
    "POST /w/rest.php/v1/revision/{id:int}/patrol": "patrol.mark_patrolled",
    "PUT /w/rest.php/v1/revision/{id:int}/visibility": "patrol.hide_revisions",
}


def _walk(routes: list[BaseRoute], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for route in routes:
        if isinstance(route, Mount):
            found |= _walk(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            for method in (route.methods or set()) & WRITE_METHODS:
                found.add(f"{method} {prefix}{route.path}")
    return found


def _writes(settings: Settings) -> set[str]:
    app = create_app(settings)
    found = _walk(list(app.routes))
    assert "POST /wiki/{title:path}" in found
    found.discard("POST /wiki/{title:path}")
    found |= {f"POST /wiki/{{title}}?action={a}" for a in pages.POST_ACTIONS}
    found |= {f"POST /wiki/Special:{p.name}" for p in special.all_pages() if p.writes}
    app.state.wiki.db.dispose()
    return found


def test_every_write_route_is_listed(settings: Settings) -> None:
    found = _writes(settings)
    unlisted = found - set(TEXT_WRITES) - set(OTHER_WRITES)
    assert not unlisted, f"write routes in neither list: {sorted(unlisted)}"
    gone = (set(TEXT_WRITES) | set(OTHER_WRITES)) - found
    assert not gone, f"listed routes that do not exist: {sorted(gone)}"


def test_every_listed_action_exists() -> None:
    import importlib

    for name in {*TEXT_WRITES.values(), *OTHER_WRITES.values()}:
        module, _, function = name.split(" ")[0].partition(".")
        assert callable(getattr(importlib.import_module(f"wiki.actions.{module}"), function))


STORAGE_VERBS = {
    ("revisions", "save"),
    ("posting", "save"),
    ("posting", "add_topic"),
    ("posting", "reply"),
    ("talk", "save"),
    ("talk", "add_topic"),
    ("talk", "reply"),
    ("moves", "move"),
    ("reverts", "rollback"),
    ("deletion", "delete_page"),
    ("deletion", "undelete"),
    ("hiding", "set_visibility"),
    ("protection", "protect"),
    ("blocks", "block"),
    ("blocks", "unblock"),
    ("marks", "mark"),
    ("patrol", "mark"),
    ("watchlist", "watch"),
    ("watchlist", "unwatch"),
    ("users", "set_groups"),
    ("users", "create_user"),
    ("drafts", "keep"),
    ("drafts", "discard"),
    ("notifications", "mark_read"),
}


def test_routes_never_write_themselves() -> None:
    """``wiki/web`` opens no write transaction and calls no storage verb: every change goes
    through ``wiki.actions`` (``Wiki.act``)."""
    offenders = []
    for path in sorted((ROOT / "wiki" / "web").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            func = node.func
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            writes = func.attr == "write_quiet" or (
                func.attr == "write" and owner in ("w", "wiki", "db", "self", "session")
            )
            if (owner, func.attr) in STORAGE_VERBS or writes:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {owner}.{func.attr}")
    assert offenders == []


def test_the_actions_package_says_what_it_is() -> None:
    assert actions.__doc__ and "One path for every change" in actions.__doc__
