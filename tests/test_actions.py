"""The actions themselves, without HTTP: the permission matrix (roles × actions × blocked ×
protected), what follows a save, and the steps every action shares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import select

from tests.conftest import make_user
from wiki.accounts import permissions
from wiki.accounts.ratelimit import RateLimiter
from wiki.actions import admin, editing, pages, patrol, talk
from wiki.actions.context import REST, Actor, Change, Env
from wiki.db import Database
from wiki.errors import AbuseDisallowed, RateLimited
from wiki.models import AbuseRule, Draft, Protection, RecentChange, Revision, utcnow
from wiki.patrol import abuse
from wiki.settings import Settings
from wiki.text.titles import Title, parse

IP = "203.0.113.5"
ROLES = ("anon", "newbie", "autoconfirmed", "patroller", "admin", "bot")

#: What each role may do on an unprotected page when not blocked (MediaWiki's defaults).
ALLOWED = {
    "anon": {"edit", "create"},
    "newbie": {"edit", "create", "watch"},
    "autoconfirmed": {"edit", "create", "watch", "move"},
    "patroller": {"edit", "create", "watch", "move", "rollback", "patrol"},
    "admin": {
        "edit",
        "create",
        "watch",
        "move",
        "rollback",
        "patrol",
        "delete",
        "undelete",
        "protect",
        "block",
        "unblock",
        "hiderevision",
        "userrights",
        "abusefilter",
    },
    "bot": {"edit", "create", "watch", "move"},
}
#: Actions a block does not stop, and actions full protection ("admin" level) stops for others.
UNBLOCKED = {"watch", "unblock"}
PROTECTED = {"edit", "create", "move", "rollback"}
ACTIONS = sorted(set().union(*ALLOWED.values()))


@dataclass
class Wiki:
    env: Env
    db: Database
    changes: list[Change]


@pytest.fixture
def wiki(settings: Settings) -> Iterator[Wiki]:
    db = Database(settings.database_url)
    changes: list[Change] = []
    env = Env(settings, db, RateLimiter(db, settings.rate_limits), changed=changes.append)
    yield Wiki(env, db, changes)
    db.dispose()


def _actor(db: Database, role: str) -> Actor:
    if role == "anon":
        return Actor(user_id=None, name=IP, ip=IP, groups=frozenset({"*"}))
    name = role.capitalize()
    explicit = {"patroller": ("patroller",), "admin": ("admin",), "bot": ("bot",)}
    uid = make_user(db, name, groups=explicit.get(role, ()), autoconfirmed=role != "newbie")
    groups = {"*", "user", *explicit.get(role, ())}
    if role != "newbie":
        groups.add("autoconfirmed")
    return Actor(user_id=uid, name=name, ip=IP, groups=frozenset(groups))


def _system(db: Database) -> Actor:
    uid = make_user(db, "Sysop", groups=("admin",))
    groups = frozenset({"*", "user", "autoconfirmed", "admin"})
    return Actor(user_id=uid, name="Sysop", ip="192.0.2.1", groups=groups, channel=REST)


def _attempts(w: Wiki, actor: Actor) -> dict[str, Callable[[], object]]:
    env = w.env
    return {
        "edit": lambda: editing.save(
            env, actor, editing.Edit(parse("Edit me"), "Changed.", base_id=_latest(w, "Edit me"))
        ),
        "create": lambda: editing.save(env, actor, editing.Edit(parse("Brand new"), "New.")),
        "move": lambda: pages.move(env, actor, parse("Move me"), parse("Moved")),
        "delete": lambda: pages.delete(env, actor, parse("Delete me"), "Spam."),
        "undelete": lambda: pages.undelete(
            env, actor, parse("Deleted"), rev_ids=None, reason="Oops."
        ),
        "protect": lambda: pages.protect(
            env, actor, parse("Edit me"), {"edit": "autoconfirmed"}, expires_at=None, reason="."
        ),
        "block": lambda: admin.block(
            env,
            actor,
            "198.51.100.1",
            expires_at=None,
            reason="Vandal.",
            allow_usertalk=True,
            block_createaccount=False,
        ),
        "unblock": lambda: admin.unblock(env, actor, "198.51.100.200", reason="Ok."),
        "rollback": lambda: patrol.rollback(env, actor, parse("Vandalised"), "192.0.2.66"),
        "patrol": lambda: patrol.mark_patrolled(env, actor, revision_id=_latest(w, "Vandalised")),
        "hiderevision": lambda: patrol.hide_revisions(
            env, actor, [_first(w, "Vandalised")], hide=1, unhide=0, reason="."
        ),
        "userrights": lambda: admin.set_groups(env, actor, "Sysop", {"admin"}, reason="."),
        "abusefilter": lambda: admin.save_rule(
            env, actor, None, abuse.RuleSpec(name="r", pattern="x", actions="log")
        ),
        "watch": lambda: patrol.watch(env, actor, parse("Edit me")),
    }


def _latest(w: Wiki, title: str) -> int:
    t = parse(title)
    from wiki.pages import revisions

    with w.db.read() as s:
        page = revisions.get_page(s, t)
        assert page is not None and page.latest_id is not None
        return int(page.latest_id)


def _first(w: Wiki, title: str) -> int:
    from wiki.pages import revisions

    with w.db.read() as s:
        page = revisions.get_page(s, parse(title))
        assert page is not None
        return int(min(s.scalars(select(Revision.id).where(Revision.page_id == page.id))))


def _setup(w: Wiki, sysop: Actor) -> None:
    env = w.env
    for title in ("Edit me", "Move me", "Delete me", "Deleted", "Vandalised"):
        editing.save(env, sysop, editing.Edit(parse(title), f"{title}: the text."))
    vandal = Actor(user_id=None, name="192.0.2.66", ip="192.0.2.66", groups=frozenset({"*"}))
    editing.save(
        env,
        vandal,
        editing.Edit(parse("Vandalised"), "Nonsense.", base_id=_latest(w, "Vandalised")),
    )
    pages.delete(env, sysop, parse("Deleted"), "Test.")
    admin.block(
        env,
        sysop,
        "198.51.100.200",
        expires_at=None,
        reason=".",
        allow_usertalk=True,
        block_createaccount=False,
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("blocked", [False, True], ids=["unblocked", "blocked"])
@pytest.mark.parametrize("protected", [False, True], ids=["open", "protected"])
def test_permission_matrix_on_the_actions(
    wiki: Wiki, role: str, blocked: bool, protected: bool
) -> None:
    sysop = _system(wiki.db)
    _setup(wiki, sysop)
    actor = _actor(wiki.db, role)
    if protected:
        for title in ("Edit me", "Move me", "Vandalised", "Brand new", "Moved"):
            t = parse(title)
            with wiki.db.write() as s:
                for action in ("edit", "move", "create"):
                    s.add(
                        Protection(
                            namespace=t.ns,
                            title=t.text,
                            action=action,
                            level="admin",
                            expires_at=None,
                            reason="Locked.",
                            performer_text="Sysop",
                            created_at=utcnow(),
                        )
                    )
    if blocked:
        admin.block(
            wiki.env,
            sysop,
            actor.name,
            expires_at=None,
            reason="Blocked.",
            allow_usertalk=True,
            block_createaccount=False,
        )
    outcomes: dict[str, str] = {}
    for action, attempt in _attempts(wiki, actor).items():
        try:
            attempt()
        except permissions.Refused as exc:
            outcomes[action] = f"refused:{exc.refusal.kind}"
        else:
            outcomes[action] = "done"
    expected: dict[str, str] = {}
    for action in ACTIONS:
        if action not in ALLOWED[role]:
            expected[action] = (
                "refused:login" if (action, role) == ("watch", "anon") else ("refused:right")
            )
        elif blocked and action not in UNBLOCKED:
            expected[action] = "refused:blocked"
        elif protected and action in PROTECTED and role != "admin":
            expected[action] = "refused:protected"
        else:
            expected[action] = "done"
    assert outcomes == expected


def _rule(db: Database, name: str, pattern: str, actions: str, message: str) -> None:
    with db.write() as s:
        s.add(
            AbuseRule(
                name=name,
                enabled=True,
                pattern=pattern,
                namespaces="",
                new_users_only=False,
                actions=actions,
                throttle_count=3,
                message=message,
            )
        )


def test_refused_text_is_kept_as_a_draft(wiki: Wiki) -> None:
    sysop = _system(wiki.db)
    editing.save(wiki.env, sysop, editing.Edit(parse("Kebijakan"), "Teks awal."))
    _rule(wiki.db, "no", "hoaks", "disallow", "Tidak boleh.")
    anon = Actor(user_id=None, name=IP, ip=IP, groups=frozenset({"*"}), session_id="s" * 32)
    edit = editing.Edit(parse("Kebijakan"), "Teks hoaks.", base_id=_latest(wiki, "Kebijakan"))
    with pytest.raises(AbuseDisallowed):
        editing.save(wiki.env, anon, edit)
    with wiki.db.read() as s:
        (draft,) = s.scalars(select(Draft)).all()
    assert draft.text == "Teks hoaks." and draft.reason == "refused"


def test_a_save_tells_the_caches_what_changed(wiki: Wiki) -> None:
    sysop = _system(wiki.db)
    wiki.changes.clear()
    editing.save(wiki.env, sysop, editing.Edit(parse("Halaman"), "Satu."))
    editing.save(
        wiki.env, sysop, editing.Edit(parse("Halaman"), "Dua.", base_id=_latest(wiki, "Halaman"))
    )
    pages.move(wiki.env, sysop, parse("Halaman"), parse("Halaman baru"))
    assert wiki.changes == [
        Change(titles=frozenset({parse("Halaman")}), existence=True),
        Change(titles=frozenset({parse("Halaman")})),
        Change(titles=frozenset({parse("Halaman"), parse("Halaman baru")}), existence=True),
    ]


def test_talk_posts_follow_like_edits(wiki: Wiki) -> None:
    """A topic gets a recent-change row, the poster's watch and the rule tags, as an edit."""
    newbie = _actor(wiki.db, "newbie")
    _rule(wiki.db, "tagger", "(?i)diskusi", "tag", "")
    posted = talk.add_topic(wiki.env, newbie, parse("Talk:Pajak"), "Usul", "Mari diskusi.")
    from wiki.models import ChangeTag, Watch

    with wiki.db.read() as s:
        rc = s.scalar(
            select(RecentChange).where(RecentChange.revision_id == posted.result.revision.id)
        )
        assert rc is not None
        tags = set(s.scalars(select(ChangeTag.tag).where(ChangeTag.rc_id == rc.id)))
        watched = s.scalars(select(Watch.title).where(Watch.user_id == newbie.user_id)).all()
    assert any(t.startswith("abusefilter") for t in tags), tags
    assert "Pajak" in watched


