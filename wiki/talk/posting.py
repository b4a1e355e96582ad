"""Talk pages: start a topic, reply to a comment, sign what the editor left unsigned, and tell the
people concerned. No HTTP here; the thread format itself is ``wiki.talk.threads``.

Replies never conflict. A reply names the comment it answers by id, and is applied inside the
save transaction to the page's *latest* revision, with the page locked (``FOR NO KEY UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite): find the comment, insert the reply after its earlier
replies, save. Two people replying at once both land, in order. A reply to a comment that an
edit has since removed is refused (``EditConflict``, with the text kept), never put elsewhere.

After a talk page is saved (``after_save``), each comment that the save added, signed by the
editor with the current time, notifies: users it mentions (``[[User:Name]]``, ``@Name``), the
author of the comment it answers, the owner of a user talk page, people subscribed to its
topic and, for a new topic, the page's watchers. Each person gets at most one notification per
comment, the most specific one. Writing a comment subscribes you to its topic. An IP's talk
page edited by someone else gets a "you have new messages" flag instead (IPs have no inbox).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from wiki.errors import N_, BadInput, EditConflict, NotFound
from wiki.models import IpNewTalk, Page, Revision, TopicSubscription, User, Watch, utcnow
from wiki.pages import revisions
from wiki.pages.revisions import Author, SaveResult
from wiki.talk import notifications, threads
from wiki.text import sections, titles
from wiki.text.titles import Title

#: A comment counts as new (and notifies) only if it was signed this close to the save; so a
#: revert that brings back old comments, or a thread moved from elsewhere, tells nobody.
NEW_COMMENT_WINDOW = timedelta(minutes=10)
#: Notification kinds, most specific first: one per person and comment.
PRIORITY = ("mention", "reply", "usertalk", "topic")


@dataclass(frozen=True)
class Posted:
    """A topic or reply that was saved: the save, and the new comment in the new text."""

    result: SaveResult
    comment: threads.Comment
    topic: threads.Topic


def _now() -> datetime:
    return utcnow().replace(microsecond=0)


def _lock(session: Session, title: Title) -> Page | None:
    # The same lock revisions.save takes (it takes it again, harmlessly): held from here, so the
    # latest revision cannot change between reading it and saving the reply.
    return revisions._lock_page(session, title)


def _body(text: str, author: Author, when: datetime) -> str:
    try:
        body = threads.prepare(text, author.name, anonymous=author.is_anonymous, when=when)
    except threads.EmptyComment as exc:
        raise BadInput(N_("The comment is empty. Write something before saving.")) from exc
    return threads.sign(body, author.name, anonymous=author.is_anonymous, when=when)


def _short(text: str, limit: int = threads.MAX_SUBJECT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean_subject(subject: str) -> str:
    """A topic's subject on one line, or BadInput when it is empty or too long."""
    subject = " ".join(subject.split()).lstrip("#").strip()
    if not subject:
        raise BadInput(N_("A new topic needs a subject."))
    if len(subject) > threads.MAX_SUBJECT:
        raise BadInput(
            N_("The subject is {length} characters; the limit is {limit}."),
            length=len(subject),
            limit=threads.MAX_SUBJECT,
        )
    return subject


def add_topic(
    session: Session,
    title: Title,
    subject: str,
    text: str,
    *,
    author: Author,
    max_bytes: int,
    screen: revisions.Screen | None = None,
) -> Posted:
    """Start a topic (``## subject`` and a first, signed comment) at the end of the page,
    creating the page if needed; in the caller's write transaction."""
    if title.is_special:
        raise BadInput(N_("Special pages cannot be edited."))
    subject = clean_subject(subject)
    when = _now()
    signed = _body(text, author, when)
    page = _lock(session, title)
    latest = revisions.latest_revision(session, page) if page and page.latest_id else None
    old = latest.text if latest else ""
    new, line = threads.add_topic(old, subject, signed)
    result = revisions.save(
        session,
        title,
        new,
        author=author,
        summary=f"/* {_short(subject)} */ new topic",
        base_id=latest.id if latest else None,
        max_bytes=max_bytes,
        merge=False,
        screen=screen,
    )
    return _posted(session, title, result, old, line, author)


