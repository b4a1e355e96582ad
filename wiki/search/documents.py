"""Pages as the indexer reads them from the database, the documents made of them, and the
*meta* document that holds the index's watermark. No whoosh here except the stored-field shapes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wiki.db import Database
from wiki.errors import InvalidTitle
from wiki.models import Page, Revision
from wiki.search import language
from wiki.search.schema import META_ID, SCHEMA_VERSION, STORED_BODY_CHARS, WORD_RE, stem_text
from wiki.text import markup, titles
from wiki.text.titles import Title

log = logging.getLogger("wiki.search.documents")


@dataclass(frozen=True)
class Row:
    """A page's latest state, as the indexer reads it."""

    id: int
    namespace: int
    title: str
    latest_id: int
    length: int
    text: str
    timestamp: datetime

    @property
    def full(self) -> str:
        return Title(self.namespace, self.title).full

    @property
    def sig(self) -> bytes:
        return sig_of(self.latest_id, self.namespace, self.title)


def sig_of(latest_id: int, namespace: int, title: str) -> bytes:
    return f"{latest_id}:{namespace}:{title}".encode()


def link_title(raw: str) -> str | None:
    try:
        return titles.parse(raw).full
    except InvalidTitle:
        return None


def redirect_target(text: str) -> str | None:
    """The full title a #REDIRECT page points to, or None for an ordinary page."""
    if text.lstrip()[:1] != "#":
        return None
    return markup.render(text.split("\n", 1)[0], link_title=link_title).redirect


def naive_utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt


def base_fields(row: Row, kind: str, lang: str) -> dict[str, Any]:
    full = row.full
    return {
        "page_id": str(row.id),
        "kind": kind,
        "lang": lang,
        "namespace": str(row.namespace),
        "title": row.title,
        "_stored_title": full,
        "title_stem": stem_text(row.title, lang),
        "modified": naive_utc(row.timestamp),
        "size": row.length,
        "sig": row.sig,
        "entry": f"{row.namespace}\t{kind}\t{full}".encode(),
    }


def redirect_document(row: Row, target: str, site_language: str) -> dict[str, Any]:
    doc = base_fields(row, "redirect", site_language)
    doc.update(redirect_to=target, words=0)
    return doc


def page_document(row: Row, redirects: Iterable[str], site_language: str) -> dict[str, Any]:
    """A page's document; its stemmed fields are stemmed in the page's detected language
    (``site_language`` when its text does not say)."""
    try:
        rendered = markup.render(row.text, link_title=link_title)
        body = markup.plain_text(row.text)
        headings = "\n".join(h.text for h in rendered.headings)
        categories = "\n".join(rendered.categories)
    except Exception:  # one bad page must not stop a pass: index its title and raw text
        log.exception("search: could not render page %s; indexing its raw text", row.id)
        body, headings, categories = row.text, "", ""
    lang = language.detect(body, site_language)
    doc = base_fields(row, "page", lang)
    redirect_text = "\n".join(sorted(redirects))
    doc.update(
        headings=headings,
        headings_stem=stem_text(headings, lang),
        body=body,
        _stored_body=body[:STORED_BODY_CHARS],
        text_stem=stem_text(
            "\n".join((row.title, headings, body, redirect_text, categories)), lang
        ),
        redirects=redirect_text,
        categories=categories,
        words=len(WORD_RE.findall(body)),
    )
    return doc


def rows_select() -> Any:
    return select(
        Page.id,
        Page.namespace,
        Page.title,
        Page.latest_id,
        Page.length,
        Revision.text,
        Revision.timestamp,
    ).join(Revision, Revision.id == Page.latest_id)


def load_rows(session: Session, page_ids: Iterable[int]) -> dict[int, Row]:
    ids = sorted(page_ids)
    rows: dict[int, Row] = {}
    for i in range(0, len(ids), 500):
        for r in session.execute(rows_select().where(Page.id.in_(ids[i : i + 500]))):
            rows[r.id] = Row(*r)
    return rows


