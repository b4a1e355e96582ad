"""Special:AbuseFilter (admins write the rules of ``wiki.patrol.abuse``) and Special:AbuseLog (every
hit; the edit's details for patrollers)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wiki.actions import admin as admin_actions
from wiki.errors import N_, BadInput, NotFound
from wiki.models import AbuseHit, AbuseRule
from wiki.pages.rendering import page_url
from wiki.patrol import abuse
from wiki.text.titles import Title
from wiki.web import forms
from wiki.web.base import actor_of, int_param, wiki_of
from wiki.web.special import special
from wiki.web.templating import Ctx

LOG_LIMIT = 100


def _optional_int(raw: str, field: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadInput(N_("The field {field} is missing or not valid."), field=field) from None


def _optional_float(raw: str, field: str) -> float | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise BadInput(N_("The field {field} is missing or not valid."), field=field) from None


def _spec(form: FormData) -> abuse.RuleSpec:
    """The rule the form describes (BadInput for numbers that are not numbers)."""
    return abuse.RuleSpec(
        name=str(form.get("name", "")),
        enabled=bool(form.get("enabled")),
        pattern=str(form.get("pattern", "")),
        max_delta=_optional_int(str(form.get("max_delta", "")), "max_delta"),
        min_removed=_optional_int(str(form.get("min_removed", "")), "min_removed"),
        namespaces=str(form.get("namespaces", "")),
        new_users_only=bool(form.get("new_users_only")),
        min_score=_optional_float(str(form.get("min_score", "")), "min_score"),
        actions=",".join(a for a in abuse.ACTIONS if a in form.getlist("actions")),
        throttle_count=_optional_int(str(form.get("throttle_count", "")), "throttle") or 3,
        message=str(form.get("message", "")),
    )


@special("AbuseFilter", "FilterPenyalahgunaan", group="users", writes=True)
async def abuse_filter(request: Request, sub: str) -> Response:
    """The rules; ``/new`` or ``/<id>``: one rule's form (admins save it)."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    can_edit = ctx.can("abusefilter-modify")
    if not sub:
        rules = await w.read(
            lambda s: list(s.scalars(select(AbuseRule).order_by(AbuseRule.id)).all())
        )
        return forms.form_page(request, "special_abusefilter.html", rules=rules, can_edit=can_edit)
    rule_id = None if sub == "new" else int_param(sub)
    if sub != "new" and rule_id is None:
        raise NotFound(N_("There is no abuse rule {id}."), id=sub)

    def load(s: Session) -> AbuseRule:
        if rule_id is None:
            return AbuseRule(
                name="",
                enabled=False,
                pattern="",
                namespaces="",
                new_users_only=False,
                actions="log",
                throttle_count=3,
                message="",
            )
        rule = s.get(AbuseRule, rule_id)
        if rule is None:
            raise NotFound(N_("There is no abuse rule {id}."), id=str(rule_id))
        s.expunge(rule)
        return rule

    if request.method != "POST":
        rule = await w.read(load)
        return forms.form_page(
            request, "special_abusefilter_edit.html", rule=rule, can_edit=can_edit
        )
    form: FormData = request.state.form
    draft = await w.read(load)
    try:
        spec = _spec(form)
        abuse.apply(draft, spec)  # shown again in the form if it is refused
        saved = await w.act(admin_actions.save_rule, w.env, actor_of(ctx), rule_id, spec)
    except BadInput as exc:
        return forms.form_page(
            request,
            "special_abusefilter_edit.html",
            400,
            rule=draft,
            can_edit=can_edit,
            error=exc.translated(ctx.gettext),
        )
    return RedirectResponse(page_url(f"Special:AbuseFilter/{saved}", saved=1), status_code=303)


@special("AbuseLog", "CatatanPenyalahgunaan", group="users")
async def abuse_log(request: Request, sub: str) -> Response:
    """Every hit, newest first; patrollers (abusefilter-log-detail) see the edit's details."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    detail = ctx.can("abusefilter-log-detail")
    rule_id = int_param(request.query_params.get("rule"))

    def load(s: Session) -> list[dict[str, Any]]:
        stmt = select(AbuseHit, AbuseRule.name).outerjoin(
            AbuseRule, AbuseRule.id == AbuseHit.rule_id
        )
        if rule_id is not None:
            stmt = stmt.where(AbuseHit.rule_id == rule_id)
        rows = s.execute(stmt.order_by(AbuseHit.id.desc()).limit(LOG_LIMIT)).all()
        out = []
        for hit, name in rows:
            try:
                details = json.loads(hit.details) if detail else {}
            except ValueError:
                details = {}
            out.append(
                {
                    "id": hit.id,
                    "rule_id": hit.rule_id,
                    "rule": name or "",
                    "user": hit.user_text,
                    "title": Title(hit.namespace, hit.title),
                    "action": hit.action,
                    "timestamp": hit.timestamp,
                    "details": details,
                }
            )
        return out

    hits = await w.read(load)
    return forms.form_page(request, "special_abuselog.html", hits=hits, detail=detail)