def reply(
    session: Session,
    title: Title,
    comment_id: str,
    text: str,
    *,
    author: Author,
    max_bytes: int,
    screen: revisions.Screen | None = None,
) -> Posted:
    """Reply to comment ``comment_id`` on the latest revision of ``title``, in the caller's
    write transaction. EditConflict (text kept) when the comment is no longer there."""
    when = _now()
    signed = _body(text, author, when)
    page = _lock(session, title)
    if page is None or page.latest_id is None:
        raise NotFound(N_("The page {title} does not exist."), title=title.full)
    latest = revisions.latest_revision(session, page)
    try:
        new, line = threads.insert_reply(latest.text, comment_id, signed)
    except threads.CommentNotFound as exc:
        raise EditConflict(
            N_(
                "The comment you are replying to is no longer on the page: it was changed or "
                "removed. Your reply was not saved; it is kept here."
            ),
            base_id=None,
            latest_id=latest.id,
            theirs=latest.text,
            yours=text,
            proposal=text,
        ) from exc
    thread = threads.parse(latest.text)
    parent = thread.comment(comment_id)
    assert parent is not None
    heading = thread.topic_of(parent).heading
    summary = f"Reply to {parent.author}"
    if heading:
        summary = f"/* {_short(heading)} */ {summary}"
    result = revisions.save(
        session,
        title,
        new,
        author=author,
        summary=summary,
        base_id=latest.id,
        max_bytes=max_bytes,
        merge=False,
        screen=screen,
    )
    return _posted(session, title, result, latest.text, line, author)


def _posted(
    session: Session, title: Title, result: SaveResult, old: str, line: int, author: Author
) -> Posted:
    text = result.revision.text
    comment = threads.comment_at(text, line)
    after_save(session, title, result, author=author, old_text=old)
    return Posted(result, comment, threads.parse(text).topic_of(comment))


def _base_text(session: Session, base_id: int | None, section: int | None) -> str:
    rev = session.get(Revision, base_id) if base_id is not None else None
    if rev is None:
        return ""
    if section is None:
        return rev.text
    try:
        return sections.extract(rev.text, section)[1]
    except BadInput:
        return ""


def save(
    session: Session,
    title: Title,
    text: str,
    *,
    author: Author,
    summary: str = "",
    minor: bool = False,
    base_id: int | None = None,
    max_bytes: int,
    create_only: bool = False,
    section: int | None = None,
    merge: bool = True,
    screen: revisions.Screen | None = None,
) -> SaveResult:
    """``revisions.save`` for text a person typed (the edit form, the API). On a talk page, the
    comments they added and left unsigned are signed first (``~~~~`` too, relative to the
    revision they started from), and the people concerned are told after the save."""
    if title.is_talk:
        text = threads.presave(
            _base_text(session, base_id, section),
            revisions.normalize_text(text),
            author.name,
            anonymous=author.is_anonymous,
            when=_now(),
        )
    result = revisions.save(
        session,
        title,
        text,
        author=author,
        summary=summary,
        minor=minor,
        base_id=base_id,
        max_bytes=max_bytes,
        create_only=create_only,
        section=section,
        merge=merge,
        screen=screen,
    )
    if title.is_talk:
        after_save(session, title, result, author=author)
    return result


# --- who is told


def _same_person(name: str, author: Author) -> bool:
    if threads.is_ip(name) and threads.is_ip(author.name):
        return canonical_ip(name) == canonical_ip(author.name)
    return name.replace("_", " ").lower() == author.name.replace("_", " ").lower()


def canonical_ip(ip: str) -> str:
    """The text form IP flags are stored under (``ipaddress``'s: IPv6 compressed, lower case);
    anything else (a test client's name) as it is."""
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return ip


