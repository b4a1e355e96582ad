"""Talk pages: a new topic, and a reply to a comment.

The server inserts the signed comment into the latest text inside the save's page lock, so two
replies at once never conflict; otherwise these are edits like any other: the same rate limit,
permission gate, abuse rules (on the page text with the comment in place) and follow-up.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from wiki.accounts import permissions
from wiki.actions.context import Actor, Env, editable
from wiki.actions.editing import follow, saved
from wiki.actions.screening import Screening, Stopped
from wiki.pages import revisions
from wiki.talk import posting
from wiki.text.titles import Title


def add_topic(
    env: Env,
    actor: Actor,
    title: Title,
    subject: str,
    text: str,
    *,
    acknowledged: frozenset[int] = frozenset(),
) -> posting.Posted:
    """Start a topic on ``title`` (created if needed) with a first, signed comment."""
    editable(title)
    subject = posting.clean_subject(subject)  # a bad subject is refused before it is counted
    screening = Screening(actor, f"/* {subject} */ new topic", acknowledged)
    max_bytes = env.settings.max_page_bytes

    def post(session: Session) -> posting.Posted:
        return posting.add_topic(
            session,
            title,
            subject,
            text,
            author=actor.author,
            max_bytes=max_bytes,
            screen=screening,
        )

    return _post(env, actor, title, screening, post, "edit", "topic")


def reply(
    env: Env,
    actor: Actor,
    title: Title,
    comment_id: str,
    text: str,
    *,
    acknowledged: frozenset[int] = frozenset(),
) -> posting.Posted:
    """Reply to comment ``comment_id`` on ``title``; EditConflict when it is gone."""
    editable(title)
    screening = Screening(actor, "", acknowledged)
    max_bytes = env.settings.max_page_bytes

    def post(session: Session) -> posting.Posted:
        return posting.reply(
            session,
            title,
            comment_id,
            text,
            author=actor.author,
            max_bytes=max_bytes,
            screen=screening,
        )

    return _post(env, actor, title, screening, post, "edit")


def _post(
    env: Env,
    actor: Actor,
    title: Title,
    screening: Screening,
    post: Callable[[Session], posting.Posted],
    *limits: str,
) -> posting.Posted:
    env.limit(actor, *limits)
    try:
        with env.db.write() as session:
            exists = revisions.get_page(session, title) is not None
            permissions.require(
                session,
                actor,
                "edit",
                title,
                exists=exists,
                anonymous_edits=env.settings.anonymous_edits,
            )
            posted = post(session)
            follow(session, env, actor, posted.result, screening)
    except Stopped:
        raise screening.refused(env) from None
    env.changed(saved(posted.result))
    return posted
