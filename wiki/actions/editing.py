"""Writing page text: save (new page, edit, section), undo and restore.

Every channel that writes a page's text ends in :func:`save`: the edit form (which also confirms
undo and restore), the REST API (POST, PUT, undo), and later the bot API and imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from wiki import i18n
from wiki.accounts import permissions
from wiki.actions.context import Actor, Change, Env, editable
from wiki.actions.screening import Screening, Stopped
from wiki.errors import EditConflict, RateLimited, TooLarge, WikiError
from wiki.pages import drafts, edits, revisions
from wiki.pages.revisions import SaveResult
from wiki.patrol import autorevert, reverts
from wiki.talk import posting
from wiki.text.titles import Title


@dataclass(frozen=True)
class Edit:
    """A change of a page's text, as its editor sent it."""

    title: Title
    text: str
    summary: str = ""
    minor: bool = False
    #: The revision the editor started from; None for a new page.
    base_id: int | None = None
    section: int | None = None
    #: Refuse (EditConflict) if the page exists already.
    create_only: bool = False
    #: Merge three-way when the page moved on since ``base_id`` (False: EditConflict).
    merge: bool = True
    #: The revision this edit undoes (tagged mw-undo).
    undid: int | None = None
    #: Abuse-rule warnings the editor has seen and saves anyway.
    acknowledged: frozenset[int] = frozenset()


def save(env: Env, actor: Actor, edit: Edit) -> SaveResult:
    """Save ``edit`` as ``actor``. On any refusal the text is kept as the actor's draft."""
    title = editable(edit.title)
    screening = Screening(actor, edit.summary, edit.acknowledged)
    try:
        env.limit(actor, "edit")
        with env.db.write() as session:
            page = revisions.get_page(session, title)
            permissions.require(
                session,
                actor,
                "edit",
                title,
                exists=page is not None,
                anonymous_edits=env.settings.anonymous_edits,
            )
            result = posting.save(  # revisions.save; on talk pages it signs and notifies
                session,
                title,
                edit.text,
                author=actor.author,
                summary=edit.summary,
                minor=edit.minor,
                base_id=edit.base_id,
                section=edit.section,
                max_bytes=env.settings.max_page_bytes,
                create_only=edit.create_only,
                merge=edit.merge,
                screen=screening,
            )
            tags = [edits.TAG_UNDO] if edit.undid is not None else []
            follow(session, env, actor, result, screening, tags=tags)
    except Stopped:
        error = screening.refused(env)
        _keep_draft(env, actor, edit, "refused")
        raise error from None
    except WikiError as exc:
        _keep_draft(env, actor, edit, _draft_reason(exc))
        raise
    env.changed(saved(result))
    return result


def undo(
    env: Env,
    actor: Actor,
    title: Title,
    undo: int,
    undoafter: int | None,
    summary: str | None,
    *,
    acknowledged: frozenset[int] = frozenset(),
) -> SaveResult:
    """Undo revision ``undo`` (through ``undoafter``) in one step: a three-way merge saved as
    an edit tagged mw-undo, or ``reverts.UndoConflict`` and nothing saved."""
    site = i18n.translations(env.settings.language).gettext
    with env.db.read() as session:
        proposal = reverts.plan_undo(
            session,
            title,
            undo,
            undoafter,
            can_view_suppressed=actor.can("viewsuppressed"),
            summary_format=site(reverts.UNDO_SUMMARY),
            range_format=site(reverts.UNDO_RANGE_SUMMARY),
            hidden_user=site(reverts.HIDDEN_USER),
        )
    edit = Edit(
        title=title,
        text=proposal.text,
        summary=summary if summary is not None else proposal.summary,
        base_id=proposal.base_id,
        merge=False,
        undid=proposal.undo,
        acknowledged=acknowledged,
    )
    return save(env, actor, edit)


def follow(
    session: Session,
    env: Env,
    actor: Actor,
    result: SaveResult,
    screening: Screening | None,
    *,
    tags: Iterable[str] = (),
    watch: bool = True,
) -> None:
    """What follows a save, in its transaction (after ``edits.recorded``, which the storage
    verb runs): the rule hits, the editor's watch and the request's tags, auto-revert, and the
    end of the editor's draft."""
    if screening is not None:
        screening.accepted(session)
        tags = [*tags, *screening.tags]
    edits.after_save(session, result, actor.author, tags=tags, watch=watch)
    if env.settings.auto_revert:  # off by default (wiki.patrol.autorevert)
        autorevert.maybe_revert(
            session,
            result,
            actor.author,
            max_bytes=env.settings.max_page_bytes,
            gettext=i18n.translations(env.settings.language).gettext,
        )
    owner = actor.draft_owner
    if owner:
        drafts.discard(session, owner, revisions.page_title(result.page))


def saved(result: SaveResult) -> Change:
    """The caches' view of a save."""
    if result.noop:
        return Change()
    return Change(titles=frozenset({revisions.page_title(result.page)}), existence=result.created)


def _draft_reason(exc: WikiError) -> str:
    if isinstance(exc, EditConflict):
        return "conflict"
    if isinstance(exc, TooLarge):
        return "too_large"
    if isinstance(exc, RateLimited):
        return "rate_limited"
    if isinstance(exc, permissions.Refused):
        return "refused"
    return "invalid"


def _keep_draft(env: Env, actor: Actor, edit: Edit, reason: str) -> None:
    """Nothing typed is lost: a refused text is kept on the server for its owner."""
    owner = actor.draft_owner
    if owner is None or not edit.text.strip():
        return
    with env.db.write() as session:
        drafts.keep(
            session,
            owner,
            edit.title,
            edit.text,
            summary=edit.summary,
            base_id=edit.base_id,
            section=edit.section,
            reason=reason,
        )


def keep_draft(env: Env, actor: Actor, edit: Edit, reason: str) -> None:
    """Keep ``edit``'s text as the actor's draft (a refusal outside :func:`save`, e.g. a
    preview over the size limit)."""
    _keep_draft(env, actor, edit, reason)


def discard_draft(env: Env, actor: Actor, title: Title) -> None:
    """Throw away the actor's kept draft of ``title``."""
    owner = actor.draft_owner
    if owner is None:
        return
    with env.db.write() as session:
        drafts.discard(session, owner, title)
