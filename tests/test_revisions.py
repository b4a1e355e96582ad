"""Service tests for the storage verbs: no HTTP."""

from __future__ import annotations

import pytest

from wiki.db import Database
from wiki.errors import BadInput, EditConflict, NotFound, TooLarge
from wiki.pages import revisions
from wiki.pages.revisions import Author
from wiki.text import titles

MAX = 64 * 1024
ALICE = Author(name="203.0.113.5")


def save(
    db: Database, title: str, text: str, base: int | None = None, **kw: object
) -> revisions.SaveResult:
    with db.write() as s:
        return revisions.save(
            s,
            titles.parse(title),
            text,
            author=ALICE,
            base_id=base,
            max_bytes=MAX,
            **kw,  # type: ignore[arg-type]
        )


def test_create_then_edit_builds_a_linear_chain(db: Database) -> None:
    r1 = save(db, "Kebijakan", "Versi satu.", summary="buat")
    assert r1.created and not r1.noop
    r2 = save(db, "Kebijakan", "Versi dua.", base=r1.revision.id, minor=True)
    assert r2.revision.parent_id == r1.revision.id
    with db.read() as s:
        page = revisions.get_page(s, titles.parse("kebijakan"))
        assert page is not None and page.latest_id == r2.revision.id
        info = revisions.revision_info(s, r2.revision.id)
    assert info.minor and info.delta == -1 and info.user_text == ALICE.name
    assert info.sha1 == revisions.sha1_of("Versi dua.")
    assert r1.revision.summary == "buat"


def test_identical_text_makes_no_revision(db: Database) -> None:
    r1 = save(db, "Same", "Text\r\n\r\n")
    r2 = save(db, "Same", "Text", base=r1.revision.id)
    assert r2.noop and r2.revision.id == r1.revision.id
    with db.read() as s:
        page = revisions.get_page(s, titles.parse("Same"))
        assert page is not None
        assert revisions.page_info(s, page).revision_count == 1


def test_stale_base_is_a_conflict_and_writes_nothing(db: Database) -> None:
    r1 = save(db, "P", "one")
    save(db, "P", "two", base=r1.revision.id)
    with pytest.raises(EditConflict) as info:
        save(db, "P", "three", base=r1.revision.id)
    assert info.value.latest_id == r1.revision.id + 1
    with pytest.raises(EditConflict):
        save(db, "P", "new page?")  # no base, but the page exists
    with db.read() as s:
        page = revisions.get_page(s, titles.parse("P"))
        assert page is not None
        assert revisions.latest_revision(s, page).text == "two"


def test_limits(db: Database) -> None:
    with pytest.raises(TooLarge):
        save(db, "Big", "é" * (MAX // 2 + 1))
    with pytest.raises(BadInput):
        save(db, "Sum", "text", summary="x" * 501)
    with pytest.raises(BadInput):
        save(db, "Empty", "   ")
    with db.read() as s:
        assert revisions.get_page(s, titles.parse("Big")) is None
        with pytest.raises(NotFound):
            revisions.get_revision(s, 999)


def test_history_keyset_pagination(db: Database) -> None:
    base = None
    ids = []
    for i in range(7):
        r = save(db, "H", f"text {i} " + "x" * i, base=base)
        base = r.revision.id
        ids.append(base)
    with db.read() as s:
        page = revisions.get_page(s, titles.parse("H"))
        assert page is not None
        first = revisions.history(s, page, limit=3)
        assert [r.id for r in first.revisions] == ids[::-1][:3]
        assert first.newer is None and first.older == ids[4]
        second = revisions.history(s, page, limit=3, older_than=first.older)
        assert [r.id for r in second.revisions] == ids[::-1][3:6]
        last = revisions.history(s, page, limit=3, older_than=second.older)
        assert [r.id for r in last.revisions] == [ids[0]]
        assert last.older is None
        back = revisions.history(s, page, limit=3, newer_than=second.revisions[0].id)
        assert [r.id for r in back.revisions] == ids[::-1][:3]
        assert [r.delta for r in first.revisions] == [1, 1, 1]
        assert revisions.neighbours(s, revisions.get_revision(s, ids[3])) == (ids[2], ids[4])
        info = revisions.page_info(s, page)
        assert info.revision_count == 7 and info.creator.id == ids[0] and info.latest.id == ids[-1]
