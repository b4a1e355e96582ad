"""Pages and their histories in MediaWiki's XML export format (schema 0.11), streamed.

What every MediaWiki tool reads (mwxml, pywikibot's XmlDump, MediaWiki's importDump.php): a
``<siteinfo>`` with the namespaces, then one ``<page>`` per page with its revisions, oldest
first. Our content model is said honestly: ``markdown`` / ``text/markdown``. Hidden revision
parts are left out and marked ``deleted="deleted"`` unless the reader may see them, as
MediaWiki does. The writer holds one batch of revisions in memory at a time, whatever the size
of the wiki.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.db import Database
from wiki.models import Page, Revision
from wiki.pages import visibility
from wiki.text import markup, titles
from wiki.text.titles import Title

SCHEMA = "0.11"
NS_URI = f"http://www.mediawiki.org/xml/export-{SCHEMA}/"
MODEL, FORMAT = "markdown", "text/markdown"
#: Revisions read from the database at a time.
BATCH = 500


class Sink(Protocol):
    """Where an export goes: a file, stdout, a gzip stream, a response body."""

    def write(self, data: bytes, /) -> int: ...


@dataclass(frozen=True)
class SiteInfo:
    """The ``<siteinfo>`` of an export."""

    sitename: str
    base: str  # the main page's URL
    generator: str
    dbname: str = "gotong"
    lang: str = "en"


@dataclass
class Stats:
    pages: int = 0
    revisions: int = 0
    titles: list[str] = field(default_factory=list)


def base36_sha1(text: str) -> str:
    """MediaWiki's ``<sha1>``: the SHA-1 of the UTF-8 text in base 36, 31 digits."""
    n = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(31, "0")


def _clean(text: str) -> str:
    """Escape for XML, dropping characters XML 1.0 cannot carry."""
    kept = "".join(
        c
        for c in text
        if c in "\t\n\r"
        or 0x20 <= ord(c) <= 0xD7FF
        or 0xE000 <= ord(c) <= 0xFFFD
        or ord(c) >= 0x10000
    )
    return escape(kept)


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def header(site: SiteInfo) -> str:
    """The document's start: the root element and ``<siteinfo>``."""
    lines = [
        f'<mediawiki xmlns="{NS_URI}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{NS_URI} http://www.mediawiki.org/xml/export-{SCHEMA}.xsd" '
        f'version="{SCHEMA}" xml:lang={quoteattr(site.lang)}>',
        "  <siteinfo>",
        f"    <sitename>{_clean(site.sitename)}</sitename>",
        f"    <dbname>{_clean(site.dbname)}</dbname>",
        f"    <base>{_clean(site.base)}</base>",
        f"    <generator>{_clean(site.generator)}</generator>",
        "    <case>first-letter</case>",
        "    <namespaces>",
    ]
    for key in sorted(titles.NAMESPACES):
        name = titles.NAMESPACES[key]
        if name:
            lines.append(
                f'      <namespace key="{key}" case="first-letter">{_clean(name)}</namespace>'
            )
        else:
            lines.append(f'      <namespace key="{key}" case="first-letter" />')
    lines += ["    </namespaces>", "  </siteinfo>"]
    return "\n".join(lines) + "\n"


def revision_xml(rev: Revision, *, can_view_suppressed: bool) -> str:
    """One ``<revision>``, hidden parts marked ``deleted`` for readers who may not see them."""
    vis = 0 if can_view_suppressed else rev.visibility
    out = ["    <revision>", f"      <id>{rev.id}</id>"]
    if rev.parent_id:
        out.append(f"      <parentid>{rev.parent_id}</parentid>")
    out.append(f"      <timestamp>{_ts(rev.timestamp)}</timestamp>")
    if vis & visibility.USER:
        out.append('      <contributor deleted="deleted" />')
    elif rev.user_id is not None:
        out.append(
            f"      <contributor>\n        <username>{_clean(rev.user_text)}</username>\n"
            f"        <id>{rev.user_id}</id>\n      </contributor>"
        )
    elif _is_ip(rev.user_text):
        out.append(
            f"      <contributor>\n        <ip>{_clean(rev.user_text)}</ip>\n      </contributor>"
        )
    else:  # the software itself, or an imported author: a name without a local account
        out.append(
            f"      <contributor>\n        <username>{_clean(rev.user_text)}</username>\n"
            "      </contributor>"
        )
    if rev.minor:
        out.append("      <minor />")
    if vis & visibility.SUMMARY:
        out.append('      <comment deleted="deleted" />')
    elif rev.summary:
        out.append(f"      <comment>{_clean(rev.summary)}</comment>")
    out.append(f"      <origin>{rev.id}</origin>")
    out.append(f"      <model>{MODEL}</model>")
    out.append(f"      <format>{FORMAT}</format>")
    sha1 = base36_sha1(rev.text)
    size = len(rev.text.encode("utf-8"))
    if vis & visibility.TEXT:
        out.append(f'      <text bytes="{size}" sha1="{sha1}" deleted="deleted" />')
    else:
        out.append(
            f'      <text bytes="{size}" sha1="{sha1}" xml:space="preserve">'
            f"{_clean(rev.text)}</text>"
        )
    out.append(f"      <sha1>{sha1}</sha1>")
    out.append("    </revision>")
    return "\n".join(out) + "\n"


