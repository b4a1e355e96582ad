"""The edit form and its submission: save, preview, show changes, conflicts and drafts.

Nothing typed is ever lost: every refusal (bad token, size limit, invalid input, conflict)
answers with the text in the form *and* keeps it on the server as a draft (``wiki.pages.drafts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wiki import i18n
from wiki.accounts import permissions
from wiki.errors import N_, BadInput, EditConflict, PermissionDenied, TooLarge, WikiError
from wiki.pages import drafts, edits, rendering, revisions
from wiki.pages.rendering import page_url
from wiki.patrol import abuse, autorevert
from wiki.talk import posting as talk
from wiki.text import complexity, diffing, sections
from wiki.text.titles import Title
from wiki.web import talk as talk_web
from wiki.web.base import editor_of, ensure_session, finish, int_param, run_diff, wiki_of
from wiki.web.security import CSRF_FIELD
from wiki.web.templating import Ctx


class EditRefused(PermissionDenied):
    """A save refused by ``wiki.accounts.permissions`` (block, protection, rights)."""

    def __init__(self, refusal: permissions.Refusal) -> None:
        super().__init__(refusal.msgid, **refusal.params)
        self.refusal = refusal


@dataclass(frozen=True)
class ConflictView:
    """What the conflict screen shows: the current text, yours, and a merged proposal."""

    theirs: str
    yours: str
    proposal: str
    diff: diffing.DiffResult
    blocks: int


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
    refusal = permissions.edit_refusal(
        session, title, editor_of(ctx), exists=page is not None, anonymous_edits=anonymous_edits
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
    response = w.templates.response(
        request,
        "page_edit.html",
        status_code=status,
        title=title,
        state=state,
        csrf_field=CSRF_FIELD,
        max_bytes=w.settings.max_page_bytes,
    )
    response.headers["Cache-Control"] = "no-store"
    return finish(request, response)


async def read_form(request: Request) -> FormData:
    """The request's form, size-capped; malformed bodies become BadInput."""
    limit = wiki_of(request).settings.max_page_bytes
    length = request.headers.get("content-length")
    # A body far over the limit is refused before it is read (UTF-8 percent-encoding at most 9x).
    if length and length.isdigit() and int(length) > limit * 9 + 65536:
        raise TooLarge(
            N_("The request is {size} bytes; the limit is {limit} bytes."),
            size=int(length),
            limit=limit,
        )
    try:
        return await request.form(max_files=0, max_fields=64, max_part_size=limit * 4 + 65536)
    except Exception as exc:  # malformed bodies of every kind: multipart, encoding, limits
        if isinstance(exc, WikiError):
            raise
        raise BadInput(N_("The form could not be read.")) from exc


async def _keep_draft(request: Request, title: Title, state: EditState, reason: str) -> None:
    ctx: Ctx = request.state.ctx
    owner = _owner(ctx)
    if owner is None or not state.text.strip():
        return
    await wiki_of(request).write_quiet(
        lambda s: drafts.keep(
            s,
            owner,
            title,
            state.text,
            summary=state.summary,
            base_id=state.base_id,
            section=state.section,
            reason=reason,
        )
    )


