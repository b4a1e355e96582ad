"""Writing the index: one pass that brings it up to the database (watermark, gaps, reconcile),
a full rebuild into a new directory swapped in atomically, and optimisation.

**The database is the truth; the index follows it like a replica.** Every page with a revision
newer than the index's *watermark* is (re)indexed from its latest revision, and the new
watermark is written inside the index, in the same whoosh commit as the pages. A crash before
that commit leaves the old watermark, so the next pass does the same work again. Revision ids
below the watermark that were not there yet (PostgreSQL can commit ids out of order) are kept as
*gaps* for a while. A *reconcile* compares the page table with the index by page id (set
difference, as moin does) and fixes deletions, moves and hidden revisions.

Writers take an exclusive ``flock`` on ``search/writer.lock`` and never wait for it (a process
that finds it taken skips its pass: the holder does the work).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import index as windex

from wiki.db import Database
from wiki.models import Page, Revision
from wiki.search import documents
from wiki.search.documents import (
    Meta,
    all_redirects,
    all_rows,
    ids_for_titles,
    load_rows,
    read_meta,
    reconcile_diff,
    redirect_target,
)
from wiki.search.results import SyncReport
from wiki.search.schema import SCHEMA_VERSION
from wiki.search.store import Store

log = logging.getLogger("wiki.search.indexer")

GAP_TTL = 120.0  # seconds a missing revision id is waited for
GAP_SPAN = 2_000  # only ids this close to the top can be in flight
REV_WINDOW = 5_000  # revision ids handled per commit when catching up
MERGE_FACTOR = 8  # segments of one size tier that are merged into one (tiered merge policy)
TIER_BASE = 10  # a tier holds segments of 10^k to 10^(k+1) documents
OPTIMIZE_DELETED = 0.25  # deleted share above which an idle index is optimized
LOCK_WAIT = 120.0  # seconds `rebuild` waits for the writer lock before the swap


def sync(
    store: Store,
    db: Database,
    *,
    reconcile: bool = False,
    wait: float = 0.0,
    stop: threading.Event | None = None,
) -> SyncReport | None:
    """One indexer pass: bring the index up to the database. None when another writer holds
    the lock (it is doing the work). Creates the index on first use (``stop`` interrupts
    that build)."""
    with store.writer_lock(wait) as locked:
        if not locked:
            return None
        name = store.current_name()
        if name is None:
            return rebuild_locked(store, db, stop)
        ix = windex.open_dir(str(store.root / name), schema=store.schema)
        try:
            with ix.searcher() as s:
                meta = read_meta(s)
            if meta.schema != SCHEMA_VERSION or meta.language != store.language:
                log.info("search: index is of another schema or language; rebuilding")
                ix.close()
                return rebuild_locked(store, db, stop)
            report = catch_up(store, db, ix, meta, reconcile=reconcile)
        finally:
            ix.close()
    store.invalidate()
    return report


def catch_up(store: Store, db: Database, ix: Any, meta: Meta, *, reconcile: bool) -> SyncReport:
    """Index every page with a revision above the watermark (or a gap), window by window;
    with ``reconcile``, also every page whose indexed state differs from the database."""
    indexed = deleted = 0
    reconcile = reconcile or meta.reconciled == 0.0
    with db.read() as session:
        top = session.scalar(select(func.max(Revision.id))) or 0
    now = time.time()
    meta.gaps = {g: t for g, t in meta.gaps.items() if now - t < GAP_TTL}
    if top <= meta.watermark and not meta.gaps and not reconcile:
        return SyncReport(0, 0, meta.watermark, False)
    first = True
    while first or meta.watermark < top:
        hi = min(top, meta.watermark + REV_WINDOW)
        with db.read() as session:
            pages: set[int] = set()
            seen: set[int] = set()
            cond = (Revision.id > meta.watermark) & (Revision.id <= hi)
            if meta.gaps:
                cond = cond | Revision.id.in_(sorted(meta.gaps))
            for rev_id, page_id in session.execute(
                select(Revision.id, Revision.page_id).where(cond)
            ):
                seen.add(rev_id)
                pages.add(page_id)
            filled = [g for g in meta.gaps if g in seen]
            for g in filled:
                del meta.gaps[g]
            for missing in range(max(meta.watermark + 1, hi - GAP_SPAN), hi + 1):
                if missing not in seen:
                    meta.gaps.setdefault(missing, now)
            if not pages and not filled and hi <= meta.watermark and not reconcile:
                break  # only gaps still waited for: nothing to commit
            writer = ix.writer()
            try:
                searcher = writer.searcher()
                if reconcile and first:
                    pages |= reconcile_diff(session, searcher)
                    meta.reconciled = now
                n_indexed, n_deleted = apply(store, session, writer, searcher, pages)
                meta.watermark = max(meta.watermark, hi)
                meta.language = store.language
                writer.update_document(**meta.document())
                writer.commit(mergetype=merge_tiers)
            except BaseException:
                writer.cancel()
                raise
        indexed += n_indexed
        deleted += n_deleted
        first = False
    return SyncReport(indexed, deleted, meta.watermark, reconcile, gaps=len(meta.gaps))


def apply(
    store: Store, session: Session, writer: Any, searcher: Any, page_ids: set[int]
) -> tuple[int, int]:
    """(Re)index the latest state of ``page_ids``; delete those gone. Pages whose set of
    redirects changed (a redirect to them was made, changed or deleted) are refreshed too."""
    if not page_ids:
        return 0, 0
    rows = load_rows(session, page_ids)
    old_targets: set[str] = set()
    for pid in page_ids:
        stored = searcher.document(page_id=str(pid))
        if stored and stored.get("redirect_to"):
            old_targets.add(stored["redirect_to"])
    new_targets: dict[int, str] = {}
    for pid, loaded in rows.items():
        target = redirect_target(loaded.text)
        if target is not None:
            new_targets[pid] = target
    # Pages whose list of redirects changes: load them too.
    affected = old_targets | set(new_targets.values())
    extra = ids_for_titles(session, affected) - page_ids
    rows.update(load_rows(session, extra))
    redirect_titles = {pid: rows[pid].full for pid in new_targets}
    indexed = deleted = 0
    for pid in sorted(page_ids | extra):
        row = rows.get(pid)
        if row is None:
            writer.delete_by_term("page_id", str(pid))
            deleted += 1
            continue
        if pid in new_targets:
            writer.update_document(
                **documents.redirect_document(row, new_targets[pid], store.language)
            )
        else:
            redirects = set()
            for s in searcher.documents(redirect_to=row.full):
                if int(s["page_id"]) not in page_ids:
                    redirects.add(s["title"])
            redirects.update(redirect_titles[r] for r, t in new_targets.items() if t == row.full)
            writer.update_document(**documents.page_document(row, redirects, store.language))
        indexed += 1
    return indexed, deleted


def rebuild(
    store: Store,
    db: Database,
    *,
    progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
    procs: int = 1,
) -> SyncReport:
    """Build a fresh index in a new directory, catch it up, and swap it in atomically.

    The build runs without the writer lock (other processes keep indexing into the old
    index meanwhile); the catch-up and the swap hold it. ``procs`` > 1 analyses documents
    in that many processes (for the command line: it forks).
    """
    store.root.mkdir(parents=True, exist_ok=True)
    name, count = build_dir(store, db, progress, stop, procs)
    with store.writer_lock(LOCK_WAIT) as locked:
        if not locked:
            shutil.rmtree(store.root / name, ignore_errors=True)
            raise TimeoutError("the search index writer lock stayed busy")
        return swap_in(store, db, name, count)


def rebuild_locked(store: Store, db: Database, stop: threading.Event | None) -> SyncReport:
    name, count = build_dir(store, db, None, stop, 1)
    return swap_in(store, db, name, count)


def swap_in(store: Store, db: Database, name: str, count: int) -> SyncReport:
    ix = windex.open_dir(str(store.root / name), schema=store.schema)
    try:
        with ix.searcher() as s:
            meta = read_meta(s)
        report = catch_up(store, db, ix, meta, reconcile=True)
    finally:
        ix.close()
    old = store.current_name()
    store.set_current(name)
    store.invalidate()
    if old is not None and old != name:
        shutil.rmtree(store.root / old, ignore_errors=True)
    remove_leftovers(store, keep={name})
    return SyncReport(
        count + report.indexed, report.deleted, report.watermark, True, True, report.gaps
    )


def remove_leftovers(store: Store, keep: set[str]) -> None:
    """Delete index directories of crashed rebuilds (not current, untouched for a day)."""
    cutoff = time.time() - 86_400
    for path in store.root.glob("ix-*"):
        with contextlib.suppress(OSError):
            if path.name not in keep and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)


def build_dir(
    store: Store,
    db: Database,
    progress: Callable[[int, int], None] | None,
    stop: threading.Event | None,
    procs: int,
) -> tuple[str, int]:
    """Write every page into a new index directory; returns its name and the page count."""
    name = f"ix-{time.time_ns():x}-{os.getpid()}"
    path = store.root / name
    path.mkdir(parents=True)
    try:
        ix = windex.create_in(str(path), store.schema)
        with db.read() as session:
            watermark = session.scalar(select(func.max(Revision.id))) or 0
            total = (
                session.scalar(
                    select(func.count()).select_from(Page).where(Page.latest_id.is_not(None))
                )
                or 0
            )
            redirects = all_redirects(session)
        by_target: dict[str, list[str]] = {}
        for full, target in redirects.values():
            by_target.setdefault(target, []).append(full)
        if procs > 1 and total > 1_000:
            writer = ix.writer(procs=procs, limitmb=128, multisegment=True)
        else:
            writer = ix.writer(limitmb=256)
        done = last = 0
        try:
            for row in all_rows(db):
                if stop is not None and stop.is_set():
                    raise InterruptedError("rebuild stopped")
                if row.id in redirects:
                    writer.add_document(
                        **documents.redirect_document(row, redirects[row.id][1], store.language)
                    )
                else:
                    writer.add_document(
                        **documents.page_document(row, by_target.get(row.full, ()), store.language)
                    )
                done += 1
                if progress is not None and (done - last >= 50 or done == total):
                    progress(done, total)
                    last = done
            meta = Meta(watermark=watermark, language=store.language, reconciled=0.0)
            writer.add_document(**meta.document())
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        finally:
            ix.close()
        if progress is not None:
            progress(done, max(total, done))
        return name, done
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def optimize(store: Store) -> bool:
    """Merge all segments into one if the lock is free; True when it did."""
    with store.writer_lock() as locked:
        if not locked:
            return False
        name = store.current_name()
        if name is None:
            return False
        ix = windex.open_dir(str(store.root / name), schema=store.schema)
        try:
            ix.optimize()
        finally:
            ix.close()
    store.invalidate()
    return True


def _tier(count: int) -> int:
    tier = 0
    while count >= TIER_BASE:
        count //= TIER_BASE
        tier += 1
    return tier


def merge_tiers(writer: Any, segments: list[Any]) -> list[Any]:
    """A merge policy for a stream of small commits (whoosh ``mergetype``): segments are
    grouped by size tier (live documents, powers of ``TIER_BASE``); the smallest tier that has
    ``MERGE_FACTOR`` segments is merged into one. A commit of one page so merges only small
    segments, a document is rewritten about once per tier (log of the index size), and the big
    segments of a rebuild are never rewritten by a save. Returns the segments kept as they are.
    """
    from whoosh.reading import SegmentReader

    tiers: dict[int, list[Any]] = {}
    for seg in segments:
        tiers.setdefault(_tier(seg.doc_count()), []).append(seg)
    for tier in sorted(tiers):
        group = tiers[tier]
        if len(group) >= MERGE_FACTOR:
            for seg in group:
                reader = SegmentReader(writer.storage, writer.schema, seg)
                writer.add_reader(reader)
                reader.close()
            return [s for s in segments if all(s is not g for g in group)]
    return segments


def needs_optimize(store: Store) -> bool:
    """Whether segments have piled up or many documents are deleted."""
    with store.lock:
        view = store.get_view()
        if view is None:
            return False
        segments = view.ix._segments()
        if len(segments) > MERGE_FACTOR * 4:
            return True
        total = sum(s.doc_count_all() for s in segments)
        dead = sum(s.deleted_count() for s in segments)
        return total > 0 and dead / total > OPTIMIZE_DELETED and len(segments) > 1