def test_the_rate_limit_comes_first(settings: Settings) -> None:
    strict = replace(settings, rate_limits="edit:anon=1/3600").validated()
    db = Database(strict.database_url)
    env = Env(strict, db, RateLimiter(db, strict.rate_limits))
    anon = Actor(user_id=None, name=IP, ip=IP, groups=frozenset({"*"}))
    editing.save(env, anon, editing.Edit(parse("Satu"), "Teks."))
    with pytest.raises(RateLimited):  # before the gate could even say "special pages…"
        editing.save(env, anon, editing.Edit(parse("Dua"), "Teks."))
    with db.read() as s:
        assert len(s.scalars(select(Revision.id)).all()) == 1
    db.dispose()


def test_rollback_goes_through_the_same_rules(wiki: Wiki) -> None:
    sysop = _system(wiki.db)
    editing.save(wiki.env, sysop, editing.Edit(parse("Pajak"), "Tarif 10 persen. zonk"))
    vandal = Actor(user_id=None, name="192.0.2.66", ip="192.0.2.66", groups=frozenset({"*"}))
    editing.save(
        wiki.env, vandal, editing.Edit(parse("Pajak"), "Tarif 0.", base_id=_latest(wiki, "Pajak"))
    )
    _rule(wiki.db, "no zonk", "zonk", "disallow", "Tidak.")
    patroller = _actor(wiki.db, "patroller")
    with pytest.raises(AbuseDisallowed):
        patrol.rollback(wiki.env, patroller, parse("Pajak"), "192.0.2.66")
    with wiki.db.read() as s:
        assert s.scalar(select(Revision.text).order_by(Revision.id.desc()).limit(1)) == "Tarif 0."


def test_blocks_on_talk_allow_the_own_user_talk_page(wiki: Wiki) -> None:
    sysop = _system(wiki.db)
    admin.block(
        wiki.env,
        sysop,
        IP,
        expires_at=None,
        reason="Vandal.",
        allow_usertalk=True,
        block_createaccount=False,
    )
    anon = Actor(user_id=None, name=IP, ip=IP, groups=frozenset({"*"}))
    with pytest.raises(permissions.Refused):
        talk.add_topic(wiki.env, anon, parse("Talk:Pajak"), "Banding", "Saya tidak bersalah.")
    posted = talk.add_topic(wiki.env, anon, Title(3, IP), "Banding", "Saya tidak bersalah.")
    assert posted.result.revision.user_text == IP
