"""Reading MediaWiki XML exports (schema 0.3 to 0.11), streamed and safe.

``pages(stream)`` yields one :class:`DumpPage` at a time, with its revisions; the element tree
is cleared as it goes, so memory stays flat however large the file. The parser refuses what
makes XML dangerous (DTDs, entity declarations, external entities: billion laughs and XXE) and
caps the size of one revision's text, and every error names the page it happened in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from wiki.errors import N_, BadInput

#: The largest revision text read, in bytes (MediaWiki's default $wgMaxArticleSize is 2 MiB).
MAX_TEXT_BYTES = 16 * 1024 * 1024


class DumpError(BadInput):
    """The file is not a MediaWiki export we can read; the message says where."""


@dataclass
class DumpRevision:
    id: int | None
    parent_id: int | None
    timestamp: datetime
    username: str | None  # None with ``ip`` or when the author is hidden
    user_id: int | None
    ip: str | None
    minor: bool
    comment: str
    model: str
    format: str
    text: str
    sha1: str | None
    #: Parts marked deleted="deleted" in the file.
    user_deleted: bool = False
    comment_deleted: bool = False
    text_deleted: bool = False


@dataclass
class DumpPage:
    title: str
    ns: int
    id: int | None
    redirect: str | None
    revisions: list[DumpRevision] = field(default_factory=list)


@dataclass
class SiteHeader:
    sitename: str = ""
    generator: str = ""
    namespaces: dict[int, str] = field(default_factory=dict)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _int(text: str | None, what: str, where: str) -> int | None:
    if text is None or not text.strip():
        return None
    value = text.strip()
    if not value.isdigit() or len(value) > 10 or int(value) > 2**31 - 1:
        raise DumpError(N_("{what} is not a valid id in {where}."), what=what, where=where)
    return int(value)


def _timestamp(text: str | None, where: str) -> datetime:
    try:
        return datetime.strptime((text or "").strip(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise DumpError(N_("A revision of {where} has no valid timestamp."), where=where) from exc


def _revision(elem: object, where: str) -> DumpRevision:
    from xml.etree.ElementTree import Element

    assert isinstance(elem, Element)
    values: dict[str, Element] = {_local(child.tag): child for child in elem}

    def text_of(name: str) -> str | None:
        child = values.get(name)
        return child.text if child is not None else None

    contributor = values.get("contributor")
    username = ip = None
    user_id = None
    user_deleted = False
    if contributor is not None:
        user_deleted = contributor.get("deleted") is not None
        parts = {_local(c.tag): c.text for c in contributor}
        username = (parts.get("username") or "").strip() or None
        ip = (parts.get("ip") or "").strip() or None
        user_id = _int(parts.get("id"), "A contributor id", where)
    text_elem = values.get("text")
    text = ""
    text_deleted = False
    if text_elem is not None:
        text_deleted = text_elem.get("deleted") is not None
        text = text_elem.text or ""
        if len(text) > MAX_TEXT_BYTES or len(text.encode("utf-8")) > MAX_TEXT_BYTES:
            raise DumpError(
                N_("A revision of {where} is larger than {limit} bytes."),
                where=where,
                limit=MAX_TEXT_BYTES,
            )
    comment_elem = values.get("comment")
    return DumpRevision(
        id=_int(text_of("id"), "A revision id", where),
        parent_id=_int(text_of("parentid"), "A parent id", where),
        timestamp=_timestamp(text_of("timestamp"), where),
        username=username,
        user_id=user_id,
        ip=ip,
        minor="minor" in values,
        comment=(comment_elem.text or "") if comment_elem is not None else "",
        model=(text_of("model") or "wikitext").strip(),
        format=(text_of("format") or "text/x-wiki").strip(),
        text=text,
        sha1=(text_of("sha1") or "").strip() or None,
        user_deleted=user_deleted,
        comment_deleted=comment_elem is not None and comment_elem.get("deleted") is not None,
        text_deleted=text_deleted,
    )


def pages(stream: IO[bytes], header: SiteHeader | None = None) -> Iterator[DumpPage]:
    """The pages of the export in ``stream``, one at a time, with their revisions."""
    site = header if header is not None else SiteHeader()
    current: DumpPage | None = None
    depth = 0
    last_title = "?"
    root = None
    try:
        for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = _local(elem.tag)
            if event == "start":
                depth += 1
                if root is None:
                    root = elem
                if tag == "page":
                    current = DumpPage(title="", ns=0, id=None, redirect=None)
                continue
            depth -= 1
            if tag == "sitename":
                site.sitename = elem.text or ""
            elif tag == "generator" and current is None:
                site.generator = elem.text or ""
            elif tag == "namespace" and current is None:
                key = _int(elem.get("key", "").lstrip("-") or None, "A namespace key", "siteinfo")
                if key is not None:
                    sign = -1 if elem.get("key", "").startswith("-") else 1
                    site.namespaces[sign * key] = elem.text or ""
            elif current is not None and tag == "title" and not current.title:
                current.title = (elem.text or "").strip()
                last_title = current.title
            elif current is not None and tag == "ns" and depth == 2:
                current.ns = int((elem.text or "0").strip() or 0)
            elif current is not None and tag == "id" and depth == 2:
                current.id = _int(elem.text, "The page id", current.title or "?")
            elif current is not None and tag == "redirect":
                current.redirect = elem.get("title") or None
            elif current is not None and tag == "revision":
                current.revisions.append(_revision(elem, current.title or "?"))
                elem.clear()
            elif tag == "page" and current is not None:
                elem.clear()
                if root is not None:
                    root.clear()  # drop the finished page from the tree: memory stays flat
                if not current.title:
                    raise DumpError(N_("A page in the file has no title."))
                yield current
                current = None
    except DefusedXmlException as exc:
        raise DumpError(
            N_("The file declares entities or a DTD, which imports refuse (near {where})."),
            where=last_title,
        ) from exc
    except SyntaxError as exc:  # ParseError: malformed or truncated XML, invalid UTF-8
        raise DumpError(
            N_("The file is not well-formed XML (near {where}): {error}"),
            where=last_title,
            error=str(exc),
        ) from exc
