"""The catalogues are complete: every UI string in code and templates is in the template
catalogue, and Bahasa Indonesia translates every one of them, keeping placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from wiki import i18n

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def _extracted() -> set[str]:
    method_map = [("wiki/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT),
        method_map,
        options,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr; a plural entry is keyed by its singular, with its forms joined."""
    with (ROOT / "wiki" / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = {}
        for m in read_po(fh):
            if not m.id:
                continue
            if isinstance(m.id, str):
                catalog[m.id] = m.string
            else:  # plural: every form must be filled
                forms = [f for f in m.string if f]
                full = len(forms) == len(m.string)
                catalog[m.id[0]] = " | ".join(forms) if full else ""
        return catalog


def test_every_ui_string_is_in_the_catalogues() -> None:
    extracted = _extracted()
    assert len(extracted) > 50
    for lang in ("en", "id"):
        missing = extracted - set(_catalog(lang))
        assert not missing, f"run `make messages`; missing in {lang}: {sorted(missing)[:10]}"


def test_indonesian_translates_everything_with_the_same_placeholders() -> None:
    catalog = _catalog("id")
    untranslated = [k for k, v in catalog.items() if not v]
    assert not untranslated, untranslated[:10]
    for msgid, msgstr in catalog.items():
        expected = sorted(set(PLACEHOLDER.findall(msgid)))
        assert sorted(set(PLACEHOLDER.findall(msgstr))) == expected, msgid


def test_translations_load_and_negotiate() -> None:
    assert i18n.translations("id").gettext("History") == "Riwayat"
    assert i18n.translations("en").gettext("History") == "History"
    assert i18n.negotiate(None, None, "ms-MY,en;q=0.1", "en") == "id"
    assert i18n.negotiate("xx", "id", None, "en") == "id"
    assert i18n.negotiate(None, None, "de;q=1, en;q=0", "id") == "id"