async def submit(request: Request, title: Title) -> Response:
    """POST ?action=submit: save, preview, show changes, or discard a draft."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    form = await read_form(request)
    state = EditState(
        text=str(form.get("wpTextbox1", "")),
        summary=str(form.get("wpSummary", "")),
        minor=bool(form.get("wpMinoredit")),
        base_id=int_param(form.get("wpBaseRevId")),
        section=_section_of(form),
        exists=form.get("wpBaseRevId") not in (None, ""),
    )
    undid = int_param(form.get("wpUndidRevision"))  # an undo confirmed through this form
    if undid is not None:
        state.extra["wpUndidRevision"] = str(undid)
    ack = ",".join(
        str(i) for i in sorted(abuse.parse_acknowledged(str(form.get("wpAbuseAck", ""))))
    )
    if ack:  # abuse-rule warnings the editor has seen (wiki.patrol.abuse)
        state.extra["wpAbuseAck"] = ack
    if not w.sessions.check_csrf(ctx.session_id, str(form.get(CSRF_FIELD, ""))):
        ensure_session(request)
        state.error = ctx.gettext(
            "Your session expired or the form was sent from elsewhere, so nothing was saved. "
            "Your text is kept below: save again to publish it."
        )
        # No server draft here: a forged request must not write anything, not even a draft
        # into the victim's session. The text comes back in the form, and the browser keeps
        # its own localStorage draft.
        return edit_response(request, title, state, 403)

    if "wpDiscardDraft" in form:
        owner = _owner(ctx)
        if owner:
            await w.write_quiet(lambda s: drafts.discard(s, owner, title))
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
    author = ctx.author
    owner = _owner(ctx)
    wait = w.rate_limited(ctx, "edit")
    if wait is not None:
        state.error = ctx.gettext(
            "You have saved too many edits in a short time. Your text is kept: try again in "
            "{seconds} seconds."
        ).format(seconds=wait)
        await _keep_draft(request, title, state, "rate_limited")
        response = edit_response(request, title, state, 429)
        response.headers["Retry-After"] = str(wait)
        return response
    editor = editor_of(ctx)
    acknowledged = abuse.parse_acknowledged(state.extra.get("wpAbuseAck", ""))
    screened = await w.read(  # abuse rules (wiki.patrol.abuse), before anything is written
        lambda s: abuse.screen(
            s,
            title,
            state.text,
            summary=state.summary,
            author=author,
            section=state.section,
            acknowledged=acknowledged,
        )
    )
    if screened.hits:  # logged in their own transaction: a refused edit is logged too
        await w.write_quiet(lambda s: abuse.record(s, screened))
    if screened.blocked:
        return await _abuse_refusal(request, title, state, screened)

    def work(session: Session) -> revisions.SaveResult:
        page = revisions.get_page(session, title)
        refusal = permissions.edit_refusal(
            session,
            title,
            editor,
            exists=page is not None,
            anonymous_edits=w.settings.anonymous_edits,
        )
        if refusal is not None:
            raise EditRefused(refusal)
        result = talk.save(  # revisions.save; on talk pages, signs and notifies
            session,
            title,
            state.text,
            author=author,
            summary=state.summary,
            minor=state.minor,
            base_id=state.base_id,
            section=state.section,
            max_bytes=w.settings.max_page_bytes,
        )
        tags = [edits.TAG_UNDO] if state.extra.get("wpUndidRevision") else []
        tags += screened.tags
        edits.after_save(session, result, author, tags=tags)  # watch by default, tags
        if w.settings.auto_revert:  # off by default (wiki.patrol.autorevert)
            autorevert.maybe_revert(
                session,
                result,
                author,
                max_bytes=w.settings.max_page_bytes,
                gettext=i18n.translations(w.settings.language).gettext,
            )
        if owner:
            drafts.discard(session, owner, title)
        return result

    try:
        result = await w.write(work)
    except (TooLarge, BadInput) as exc:
        state.error = exc.translated(ctx.gettext)
        await _keep_draft(request, title, state, "too_large" if exc.status == 413 else "invalid")
        return edit_response(request, title, state, exc.status)
    except EditConflict as exc:
        return await _conflict(request, title, state, exc)
    except EditRefused as exc:
        state.refusal = exc.translated(ctx.gettext)
        state.refusal_kind = exc.refusal.kind
        state.error = state.refusal
        await _keep_draft(request, title, state, "refused")
        return edit_response(request, title, state, 403)
    if result.merged and not result.noop:
        return RedirectResponse(page_url(title, merged=result.revision.id), status_code=303)
    return RedirectResponse(page_url(title), status_code=303)


async def _abuse_refusal(
    request: Request, title: Title, state: EditState, screened: abuse.Outcome
) -> Response:
    """An abuse rule stopped the save: refused (403), throttled (429) or warned (the form
    again, with the warnings acknowledged in a hidden field so that saving again publishes).
    The text is kept in the form and as a draft."""
    ctx: Ctx = request.state.ctx
    if screened.refusal is not None:
        state.error = ctx.gettext(
            "This edit was stopped by a rule of this wiki: {message} Your text is kept below."
        ).format(message=screened.refusal)
        await _keep_draft(request, title, state, "refused")
        return edit_response(request, title, state, 429 if screened.throttled else 403)
    seen = abuse.parse_acknowledged(state.extra.get("wpAbuseAck", "")) | set(screened.warnings)
    state.extra["wpAbuseAck"] = ",".join(str(i) for i in sorted(seen))
    state.error = ctx.gettext(
        "Warning from a rule of this wiki: {message} If you are sure, save again."
    ).format(message=" ".join(screened.warnings.values()))
    await _keep_draft(request, title, state, "refused")
    return edit_response(request, title, state, 200)


async def _conflict(
    request: Request, title: Title, state: EditState, exc: EditConflict
) -> Response:
    """The conflict screen: current text and yours side by side, and an editable proposal."""
    ctx: Ctx = request.state.ctx
    await _keep_draft(request, title, state, "conflict")
    yours = exc.yours or state.text
    diff = await run_diff(request, exc.theirs, yours)
    proposal = exc.proposal or yours
    state.conflict = ConflictView(
        theirs=exc.theirs,
        yours=yours,
        proposal=proposal,
        diff=diff,
        blocks=proposal.count("\n<<<<<<< "),
    )
    state.error = exc.translated(ctx.gettext)
    # The proposal is a whole-page text on top of the latest revision: saving it resolves.
    state.text = proposal
    state.base_id = exc.latest_id
    state.section = None
    state.exists = exc.latest_id is not None
    return edit_response(request, title, state, 409)


async def _preview(request: Request, title: Title, state: EditState, *, diff: bool) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    wait = w.rate_limited(ctx, "preview")  # rendering costs CPU, like a save does
    if wait is not None:
        state.error = ctx.gettext(
            "You have asked for too many previews in a short time. Your text is kept: try "
            "again in {seconds} seconds."
        ).format(seconds=wait)
        await _keep_draft(request, title, state, "rate_limited")
        response = edit_response(request, title, state, 429)
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        revisions.check_size(revisions.normalize_text(state.text), w.settings.max_page_bytes)
        complexity.check(state.text)
    except TooLarge as exc:  # TooComplex too: the text is kept either way
        state.error = exc.translated(ctx.gettext)
        await _keep_draft(request, title, state, "too_large")
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