# --- the watermark ---------------------------------------------------------------------------


@dataclass
class Meta:
    """What the index knows about its own freshness; stored in the META_ID document."""

    watermark: int = 0  # every revision id <= this is reflected (gaps aside)
    gaps: dict[int, float] = field(default_factory=dict)  # missing id -> first seen (time())
    schema: int = SCHEMA_VERSION
    language: str = ""
    reconciled: float = 0.0  # time() of the last reconcile; 0 after a rebuild: due at once

    def dumps(self) -> str:
        data = self.__dict__ | {"gaps": {str(k): v for k, v in self.gaps.items()}}
        return json.dumps(data, sort_keys=True)

    @classmethod
    def loads(cls, raw: str | None) -> Meta:
        """The stored meta; one that is missing or unreadable asks for a rebuild."""
        try:
            data = json.loads(raw or "")
            return cls(
                watermark=int(data["watermark"]),
                gaps={int(k): float(v) for k, v in data.get("gaps", {}).items()},
                schema=int(data["schema"]),
                language=str(data["language"]),
                reconciled=float(data.get("reconciled", 0.0)),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls(schema=-1)

    def document(self) -> dict[str, Any]:
        # Every column field gets a value: whoosh cannot read a column past the last document
        # that has one, and this document is often the last of its segment.
        return {
            "page_id": META_ID,
            "kind": "meta",
            "meta": self.dumps(),
            "modified": datetime(1970, 1, 1),
            "sig": b"",
            "entry": b"",
        }


def read_meta(searcher: Any) -> Meta:
    stored = searcher.document(page_id=META_ID)
    return Meta.loads(stored.get("meta") if stored else None)


def reconcile_diff(session: Session, searcher: Any) -> set[int]:
    """Page ids whose indexed state differs from the database: missing, stale, moved, or
    deleted from the database (set difference by page id)."""
    in_db = {
        pid: sig_of(latest, ns, title)
        for pid, latest, ns, title in session.execute(
            select(Page.id, Page.latest_id, Page.namespace, Page.title)
        )
        if latest is not None
    }
    reader = searcher.reader()
    in_index: dict[int, bytes] = {}
    if reader.doc_count():
        pid_col = reader.column_reader("page_id")
        sig_col = reader.column_reader("sig")
        for docnum in reader.all_doc_ids():
            pid = pid_col[docnum]
            if pid and pid != META_ID:
                in_index[int(pid)] = sig_col[docnum]
    stale = {pid for pid, sig in in_db.items() if in_index.get(pid) != sig}
    return stale | (in_index.keys() - in_db.keys())


def ids_for_titles(session: Session, fulls: Iterable[str]) -> set[int]:
    ids: set[int] = set()
    for full in fulls:
        try:
            t = titles.parse(full)
        except InvalidTitle:
            continue
        pid = session.scalar(select(Page.id).where(Page.namespace == t.ns, Page.title == t.text))
        if pid is not None:
            ids.add(pid)
    return ids


def all_redirects(session: Session) -> dict[int, tuple[str, str]]:
    """page id -> (full title, target full title) for every redirect page."""
    out: dict[int, tuple[str, str]] = {}
    head = func.lower(func.substr(func.ltrim(Revision.text), 1, 5))
    stmt = rows_select().where(head.in_(("#redi", "#alih")))
    for r in session.execute(stmt):
        row = Row(*r)
        target = redirect_target(row.text)
        if target is not None:
            out[row.id] = (row.full, target)
    return out


def all_rows(db: Database, chunk: int = 500) -> Iterator[Row]:
    """Every page's latest state in page id order, one short read transaction per chunk."""
    last = 0
    while True:
        with db.read() as session:
            batch = [
                Row(*r)
                for r in session.execute(
                    rows_select().where(Page.id > last).order_by(Page.id).limit(chunk)
                )
            ]
        if not batch:
            return
        yield from batch
        last = batch[-1].id
