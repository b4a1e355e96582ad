"""The edit form and its submission: save, preview, show changes, conflicts and drafts.

Nothing typed is ever lost: every refusal (bad token, size limit, invalid input, conflict)
answers with the text in the form *and* keeps it on the server as a draft (``wiki.pages.drafts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wiki.accounts import permissions
from wiki.actions import editing
from wiki.errors import (
    N_,
    AbuseDisallowed,
    AbuseWarned,
    BadInput,
    EditConflict,
    RateLimited,
    TooLarge,
)
from wiki.pages import drafts, rendering, revisions
from wiki.pages.rendering import page_url
from wiki.patrol import abuse
from wiki.text import complexity, diffing, sections
from wiki.text.titles import Title
from wiki.web import conflicts, forms
from wiki.web import talk as talk_web
from wiki.web.base import actor_of, ensure_session, int_param, run_diff, wiki_of
from wiki.web.templating import Ctx


@dataclass(frozen=True)
class ConflictView:
    """What the conflict screen shows: the current text, yours, and the merge's pieces, each
    conflicting block with a choice (``wiki.web.conflicts``)."""

    theirs: str
    yours: str
    proposal: str
    diff: diffing.DiffResult
    blocks: int
    parts: list[conflicts.Part] = field(default_factory=list)
    parts_json: str = ""


@dataclass
class EditState:
    """What the edit form shows."""

    text: str
    summary: str = ""
    minor: bool = False
    base_id: int | None = None
    section: int | None = None
    exists: bool = False
    error: str | None = None
    notice: str | None = None
    preview_html: str | None = None
    changes: diffing.DiffResult | None = None
    conflict: ConflictView | None = None
    draft: drafts.DraftInfo | None = None
    refusal: str | None = None  # why this visitor may not save here (shown; form read-only)
    refusal_kind: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _owner(ctx: Ctx) -> str | None:
    return drafts.owner_for(user_id=ctx.user_id, session_id=ctx.session_id)


def _load_edit(
    session: Session,
    title: Title,
    section: int | None,
    owner: str | None,
    restore: bool,
    ctx: Ctx,
    anonymous_edits: bool,
) -> EditState:
    page = revisions.get_page(session, title)
    draft = drafts.find(session, owner, title) if owner else None
    refusal = permissions.refusal(
        session,
        actor_of(ctx),
        "edit",
        title,
        exists=page is not None,
        anonymous_edits=anonymous_edits,
    )
    if page is None or page.latest_id is None:
        state = EditState(text="", draft=draft)
        if section is not None:
            raise BadInput(N_("The page {title} does not exist."), title=title.full)
    else:
        rev = revisions.latest_revision(session, page)
        state = EditState(text=rev.text, base_id=rev.id, exists=True, draft=draft)
        if section is not None:
            found, text = sections.extract(rev.text, section)
            state.text = text
            state.section = section
            state.summary = sections.summary_prefix(found.heading)
    if refusal is not None:
        state.refusal = ctx.gettext(refusal.msgid).format(**refusal.params)
        state.refusal_kind = refusal.kind
    if restore and draft is not None:
        state.text = draft.text
        state.summary = draft.summary
        state.base_id = draft.base_id
        state.section = draft.section
        state.draft = None
        state.notice = "restored"
    return state


async def edit_form(request: Request, title: Title) -> Response:
    """GET ?action=edit (optionally &section=N, &restore=1)."""
    w = wiki_of(request)
    ctx = ensure_session(request)
    raw_section = request.query_params.get("section")
    if raw_section == "new":  # "Add topic": a subject and a first comment (wiki.web.talk)
        return await talk_web.new_topic_form(request, title)
    section = None
    if raw_section not in (None, ""):
        if not str(raw_section).isdigit():
            raise BadInput(N_("section must be a section number."))
        section = int(str(raw_section))
    restore = request.query_params.get("restore") == "1"
    owner = _owner(ctx)
    anon_ok = w.settings.anonymous_edits
    state = await w.read(lambda s: _load_edit(s, title, section, owner, restore, ctx, anon_ok))
    if state.notice == "restored":
        state.notice = ctx.gettext("Your kept text was restored. Save it to publish it.")
    return edit_response(request, title, state, 200)


def edit_response(request: Request, title: Title, state: EditState, status: int) -> Response:
    w = wiki_of(request)
    return forms.form_page(
        request,
        "page_edit.html",
        status,
        title=title,
        state=state,
        section_heading=_section_heading(state),
        max_bytes=w.settings.max_page_bytes,
    )


def _section_heading(state: EditState) -> str | None:
    """The heading of the section being edited (for the title), "" for the lead, None for the
    whole page. Read from the text in the box, so a preview keeps it."""
    if state.section is None:
        return None
    if state.section == 0:
        return ""
    try:
        return sections.find(state.text, 1).heading
    except BadInput:  # the heading was typed away: the title says "section N"
        return str(state.section)


async def submit(request: Request, title: Title) -> Response:
    """POST ?action=submit: save, preview, show changes, or discard a draft."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    form = await forms.read_form(request)
    state = EditState(
        text=str(form.get("wpTextbox1", "")),
        summary=str(form.get("wpSummary", "")),
        minor=bool(form.get("wpMinoredit")),
        base_id=int_param(form.get("wpBaseRevId")),
        section=_section_of(form),
        exists=form.get("wpBaseRevId") not in (None, ""),
    )
    if conflicts.PARTS_FIELD in form:  # the conflict screen: one choice per block
        state.text = conflicts.compose(form)
    undid = int_param(form.get("wpUndidRevision"))  # an undo confirmed through this form
    if undid is not None:
        state.extra["wpUndidRevision"] = str(undid)
    ack = ",".join(
        str(i) for i in sorted(abuse.parse_acknowledged(str(form.get("wpAbuseAck", ""))))
    )
    if ack:  # abuse-rule warnings the editor has seen (wiki.patrol.abuse)
        state.extra["wpAbuseAck"] = ack
    if not forms.token_ok(request, form):
        ensure_session(request)
        state.error = " ".join(
            (ctx.gettext(forms.MSG_BAD_TOKEN), ctx.gettext("Your text is kept below."))
        )
        # No server draft here: a forged request must not write anything, not even a draft
        # into the victim's session. The text comes back in the form, and the browser keeps
        # its own localStorage draft.
        return edit_response(request, title, state, 403)

    if "wpDiscardDraft" in form:
        await w.act(editing.discard_draft, w.env, actor_of(ctx), title)
        return RedirectResponse(page_url(title, action="edit"), status_code=303)
    if "wpPreview" in form or "wpDiff" in form:
        return await _preview(request, title, state, diff="wpDiff" in form)
    return await _save(request, title, state)