def _user_ids(session: Session, names: set[str]) -> dict[str, int]:
    if not names:
        return {}
    rows = session.execute(select(User.name, User.id).where(User.name.in_(sorted(names))))
    return {name: uid for name, uid in rows}


def page_watchers(session: Session, title: Title) -> set[int]:
    """Users watching ``title`` now (``wiki.patrol.watchlist`` rows that have not expired). The
    hook a
    new topic uses to tell the page's watchers (watchlist itself tells them of every change with
    one collapsed "watch" notification; a new topic gets its own, linked to the comment)."""
    rows = session.scalars(
        select(Watch.user_id).where(
            Watch.namespace == title.ns,
            Watch.title == title.text,
            or_(Watch.expires_at.is_(None), Watch.expires_at > utcnow()),
        )
    )
    return set(rows)


def _topic_subscribers(session: Session, page_id: int, topics: set[str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    if not topics:
        return found
    rows = session.execute(
        select(TopicSubscription.topic, TopicSubscription.user_id).where(
            TopicSubscription.page_id == page_id, TopicSubscription.topic.in_(sorted(topics))
        )
    )
    for topic, user_id in rows:
        found.setdefault(topic, set()).add(user_id)
    return found


def after_save(
    session: Session,
    title: Title,
    result: SaveResult,
    *,
    author: Author,
    old_text: str | None = None,
) -> None:
    """Notify people about the comments a save added (see the module docstring), subscribe the
    author to their topics, and flag an IP's talk page; in the saving transaction."""
    if result.noop:
        return
    rev = result.revision
    if old_text is None:
        previous = session.get(Revision, rev.parent_id) if rev.parent_id else None
        old_text = previous.text if previous else ""
    owner = title.text.split("/", 1)[0] if title.ns == titles.NS_USER_TALK else None
    if owner and threads.is_ip(owner) and not _same_person(owner, author):
        flag_new_messages(session, owner, rev.id)
    new = [
        c
        for c in threads.new_comments(old_text, rev.text)
        if _same_person(c.author, author) and abs(c.timestamp - rev.timestamp) <= NEW_COMMENT_WINDOW
    ]
    thread = threads.parse(rev.text)
    old_topics = {t.id for t in threads.parse(old_text).topics}
    # name -> (kind, comment); None: a change to a user talk page that added no comment
    wanted: dict[str, list[tuple[str, threads.Comment | None]]] = {}
    for comment in new:
        for name in threads.mentions(thread, comment):
            wanted.setdefault(name, []).append(("mention", comment))
        answered = thread.comment(comment.parent) if comment.parent else None
        if answered is not None and not answered.anonymous:
            wanted.setdefault(answered.author, []).append(("reply", comment))
    if owner and not threads.is_ip(owner):
        wanted.setdefault(owner, []).append(("usertalk", new[0] if new else None))
    ids = _user_ids(session, set(wanted))

    # user id -> comment id (or "" for a plain edit of a user talk page) -> (kind, comment)
    chosen: dict[int, dict[str, tuple[str, threads.Comment | None]]] = {}

    def offer(user_id: int, kind: str, comment: threads.Comment | None) -> None:
        if user_id == author.user_id:
            return
        per = chosen.setdefault(user_id, {})
        key = comment.id if comment else ""
        if key not in per or PRIORITY.index(kind) < PRIORITY.index(per[key][0]):
            per[key] = (kind, comment)
        if comment is not None and "" in per:  # a user talk comment is told once, linked
            per.pop("")

    for name, items in wanted.items():
        if name in ids:
            for kind, item in items:
                offer(ids[name], kind, item)
    subscribers = _topic_subscribers(session, result.page.id, {c.topic for c in new if c.topic})
    watchers: set[int] | None = None
    for comment in new:
        for user_id in subscribers.get(comment.topic, ()):
            offer(user_id, "topic", comment)
        if comment.topic and comment.topic not in old_topics and thread.starts_topic(comment):
            watchers = page_watchers(session, title) if watchers is None else watchers
            for user_id in watchers:
                offer(user_id, "topic", comment)
    for user_id, per in chosen.items():
        for kind, item in per.values():
            _notify(session, user_id, kind, title, rev.id, author, thread, item, old_topics)
    if author.user_id is not None:
        for topic in dict.fromkeys(c.topic for c in new if c.topic):
            subscribe(session, author.user_id, result.page.id, topic)


def _notify(
    session: Session,
    user_id: int,
    kind: str,
    title: Title,
    revision_id: int,
    author: Author,
    thread: threads.Thread,
    comment: threads.Comment | None,
    old_topics: set[str],
) -> None:
    extra: dict[str, str] = {}
    if comment is not None:
        topic = thread.topic_of(comment)
        extra = {"topic": topic.heading, "excerpt": threads.excerpt(thread, comment)}
        if kind == "topic":
            new_topic = comment.topic not in old_topics and thread.starts_topic(comment)
            extra["event"] = "new-topic" if new_topic else "comment"
    notifications.notify(
        session,
        user_id,
        kind,
        title,
        actor=author.name,
        revision_id=revision_id,
        anchor=comment.id if comment else "",
        extra=extra,
    )
    notifications.supersede_watch(session, user_id, title, revision_id)


# --- topic subscriptions


def subscribe(session: Session, user_id: int, page_id: int, topic: str) -> None:
    """Follow a topic (idempotent)."""
    if session.get(TopicSubscription, (page_id, topic, user_id)) is None:
        session.add(TopicSubscription(page_id=page_id, topic=topic, user_id=user_id))
        session.flush()


def unsubscribe(session: Session, user_id: int, page_id: int, topic: str) -> None:
    session.execute(
        delete(TopicSubscription).where(
            TopicSubscription.page_id == page_id,
            TopicSubscription.topic == topic,
            TopicSubscription.user_id == user_id,
        )
    )


def subscriptions(session: Session, user_id: int, page_id: int) -> set[str]:
    """The topics of a page the user follows."""
    rows = session.scalars(
        select(TopicSubscription.topic).where(
            TopicSubscription.page_id == page_id, TopicSubscription.user_id == user_id
        )
    )
    return set(rows)


# --- "you have new messages" for IPs


def flag_new_messages(session: Session, ip: str, revision_id: int) -> None:
    """Someone else changed this IP's talk page."""
    key = canonical_ip(ip)
    row = session.get(IpNewTalk, key)
    if row is None:
        session.add(IpNewTalk(ip=key, revision_id=revision_id, created_at=utcnow()))
    else:
        row.revision_id = revision_id


def new_messages(session: Session, ip: str) -> int | None:
    """The revision that left this IP new messages, or None."""
    return session.scalar(select(IpNewTalk.revision_id).where(IpNewTalk.ip == canonical_ip(ip)))


def clear_new_messages(session: Session, ip: str) -> None:
    """The IP has read its talk page."""
    session.execute(delete(IpNewTalk).where(IpNewTalk.ip == canonical_ip(ip)))


# --- reading


@dataclass(frozen=True)
class Found:
    """A comment on the latest revision of a page."""

    page: Page
    revision_id: int
    thread: threads.Thread
    comment: threads.Comment


def find_comment(session: Session, title: Title, comment_id: str) -> Found:
    """The comment ``comment_id`` on the latest revision of ``title``, or NotFound."""
    page = revisions.get_page(session, title)
    if page is None or page.latest_id is None:
        raise NotFound(N_("The page {title} does not exist."), title=title.full)
    rev = revisions.latest_revision(session, page)
    thread = threads.parse(rev.text)
    comment = thread.comment(comment_id)
    if comment is None:
        raise NotFound(
            N_("There is no comment {id} on {title}: it may have been changed or removed."),
            id=comment_id,
            title=title.full,
        )
    return Found(page, rev.id, thread, comment)
