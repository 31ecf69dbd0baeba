"""RSS 2.0 / Atom feeds: bytes in, one plain dict per item out (feedparser).

The XML is first parsed by defusedxml, which refuses external entities and
entity declarations (XXE, "billion laughs"), and rejects truncated or invalid
XML that feedparser would half-read.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree
import feedparser
import lxml.html

BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(p|div|li|h[1-6]|blockquote)>")


class FeedError(ValueError):
    """The bytes are not a usable feed; the message is the one-line reason."""


def refuse_unsafe_xml(text: str) -> None:
    """Raise FeedError for XML with entity declarations or external references, or not well-formed."""
    try:
        defusedxml.ElementTree.fromstring(text)
    except defusedxml.DefusedXmlException as exc:
        raise FeedError(f"unsafe XML refused ({exc})") from None
    except ParseError as exc:
        raise FeedError(f"invalid XML ({exc})") from None


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed summary), keeping paragraph breaks."""
    if "<" not in fragment:
        return fragment.strip()
    marked = BLOCK_END.sub(lambda m: m.group(0) + "\n", fragment)
    try:
        return lxml.html.fragment_fromstring(marked, create_parent="div").text_content().strip()
    except (ValueError, lxml.etree.ParserError):
        return fragment.strip()


def _iso(parsed) -> str | None:
    return datetime(*parsed[:6], tzinfo=UTC).isoformat() if parsed else None


def _localised_date(value: str) -> str | None:
    """A date feedparser could not read, often in the feed's language («Seg, 24 Set 2018 19:42:40 -0300»)."""
    import dateparser  # slow to import; only feeds with such dates need it

    parsed = dateparser.parse(value, settings={"RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC"})
    return parsed.isoformat() if parsed else None


def _published(entry) -> str | None:
    """ISO 8601 when the date can be read, else the date as the feed wrote it (normalize then quarantines it)."""
    for field in ("published", "updated", "created"):
        if entry.get(field):
            return _iso(entry.get(f"{field}_parsed")) or _localised_date(entry[field]) or entry[field]
    return None


def parse_feed(text: str) -> tuple[str, list[dict]]:
    """Return (feed title, items) of a decoded feed (see transforms.sources.decode).

    Each item has id, link, title, published, author, summary, content.
    """
    refuse_unsafe_xml(text)
    # Already decoded: say so in a header, which overrides the document's own encoding declaration.
    parsed = feedparser.parse(
        text.encode("utf-8"), response_headers={"content-type": "application/xml; charset=utf-8"}, sanitize_html=False
    )
    if not parsed.version:
        reason = parsed.get("bozo_exception") or "no <rss>, <feed> or <rdf:RDF> root"
        raise FeedError(f"not an RSS or Atom feed ({reason})")
    items = []
    for entry in parsed.entries:
        content = entry.get("content") or []
        items.append(
            {
                "id": entry.get("id") or entry.get("link") or None,
                "link": entry.get("link") or None,
                "title": html_to_text(entry["title"]) if entry.get("title") else None,
                "published": _published(entry),
                "author": entry.get("author") or None,
                "summary": html_to_text(entry["summary"]) if entry.get("summary") else None,
                "content": html_to_text(content[0].get("value", "")) if content else None,
            }
        )
    return parsed.feed.get("title") or "", items
