"""Special:MovePage: the form, and the move through ``wiki.actions.pages.move``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from wiki.actions import pages as page_actions
from wiki.errors import N_, BadInput, InvalidTitle, NotFound
from wiki.navigation import links
from wiki.text import titles
from wiki.text.titles import NS_SPECIAL, Title
from wiki.web import forms
from wiki.web.base import actor_of, wiki_of
from wiki.web.special import special
from wiki.web.templating import Ctx


@dataclass
class MoveForm:
    old: Title
    new: str
    reason: str = ""
    leave_redirect: bool = True
    move_talk: bool = True
    talk_exists: bool = False
    error: str | None = None


def _move_page(request: Request, form: MoveForm, status: int = 200, **extra: Any) -> Response:
    ctx: Ctx = request.state.ctx
    return forms.form_page(
        request,
        "special_movepage.html",
        status,
        title=Title(NS_SPECIAL, "MovePage"),
        form=form,
        can_suppress=ctx.can("delete"),
        **extra,
    )


@special("MovePage", "PindahkanHalaman", group="pagetools", writes=True)
async def move_page(request: Request, sub: str) -> Response:
    """Special:MovePage/Title: the form (GET) and the move (POST, CSRF-checked by dispatch)."""
    ctx: Ctx = request.state.ctx
    ctx.require("move")
    posted = request.method == "POST"
    data: Any = request.state.form if posted else request.query_params
    raw_old = str(data.get("wpOldTitle", "") or sub)
    if not raw_old.strip():
        raise BadInput(N_("Say which page to move: Special:MovePage/Title."))
    old = titles.parse(raw_old)
    w = wiki_of(request)

    def talk_exists(session: Session) -> bool:
        if old.is_talk or old.ns < 0:
            return False
        return bool(links.existing_titles(session, [old.talk()]))

    def load(session: Session) -> bool:
        if not links.existing_titles(session, [old]) or old.is_special:
            raise NotFound(N_("The page {title} does not exist."), title=old.full)
        return talk_exists(session)

    new_raw = str(data.get("wpNewTitle", ""))
    form = MoveForm(old=old, new=new_raw if posted else new_raw or old.full)
    form.talk_exists = await w.read(load)
    if not posted:
        return _move_page(request, form)

    form.reason = str(data.get("wpReason", ""))
    form.move_talk = bool(data.get("wpMovetalk"))
    form.leave_redirect = bool(data.get("wpLeaveRedirect")) or not ctx.can("delete")
    try:
        new = titles.parse(form.new)
        result = await w.act(
            page_actions.move,
            w.env,
            actor_of(ctx),
            old,
            new,
            reason=form.reason,
            leave_redirect=form.leave_redirect,
            move_talk=form.move_talk,
        )
    except (BadInput, NotFound, InvalidTitle) as exc:
        form.error = exc.translated(ctx.gettext)
        return _move_page(request, form, exc.status)
    refusal = result.talk_refusal
    note = refusal.translated(ctx.gettext) if refusal is not None else None
    return _move_page(request, form, 200, result=result, talk_note=note)
