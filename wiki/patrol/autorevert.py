"""Automatic revert of likely vandalism (``WIKI_AUTO_REVERT``, off by default). No HTTP here.

Called by the save routes right after a save, in the same transaction, only when the setting is
on. It reverts an edit only when all of these hold:

* its stored score is at least the model's ``auto_revert`` threshold (the lowest score whose
  false-positive rate on the development set is under 1 %, ``data/model-v2.json``; editor
  facts alone never reach it);
* its author is anonymous or not autoconfirmed;
* the software has not auto-reverted this author on this page in the last day.

The revert puts the parent's text back as a minor edit by the software, tagged mw-rollback,
logs a ``rollback/autorevert`` entry (which also counts as a recent revert of the author for
later scores), and explains itself in a new topic on the author's talk page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.errors import N_, WikiError
from wiki.models import LogEntry, Revision, utcnow
from wiki.pages import edits, revisions, visibility
from wiki.patrol import logs, recentchanges, scoring
from wiki.talk import posting as talk
from wiki.text.titles import NS_USER_TALK, Title
from wiki.vandalism.model import load_model

__all__ = ["ONCE_PER", "SUMMARY", "maybe_revert"]

ONCE_PER = timedelta(days=1)
#: The software's own name as an editor (as the seed pages are written).
BOT_NAME = "Gotong"
SUMMARY = N_("Automatically reverted a likely vandal edit by {user} (score {score})")
TALK_SUBJECT = N_("Your edit to {page} was reverted automatically")
TALK_TEXT = N_(
    "Your edit to [[{page}]] looked like vandalism to this wiki's automatic check (score "
    "{score}; reasons: {reasons}), so it was reverted. If it was a good-faith edit, sorry: "
    "please make it again with an edit summary, or ask on the page's talk page."
)


def _already(session: Session, page_id: int, name: str) -> bool:
    rows = session.scalars(
        select(LogEntry.params).where(
            LogEntry.type == "rollback",
            LogEntry.action == "autorevert",
            LogEntry.page_id == page_id,
            LogEntry.timestamp >= utcnow() - ONCE_PER,
        )
    ).all()
    for raw in rows:
        try:
            if json.loads(raw).get("from") == name:
                return True
        except (ValueError, AttributeError):
            continue
    return False


def maybe_revert(
    session: Session,
    result: revisions.SaveResult,
    author: revisions.Author,
    *,
    max_bytes: int,
    gettext: Callable[[str], str],
) -> bool:
    """Revert ``result``'s edit if it qualifies (see the module); True when it was reverted."""
    rev = result.revision
    if result.noop or result.created or rev.parent_id is None or rev.vandalism_score is None:
        return False
    if rev.vandalism_score < load_model().thresholds["auto_revert"]:
        return False
    groups = (
        author.groups if author.groups is not None else edits.groups_of(session, author.user_id)
    )
    kind = recentchanges.user_kind(author.user_id, groups, author.name)
    if kind not in (recentchanges.ANON, recentchanges.NEWBIE):
        return False
    page = result.page
    if _already(session, page.id, author.name):
        return False
    parent = session.get(Revision, rev.parent_id)
    if parent is None or parent.visibility & visibility.TEXT:
        return False
    title = revisions.page_title(page)
    bot = revisions.Author(name=BOT_NAME)
    score = f"{rev.vandalism_score:.2f}"
    try:
        reverted = revisions.save(
            session,
            title,
            parent.text,
            author=bot,
            summary=gettext(SUMMARY).format(user=author.name, score=score),
            minor=True,
            base_id=rev.id,
            max_bytes=max_bytes,
            merge=False,
        )
    except WikiError:  # someone else saved in the same instant: leave it to people
        return False
    edits.after_save(session, reverted, bot, tags=[edits.TAG_ROLLBACK], watch=False)
    logs.record(
        session,
        type="rollback",
        action="autorevert",
        performer=logs.Performer(BOT_NAME),
        target=title,
        page_id=page.id,
        params={
            "from": author.name,
            "revision": reverted.revision.id,
            "to_revision": parent.id,
            "reverted": rev.id,
            "count": 1,
            "score": rev.vandalism_score,
        },
    )
    reasons = "; ".join(
        r.message(gettext) for r in scoring.reasons_from_json(rev.vandalism_reasons)
    )
    talk.add_topic(
        session,
        Title(NS_USER_TALK, author.name),
        gettext(TALK_SUBJECT).format(page=title.full),
        gettext(TALK_TEXT).format(page=title.full, score=score, reasons=reasons or "—"),
        author=bot,
        max_bytes=max_bytes,
    )
    return True