def _section_of(form: FormData) -> int | None:
    raw = str(form.get("wpSection", ""))
    if raw == "":
        return None
    if not raw.isdigit():
        raise BadInput(N_("section must be a section number."))
    return int(raw)


async def _save(request: Request, title: Title, state: EditState) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    edit = editing.Edit(
        title=title,
        text=state.text,
        summary=state.summary,
        minor=state.minor,
        base_id=state.base_id,
        section=state.section,
        undid=int_param(state.extra.get("wpUndidRevision")),
        acknowledged=abuse.parse_acknowledged(state.extra.get("wpAbuseAck", "")),
    )
    try:  # every refusal answers with the text in the form; the action keeps it as a draft
        result = await w.act(editing.save, w.env, actor_of(ctx), edit)
    except RateLimited as exc:
        state.error = ctx.gettext(
            "You have saved too many edits in a short time. Your text is kept: try again in "
            "{seconds} seconds."
        ).format(seconds=exc.retry_after)
        response = edit_response(request, title, state, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AbuseDisallowed as exc:
        state.error = ctx.gettext(
            "This edit was stopped by a rule of this wiki: {message} Your text is kept below."
        ).format(message=_rule_text(ctx, exc.rule_message))
        return edit_response(request, title, state, 403)
    except AbuseWarned as exc:  # the form again, the warnings acknowledged: saving again saves
        seen = edit.acknowledged | set(exc.warnings)
        state.extra["wpAbuseAck"] = ",".join(str(i) for i in sorted(seen))
        state.error = ctx.gettext(
            "Warning from a rule of this wiki: {message} If you are sure, save again."
        ).format(message=" ".join(_rule_text(ctx, m) for m in exc.warnings.values()))
        return edit_response(request, title, state, 200)
    except (TooLarge, BadInput) as exc:
        state.error = exc.translated(ctx.gettext)
        return edit_response(request, title, state, exc.status)
    except EditConflict as exc:
        return await _conflict(request, title, state, exc)
    except permissions.Refused as exc:
        state.refusal = exc.translated(ctx.gettext)
        state.refusal_kind = exc.refusal.kind
        state.error = state.refusal
        return edit_response(request, title, state, 403)
    return saved_redirect(request, title, result, state.section)


#: A short-lived cookie naming the revision just saved: the page view says "Your edit was
#: saved" once (server side, so it works without script) and clears it.
POSTEDIT_COOKIE = "wiki_postedit"


def saved_redirect(
    request: Request, title: Title, result: revisions.SaveResult, section: int | None
) -> Response:
    """303 to the page after a save: to the edited section, with the one-time confirmation."""
    url = page_url(title, merged=result.revision.id) if result.merged and not result.noop else None
    url = url or page_url(title)
    if section is not None and (found := sections.anchor(result.revision.text, section)):
        url += "#" + quote(found, safe="")
    response = RedirectResponse(url, status_code=303)
    if not result.noop:
        response.set_cookie(
            POSTEDIT_COOKIE,
            str(result.revision.id),
            max_age=120,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response


def _rule_text(ctx: Ctx, message: str) -> str:
    """A rule's message, translated when it is a seeded rule's (``abuse.SEED_TEXTS``)."""
    return ctx.gettext(message) if message else message  # gettext("") is the catalogue header


async def _conflict(
    request: Request, title: Title, state: EditState, exc: EditConflict
) -> Response:
    """The conflict screen: current text and yours side by side, and an editable proposal."""
    yours = exc.yours or state.text
    diff = await run_diff(request, exc.theirs, yours)
    merge = await run_in_threadpool(lambda: conflicts.split(exc.base, exc.theirs, yours))
    proposal = merge.text() if merge.clean else yours
    state.conflict = ConflictView(
        theirs=exc.theirs,
        yours=yours,
        proposal=proposal,
        diff=diff,
        blocks=len(merge.conflicts),
        parts=conflicts.parts(merge),
        parts_json=conflicts.encode(merge),
    )
    state.error = exc.translated(request.state.ctx.gettext)
    # The proposal is a whole-page text on top of the latest revision: saving it resolves.
    state.text = proposal
    state.base_id = exc.latest_id
    state.section = None
    state.exists = exc.latest_id is not None
    return edit_response(request, title, state, 409)


async def _preview(request: Request, title: Title, state: EditState, *, diff: bool) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    edit = editing.Edit(
        title, state.text, state.summary, base_id=state.base_id, section=state.section
    )
    try:  # rendering costs CPU, like a save does
        await w.act(w.env.limit, actor_of(ctx), "preview")
    except RateLimited as exc:
        wait = exc.retry_after
        state.error = ctx.gettext(
            "You have asked for too many previews in a short time. Your text is kept: try "
            "again in {seconds} seconds."
        ).format(seconds=wait)
        await w.act(editing.keep_draft, w.env, actor_of(ctx), edit, "rate_limited")
        response = edit_response(request, title, state, 429)
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        revisions.check_size(revisions.normalize_text(state.text), w.settings.max_page_bytes)
        complexity.check(state.text)
    except TooLarge as exc:  # TooComplex too: the text is kept either way
        state.error = exc.translated(ctx.gettext)
        await w.act(editing.keep_draft, w.env, actor_of(ctx), edit, "too_large")
        return edit_response(request, title, state, 413)
    if diff:

        def current(session: Session) -> str:
            page = revisions.get_page(session, title)
            if page is None or page.latest_id is None:
                return ""
            text = revisions.latest_revision(session, page).text
            if state.section is not None:
                return sections.extract(text, state.section)[1]
            return text

        old = await w.read(current)
        state.changes = await run_diff(request, old, revisions.normalize_text(state.text))
    else:
        stored = rendering.render_text(state.text)
        state.preview_html = await w.read(
            lambda s: rendering.resolve(s, stored, gettext=ctx.gettext, section_link=None)
        )
    return edit_response(request, title, state, 200)
