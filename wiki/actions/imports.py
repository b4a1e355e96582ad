"""Importing a MediaWiki XML export: our own (Markdown) or any MediaWiki's (wikitext).

One page at a time, each in one transaction: the wiki holds whole imported pages or none of a
page, never a half-written revision. Revisions already there (same page, time and text) are
skipped, so running the same file again changes nothing and an interrupted import resumes.
Authors from elsewhere are attributed as ``prefix>Name`` (MediaWiki's ``imported>Name``), never
merged with local accounts; ``keep_authors`` (moving a Gotong wiki) recreates the exported
accounts instead, refusing any that would collide with a local one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from sqlalchemy.orm import Session

from wiki.accounts import permissions
from wiki.actions.context import Actor, Change, Env
from wiki.dumps import reader, wikitext
from wiki.errors import N_, InvalidTitle, WikiError
from wiki.pages import edits, importing, revisions, visibility
from wiki.patrol import logs
from wiki.text import titles
from wiki.text.titles import Title

MARKDOWN = "markdown"


@dataclass(frozen=True)
class Options:
    #: Prefix for authors from elsewhere ("" keeps their names, still without an account).
    prefix: str = "imported"
    #: Recreate the exported accounts (ids and names) instead of prefixing.
    keep_authors: bool = False
    #: Write a recent-change row for each imported revision.
    recent_changes: bool = False


@dataclass
class Report:
    pages: int = 0
    revisions: int = 0
    skipped: int = 0
    #: Titles and what did not convert in them.
    unconverted: dict[str, list[str]] = field(default_factory=dict)
    #: Original revision id -> id here, where they differ.
    renumbered: dict[int, int] = field(default_factory=dict)
    source: str = ""


Progress = Callable[[Report], None]


def import_dump(
    env: Env,
    actor: Actor,
    stream: IO[bytes],
    options: Options = Options(),
    progress: Progress | None = None,
) -> Report:
    """Import every page of the export in ``stream``; a ``reader.DumpError`` (or another
    WikiError) names the page where it stopped, and every page before it is complete."""
    with env.db.read() as session:
        permissions.require(session, actor, "import")
    report = Report()
    header = reader.SiteHeader()
    for page in reader.pages(stream, header):
        report.source = header.sitename or "?"
        try:
            title = titles.parse(page.title)
            if title.ns != page.ns and page.ns in titles.NAMESPACES and title.ns == 0:
                title = Title(page.ns, title.text)  # a file that leaves out the prefix
        except InvalidTitle as exc:
            raise reader.DumpError(
                N_("The page {title} cannot be imported: {reason}"),
                title=page.title,
                reason=exc.message,
            ) from exc
        try:
            _import_page(env, actor, title, page, options, report)
        except WikiError as exc:
            if isinstance(exc, reader.DumpError):
                raise
            raise reader.DumpError(
                N_("The page {title} could not be imported: {reason}"),
                title=page.title,
                reason=exc.message,
            ) from exc
        if progress is not None:
            progress(report)
    with env.db.write() as session:
        importing.fix_sequences(session)
    env.changed(Change(existence=True))
    return report


def _author(session: Session, rev: reader.DumpRevision, options: Options) -> tuple[str, int | None]:
    if rev.ip:
        try:
            return str(ipaddress.ip_address(rev.ip)), None
        except ValueError:
            pass
    name = rev.username or rev.ip or ""
    if not name:
        return "", None
    if options.keep_authors and rev.user_id is not None:
        return name, importing.local_account(session, name, rev.user_id)
    return (f"{options.prefix}>{name}" if options.prefix else name), None


def _import_page(
    env: Env,
    actor: Actor,
    title: Title,
    page: reader.DumpPage,
    options: Options,
    report: Report,
) -> None:
    ordered = sorted(page.revisions, key=lambda r: (r.timestamp, r.id or 0))
    with env.db.write() as session:
        permissions.require(session, actor, "import")
        row, _ = importing.page_for(session, title, page.id)
        parent = None
        added = 0
        for rev in ordered:
            text = rev.text
            original: str | None = None
            unconverted: tuple[str, ...] = ()
            if rev.model != MARKDOWN and not rev.text_deleted:
                converted = wikitext.convert(rev.text)
                text, original, unconverted = converted.text, rev.text, tuple(converted.unconverted)
                if unconverted:
                    report.unconverted.setdefault(title.full, [])
                    for item in unconverted:
                        if item not in report.unconverted[title.full]:
                            report.unconverted[title.full].append(item)
            user_text, user_id = _author(session, rev, options)
            hidden = (
                (visibility.TEXT if rev.text_deleted else 0)
                | (visibility.SUMMARY if rev.comment_deleted else 0)
                | (visibility.USER if rev.user_deleted else 0)
            )
            incoming = importing.Incoming(
                original_id=rev.id,
                text=text,
                user_text=user_text,
                user_id=user_id,
                timestamp=rev.timestamp,
                summary=rev.comment,
                minor=rev.minor,
                visibility=hidden,
                source=report.source,
                model=rev.model,
                format=rev.format,
                original_text=original,
                unconverted=unconverted,
            )
            existing = importing.already_there(session, row, incoming)
            if existing is not None:
                report.skipped += 1
                parent = existing
                continue
            stored = importing.insert(session, row, incoming, parent)
            if rev.id is not None and stored.id != rev.id:
                report.renumbered[rev.id] = stored.id
            if options.recent_changes:
                author = revisions.Author(user_text, user_id)
                edits.recorded(session, row, stored, parent, author)
            parent = stored
            added += 1
        if added:
            importing.finish_page(session, row)
            logs.record(
                session,
                type="import",
                action="upload",
                performer=actor.performer,
                target=title,
                page_id=row.id,
                comment=f"{added} revisions from {report.source}",
                params={"revisions": added, "source": report.source},
            )
    report.pages += 1
    report.revisions += added
