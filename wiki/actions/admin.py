"""Admins' verbs on people and rules: blocks, user rights and abuse rules."""

from __future__ import annotations

from datetime import datetime

from wiki.accounts import blocks, permissions, users
from wiki.actions.context import Actor, Change, Env
from wiki.errors import N_, NotFound
from wiki.models import AbuseRule
from wiki.patrol import abuse


def block(
    env: Env,
    actor: Actor,
    target: str,
    *,
    expires_at: datetime | None,
    reason: str,
    allow_usertalk: bool,
    block_createaccount: bool,
) -> blocks.BlockInfo:
    """Block an account, an IP or a range."""
    with env.db.write() as session:
        permissions.require(session, actor, "block")
        info = blocks.block(
            session,
            target,
            expires_at=expires_at,
            reason=reason,
            allow_usertalk=allow_usertalk,
            block_createaccount=block_createaccount,
            performer=actor.performer,
        )
    env.changed(Change(accounts=True))
    return info


def unblock(env: Env, actor: Actor, target: str, *, reason: str) -> None:
    """Lift the block on an account, an IP or a range."""
    with env.db.write() as session:
        permissions.require(session, actor, "unblock")
        blocks.unblock(session, target, reason=reason, performer=actor.performer)
    env.changed(Change(accounts=True))


def set_groups(env: Env, actor: Actor, name: str, groups: set[str], *, reason: str) -> str:
    """Make ``groups`` the explicit groups of account ``name``; returns its canonical name."""
    with env.db.write() as session:
        permissions.require(session, actor, "userrights")
        user = users.require_user(session, name)
        users.set_groups(session, user, groups, performer=actor.performer, reason=reason)
        canonical = user.name
    env.changed(Change(accounts=True))
    return canonical


def save_rule(env: Env, actor: Actor, rule_id: int | None, spec: abuse.RuleSpec) -> int:
    """Create (``rule_id`` None) or change an abuse rule; returns its id."""
    with env.db.write() as session:
        permissions.require(session, actor, "abusefilter")
        abuse.check_spec(spec)
        rule = AbuseRule() if rule_id is None else session.get(AbuseRule, rule_id)
        if rule is None:
            raise NotFound(N_("There is no abuse rule {id}."), id=str(rule_id))
        abuse.apply(rule, spec)
        if rule_id is None:
            session.add(rule)
        session.flush()
        saved = rule.id
    env.changed(Change())
    return saved