def _is_ip(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _pages(session: Session, wanted: list[Title] | None) -> Iterator[Page]:
    if wanted is None:
        last = 0
        while True:
            batch = list(
                session.scalars(
                    select(Page)
                    .where(Page.id > last, Page.latest_id.is_not(None))
                    .order_by(Page.id)
                    .limit(BATCH)
                )
            )
            if not batch:
                return
            yield from batch
            last = batch[-1].id
        return
    seen: set[int] = set()
    for t in wanted:
        page = session.scalar(select(Page).where(Page.namespace == t.ns, Page.title == t.text))
        if page is not None and page.latest_id is not None and page.id not in seen:
            seen.add(page.id)
            yield page


def _revisions(session: Session, page: Page, history: bool) -> Iterator[Revision]:
    if not history:
        rev = session.get(Revision, page.latest_id)
        if rev is not None:
            yield rev
        return
    last = 0
    while True:
        batch = list(
            session.scalars(
                select(Revision)
                .where(Revision.page_id == page.id, Revision.id > last)
                .order_by(Revision.id)
                .limit(BATCH)
            )
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].id
        session.expunge_all()


def write(
    db: Database,
    out: Sink,
    site: SiteInfo,
    *,
    pages: Iterable[Title] | None = None,
    history: bool = True,
    talk: bool = False,
    can_view_suppressed: bool = False,
) -> Stats:
    """Write the export of ``pages`` (None: every page) to ``out``; with ``talk``, each page's
    talk page (or subject page) follows it."""
    wanted: list[Title] | None = None
    if pages is not None:
        wanted = []
        for t in pages:
            wanted.append(t)
            if talk and t.ns >= 0:
                wanted.append(t.subject() if t.is_talk else t.talk())
    stats = Stats()
    out.write(header(site).encode("utf-8"))
    with db.read() as session:
        for page in _pages(session, wanted):
            title = Title(page.namespace, page.title)
            parts = [
                "  <page>",
                f"    <title>{_clean(title.full)}</title>",
                f"    <ns>{page.namespace}</ns>",
                f"    <id>{page.id}</id>",
            ]
            if page.is_redirect:
                target = _redirect_target(session, page)
                if target:
                    parts.append(f"    <redirect title={quoteattr(target)} />")
            out.write(("\n".join(parts) + "\n").encode("utf-8"))
            for rev in _revisions(session, page, history):
                out.write(revision_xml(rev, can_view_suppressed=can_view_suppressed).encode())
                stats.revisions += 1
            out.write(b"  </page>\n")
            stats.pages += 1
            stats.titles.append(title.full)
    out.write(b"</mediawiki>\n")
    return stats


def _redirect_target(session: Session, page: Page) -> str | None:
    latest = session.get(Revision, page.latest_id)
    return markup.redirect_target(latest.text) if latest is not None else None


def public_dump(db: Database, directory: Path, site: SiteInfo, *, day: datetime) -> list[Path]:
    """A full-history dump for the public, as Wikimedia publishes them: every page with every
    revision, hidden parts left out, gzip-compressed, with ``sha1sums`` and ``md5sums`` files.
    Returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{site.dbname}-{day.strftime('%Y%m%d')}"
    dump = directory / f"{stem}-pages-meta-history.xml.gz"
    partial = dump.with_name(dump.name + ".partial")
    with gzip.open(partial, "wb", compresslevel=6) as out:
        write(db, out, site, history=True, can_view_suppressed=False)
    os.replace(partial, dump)  # a reader never sees half a dump
    sums = []
    for algorithm in ("sha1", "md5"):
        digest = hashlib.new(algorithm)
        with dump.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        path = directory / f"{stem}-{algorithm}sums.txt"
        path.write_text(f"{digest.hexdigest()}  {dump.name}\n", encoding="ascii")
        sums.append(path)
    return [dump, *sums]
