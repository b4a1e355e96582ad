"""Title and namespace rules, as MediaWiki users know them. Pure: no I/O.

A title is a namespace number plus a text. Spaces and underscores are the same character, the
first letter is upper case, and some characters are forbidden. ``Title.key`` is the form used
in URLs (``Talk:Main_Page``); ``Title.full`` is the form shown to people (``Talk:Main Page``).

Namespaces, as in MediaWiki: the database stores the namespace *number*; the wiki's content
language (``WIKI_LANGUAGE``, set once by ``create_app`` through :func:`set_content_language`)
decides the names in URLs and on pages, so every reader, link, signature and search result
names a page the same way (``Pembicaraan:Dana_desa`` on an Indonesian wiki, ``Talk:Dana_desa``
on an English one). Names in either language are accepted as aliases; the web layer redirects
them to the canonical form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from wiki.errors import N_, InvalidTitle

MAX_TITLE_BYTES = 255

NS_SPECIAL = -1
NS_MAIN = 0
NS_TALK = 1
NS_USER = 2
NS_USER_TALK = 3
NS_PROJECT = 4
NS_PROJECT_TALK = 5
NS_HELP = 12
NS_HELP_TALK = 13
NS_CATEGORY = 14
NS_CATEGORY_TALK = 15

#: English namespace names (MediaWiki's canonical names, valid on every wiki).
NAMESPACES: dict[int, str] = {
    NS_SPECIAL: "Special",
    NS_MAIN: "",
    NS_TALK: "Talk",
    NS_USER: "User",
    NS_USER_TALK: "User talk",
    NS_PROJECT: "Project",
    NS_PROJECT_TALK: "Project talk",
    NS_HELP: "Help",
    NS_HELP_TALK: "Help talk",
    NS_CATEGORY: "Category",
    NS_CATEGORY_TALK: "Category talk",
}

#: Namespace names per content language other than English, as id.wikipedia names them.
LOCAL_NAMESPACES: dict[str, dict[int, str]] = {
    "id": {
        NS_SPECIAL: "Istimewa",
        NS_MAIN: "",
        NS_TALK: "Pembicaraan",
        NS_USER: "Pengguna",
        NS_USER_TALK: "Pembicaraan Pengguna",
        NS_PROJECT: "Proyek",
        NS_PROJECT_TALK: "Pembicaraan Proyek",
        NS_HELP: "Bantuan",
        NS_HELP_TALK: "Pembicaraan Bantuan",
        NS_CATEGORY: "Kategori",
        NS_CATEGORY_TALK: "Pembicaraan Kategori",
    }
}

# The wiki's content language (one per process: create_app sets it from the settings).
_content_names: dict[int, str] = NAMESPACES


def set_content_language(lang: str) -> None:
    """Name namespaces in ``lang`` (``en`` or ``id``) in titles' ``full`` and ``key``."""
    global _content_names
    _content_names = LOCAL_NAMESPACES.get(lang, NAMESPACES)


#: Extra names that resolve to a namespace (lower-cased, spaces not underscores).
ALIASES: dict[str, int] = {
    "istimewa": NS_SPECIAL,
    "pembicaraan": NS_TALK,
    "pengguna": NS_USER,
    "pembicaraan pengguna": NS_USER_TALK,
    "proyek": NS_PROJECT,
    "pembicaraan proyek": NS_PROJECT_TALK,
    "bantuan": NS_HELP,
    "pembicaraan bantuan": NS_HELP_TALK,
    "kategori": NS_CATEGORY,
    "pembicaraan kategori": NS_CATEGORY_TALK,
}

_NS_BY_NAME: dict[str, int] = {
    name.lower(): ns for ns, name in NAMESPACES.items() if name
} | ALIASES

_FORBIDDEN = re.compile("[#<>\\[\\]|{}\x00-\x1f\x7f\ufffd\ud800-\udfff]")
_SPACES = re.compile(r"[ _\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


@dataclass(frozen=True, order=True)
class Title:
    """A valid, normalised page title."""

    ns: int
    text: str

    @property
    def ns_name(self) -> str:
        """The namespace's name in the wiki's content language."""
        return _content_names[self.ns]

    @property
    def full(self) -> str:
        """The title as shown: ``Talk:Main Page``."""
        return f"{self.ns_name}:{self.text}" if self.ns_name else self.text

    @property
    def key(self) -> str:
        """The title as used in URLs: ``Talk:Main_Page``."""
        return self.full.replace(" ", "_")

    @property
    def is_talk(self) -> bool:
        return self.ns > 0 and self.ns % 2 == 1

    @property
    def is_special(self) -> bool:
        return self.ns == NS_SPECIAL

    def talk(self) -> Title:
        """The talk page of this page (itself if it is one)."""
        return self if self.is_talk or self.ns < 0 else Title(self.ns + 1, self.text)

    def subject(self) -> Title:
        """The subject page of a talk page (itself if it is not one)."""
        return Title(self.ns - 1, self.text) if self.is_talk else self

    def __str__(self) -> str:
        return self.full


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def parse(raw: str, default_ns: int = NS_MAIN) -> Title:
    """Normalise ``raw`` into a Title, or raise InvalidTitle saying which rule it broke."""
    if not isinstance(raw, str):
        raise InvalidTitle(N_("The title must be text."))
    text = unicodedata.normalize("NFC", raw)
    if _FORBIDDEN.search(text):
        bad = _FORBIDDEN.search(text)
        assert bad is not None
        char = bad.group(0)
        shown = repr(char) if ord(char) < 32 or ord(char) == 0x7F else char
        raise InvalidTitle(
            N_(
                "The title contains a forbidden character: {char}. "
                "Titles cannot contain # < > [ ] | {{ }} or control characters."
            ),
            char=shown,
        )
    text = _SPACES.sub(" ", text).strip(" ")
    if text.startswith(":"):
        text = text[1:].lstrip(" ")
    ns = default_ns
    if ":" in text:
        prefix, rest = text.split(":", 1)
        found = _NS_BY_NAME.get(prefix.strip(" ").lower())
        if found is not None:
            ns = found
            text = rest.strip(" ")
    if not text:
        raise InvalidTitle(N_("The title is empty."))
    if len(text.encode("utf-8")) > MAX_TITLE_BYTES:
        raise InvalidTitle(N_("The title is longer than {limit} bytes."), limit=MAX_TITLE_BYTES)
    if text in (".", "..") or text.startswith(("./", "../")) or "/./" in text or "/../" in text:
        raise InvalidTitle(N_("Titles cannot be relative paths such as '.' or '..'."))
    if text.endswith(("/.", "/..")):
        raise InvalidTitle(N_("Titles cannot be relative paths such as '.' or '..'."))
    if "~~~" in text:
        raise InvalidTitle(N_("Titles cannot contain three or more tildes (~~~)."))
    text = _upper_first(text)
    return Title(ns, text)


def namespace_name(ns: int) -> str:
    """The name of a namespace number in the content language (empty for the main one)."""
    return _content_names[ns]


def namespace_names() -> list[tuple[int, str]]:
    """(number, name in the content language) of every namespace that holds pages."""
    return [(ns, _content_names[ns]) for ns in NAMESPACES if ns >= 0]


def content_namespaces() -> list[int]:
    """Namespaces that hold pages (everything but Special)."""
    return [ns for ns in NAMESPACES if ns >= 0]
