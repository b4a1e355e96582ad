"""Every route, rendered with a pseudo-locale: a catalogue generated from messages.pot that
wraps every translated string in ⟦…⟧. Visible text outside the marks must be data (titles,
names, page text, dates, numbers), never an English UI word that skipped the catalogue.

The test data is Indonesian and the UI vocabulary is the set of English words in the
catalogue's messages, so an unmarked English UI word is one that did not pass through it."""

from __future__ import annotations

import dataclasses
import gettext
import html.parser
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.testclient import TestClient

from tests.conftest import edit, login, make_user, token_of
from wiki import i18n
from wiki.app import create_app
from wiki.db import Database
from wiki.settings import Settings
from wiki.web import special

POT = Path(i18n.TRANSLATIONS_DIR) / "messages.pot"
OPEN, CLOSE = "\u27e6", "\u27e7"

#: Words that are data on these pages, not UI: Babel's month and day names, the language
#: menu's own names, the site's name, namespace and special page names in titles and URLs.
DATA_WORDS = {
    *[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    *["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "english",
    "bahasa",
    "indonesia",
    "gotong",
    "test",
    "utc",
    "main",
    "page",
    "talk",
    "user",
    "project",
    "help",
    "category",
    "special",
    "editing",
    "about",  # the seeded Help:Editing and Project:About titles
}


def _pseudo_catalogue() -> gettext.GNUTranslations:
    with POT.open("rb") as fh:
        template = read_po(fh)
    catalog = Catalog(locale="en")
    for m in template:
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            strings = tuple(f"{OPEN}{s}{CLOSE}" for s in m.id)
            catalog.add(m.id, strings, flags=m.flags)
        else:
            catalog.add(m.id, f"{OPEN}{m.id}{CLOSE}", flags=m.flags)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def _ui_words() -> set[str]:
    with POT.open("rb") as fh:
        template = read_po(fh)
    words: set[str] = set()
    for m in template:
        for s in m.id if isinstance(m.id, tuple) else (m.id,):
            s = re.sub(r"%\(\w+\)s|\{\w+\}", " ", s)
            words |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", s)}
    return words - DATA_WORDS


class _Visible(html.parser.HTMLParser):
    """Visible text and visible attributes, with marked spans removed."""

    SKIP = frozenset({"script", "style", "textarea", "pre", "code", "title"})
    ATTRS = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skipping = 0
        self.data_depth = 0
        self.stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        # Content written by people: articles, summaries, diffs, search snippets.
        is_data = bool(
            {"article", "comment", "diff", "searchresult", "autocomment", "added-text"}
            & set(classes)
        ) or tag in ("ins", "del")
        if tag in ("br", "img", "input", "meta", "link", "hr", "col", "wbr", "source"):
            if tag == "input" and a.get("type") in ("submit", "button") and not self.data_depth:
                self.texts.append(a.get("value") or "")
            for name in self.ATTRS:
                if a.get(name) and not self.data_depth:
                    self.texts.append(a[name] or "")
            return
        self.stack.append((tag, is_data))
        if tag in self.SKIP:
            self.skipping += 1
        if is_data:
            self.data_depth += 1
        if not self.data_depth:
            for name in self.ATTRS:
                if a.get(name):
                    self.texts.append(a[name] or "")

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            t, is_data = self.stack.pop()
            if t in self.SKIP:
                self.skipping -= 1
            if is_data:
                self.data_depth -= 1
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping and not self.data_depth:
            self.texts.append(data)


def unmarked_ui_text(body: str, vocabulary: set[str]) -> list[str]:
    """Pieces of visible text outside ⟦…⟧ that hold English UI words."""
    parser = _Visible()
    parser.feed(body)
    text = "\n".join(parser.texts)
    # Marks nest (a translated string inside another's parameter): strip innermost first.
    previous = None
    while previous != text:
        previous = text
        text = re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
    found = []
    for line in text.splitlines():
        words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", line)}
        if words & vocabulary:
            found.append(line.strip())
    return found


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = _pseudo_catalogue()
    real = i18n.translations

    def translations(lang: str) -> gettext.NullTranslations:
        return catalogue if lang == "en" else real(lang)

    monkeypatch.setattr(i18n, "translations", translations)


@pytest.fixture
def world(pseudo: None, settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    app = create_app(dataclasses.replace(settings, language="en"))
    db = Database(settings.database_url)
    make_user(db, "Pengurus", groups=("admin",))
    make_user(db, "Budi", autoconfirmed=True)
    db.dispose()
    with (
        TestClient(app, base_url="http://testserver", follow_redirects=False) as anon,
        TestClient(app, base_url="http://testserver", follow_redirects=False) as admin,
    ):
        login(admin, "Pengurus")
        edit(admin, "Dana_desa", "Dana desa disalurkan.\n\n## Sumber\n\n[[Kategori:Anggaran]]")
        edit(admin, "Dana_desa", "Dana desa disalurkan tiap tahun.\n\n## Sumber\n\nBPS.", "ubah")
        edit(anon, "Talk:Dana_desa", "== Pertanyaan ==\n\nBerapa? ~~~~")
        edit(admin, "Pengalihan", "#REDIRECT [[Dana desa]]")
        admin.post(
            "/wiki/Special:Block",
            data={"wpEditToken": token_of(admin), "target": "198.51.100.7", "expiry": "1 week"},
        )
        admin.post(
            "/wiki/Dana_desa?action=protect",
            data={
                "wpEditToken": token_of(admin),
                "level-edit": "autoconfirmed",
                "level-move": "admin",
                "expiry": "1 month",
            },
        )
        yield anon, admin
    app.state.wiki.db.dispose()


def _routes() -> list[str]:
    pages = [
        "/wiki/Dana_desa",
        "/wiki/Dana_desa?action=edit",
        "/wiki/Dana_desa?action=history",
        "/wiki/Dana_desa?action=info",
        "/wiki/Dana_desa?action=protect",
        "/wiki/Dana_desa?diff=cur&oldid=1",
        "/wiki/Dana_desa?oldid=1",
        "/wiki/Dana_desa?action=edit&section=1",
        "/wiki/Talk:Dana_desa",
        "/wiki/Pengalihan",
        "/wiki/Halaman_kosong",
        "/wiki/Halaman_kosong?action=edit",
        "/wiki/Category:Anggaran",
        "/wiki/Dana_desa?action=delete",
        "/wiki/Dana_desa?action=move",
        "/wiki/Special:Log?type=block",
        "/wiki/Special:Log?type=protect",
        "/wiki/Special:Contributions/Pengurus",
        "/wiki/Special:UserRights/Budi",
        "/wiki/Special:AbuseFilter/1",
        "/wiki/Special:Search?search=dana&fulltext=1",
        "/wiki/Tidak<ada>",
        "/wiki/Special:TidakAda",
    ]
    names = sorted({p.name for p in special.all_pages()})
    return pages + [f"/wiki/Special:{n}" for n in names if n not in ("Logout", "Random")]


def test_every_route_passes_through_the_catalogue(
    world: tuple[TestClient, TestClient],
) -> None:
    vocabulary = _ui_words()
    problems: dict[str, list[str]] = {}
    for who, client in zip(("anonymous", "admin"), world, strict=True):
        for url in _routes():
            r = client.get(url + ("&" if "?" in url else "?") + "uselang=en")
            if r.status_code in (301, 302, 303, 307):
                continue
            if "text/html" not in r.headers.get("content-type", ""):
                continue
            bad = unmarked_ui_text(r.text, vocabulary)
            if bad:
                problems[f"{who} {url} ({r.status_code})"] = bad
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_check_finds_an_unmarked_string() -> None:
    vocabulary = {"save", "changes"}
    assert unmarked_ui_text("<p>⟦Save changes⟧</p><div class=article>Save</div>", vocabulary) == []
    assert unmarked_ui_text("<p>Save changes</p>", vocabulary) == ["Save changes"]
    assert unmarked_ui_text('<button title="changes">⟦x⟧</button>', vocabulary) == ["changes"]
