"""Atom feeds (RFC 4287) and RSS 2.0, built from plain data. Pure: no database, no HTTP.

Each entry's content is HTML (the diff table), sent as ``type="html"``: escaped text inside the
XML, as feed readers expect, so nothing in it can break the feed or run as markup of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
RSS_MEDIA_TYPE = "application/rss+xml; charset=utf-8"
#: ``?feed=`` values, as MediaWiki names them.
FORMATS = ("atom", "rss")
GENERATOR = "Gotong"


@dataclass(frozen=True)
class Entry:
    id: str  # a permanent URI (the diff's URL)
    title: str
    link: str
    updated: datetime
    author: str
    summary: str  # plain text
    content_html: str  # HTML; escaped into the XML


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    link: str  # the HTML page this feed follows
    self_link: str
    updated: datetime
    entries: Sequence[Entry]
    subtitle: str = ""
    lang: str = "en"


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    el.text = _clean(text)
    return el


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters other than tab and newlines)."""
    return "".join(
        c
        for c in text
        if c in "\t\n\r"
        or 0x20 <= ord(c) <= 0xD7FF
        or 0xE000 <= ord(c) <= 0xFFFD
        or ord(c) >= 0x10000
    )


def atom(feed: Feed) -> bytes:
    """The feed as an Atom document (UTF-8 bytes)."""
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": feed.lang})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": feed.link})
    ET.SubElement(
        root, "link", {"rel": "self", "type": "application/atom+xml", "href": feed.self_link}
    )
    _text(root, "updated", _ts(feed.updated))
    _text(root, "generator", GENERATOR)
    for e in feed.entries:
        entry = ET.SubElement(root, "entry")
        _text(entry, "id", e.id)
        _text(entry, "title", e.title)
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": e.link})
        _text(entry, "updated", _ts(e.updated))
        author = ET.SubElement(entry, "author")
        _text(author, "name", e.author)
        if e.summary:
            _text(entry, "summary", e.summary)
        _text(entry, "content", e.content_html, type="html")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def rss(feed: Feed) -> bytes:
    """The feed as an RSS 2.0 document (UTF-8 bytes); content as escaped HTML, as in Atom."""
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS})
    channel = ET.SubElement(root, "channel")
    _text(channel, "title", feed.title)
    _text(channel, "link", feed.link)
    _text(channel, "description", feed.subtitle or feed.title)
    _text(channel, "language", feed.lang)
    _text(channel, "generator", GENERATOR)
    _text(channel, "lastBuildDate", format_datetime(feed.updated.astimezone(UTC), usegmt=True))
    ET.SubElement(
        channel,
        "atom:link",
        {"rel": "self", "type": "application/rss+xml", "href": feed.self_link},
    )
    for e in feed.entries:
        item = ET.SubElement(channel, "item")
        _text(item, "title", e.title)
        _text(item, "link", e.link)
        _text(item, "guid", e.id, isPermaLink="false")
        _text(item, "pubDate", format_datetime(e.updated.astimezone(UTC), usegmt=True))
        _text(item, "author", e.author)  # a name, not an e-mail address: readers cope
        _text(item, "description", e.content_html or e.summary)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def render(feed: Feed, fmt: str) -> tuple[bytes, str]:
    """The feed in ``fmt`` (``atom`` or ``rss``) and its media type."""
    if fmt == "rss":
        return rss(feed), RSS_MEDIA_TYPE
    return atom(feed), MEDIA_TYPE
