"""News pages: decoded HTML in, main text, title, author and publication date out.

trafilatura's extraction and metadata come first. For the date, a full
timestamp the page states itself (`article:published_time` and similar meta
tags, JSON-LD `datePublished`, `<time datetime>`) replaces trafilatura's bare
day when it falls on that day, or stands in when trafilatura found none.
"""

from __future__ import annotations

import json
from datetime import datetime

import lxml.html
import trafilatura

DATE_META = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "mediator_published_time",
)
MIN_TEXT_CHARS = 40  # shorter "main text" is a caption or a cookie notice, not an article


class NoMainText(ValueError):
    """The page has no article text worth loading."""


def _parse_timestamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _jsonld_objects(tree) -> list[dict]:
    objects: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content())
        except (json.JSONDecodeError, TypeError):
            continue  # broken JSON-LD is common; the other sources of a date remain
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    return objects


def page_timestamps(tree) -> list[datetime]:
    """Publication timestamps the page states in its markup, most explicit first."""
    found: list[str] = []
    for name in DATE_META:
        found += tree.xpath(f'//meta[@property="{name}" or @name="{name}" or @itemprop="{name}"]/@content')
    for obj in _jsonld_objects(tree):
        if isinstance(obj.get("datePublished"), str):
            found.append(obj["datePublished"])
    found += tree.xpath("//time/@datetime")
    return [parsed for parsed in map(_parse_timestamp, found) if parsed is not None]


def _jsonld_author(tree) -> str | None:
    for obj in _jsonld_objects(tree):
        author = obj.get("author")
        if isinstance(author, list) and author:
            author = author[0]
        if isinstance(author, dict):
            author = author.get("name")
        if isinstance(author, str) and author.strip():
            return author.strip()
    return None


def choose_published(trafilatura_date: str | None, stated: list[datetime]) -> str | None:
    """trafilatura's day, made precise by a timestamp the page states for that same day."""
    if trafilatura_date:
        for timestamp in stated:
            if timestamp.date().isoformat() == trafilatura_date[:10]:
                return timestamp.isoformat()
        return trafilatura_date
    return stated[0].isoformat() if stated else None


def extract_page(html: str, url: str | None = None) -> dict:
    """Return {url, title, author, published, text} of a page; raise NoMainText when it has none.

    `published` is ISO 8601 (a day, or a timestamp with the zone the page gave).
    """
    # no deduplicate=True: its cache lives across calls, so a page seen again (a re-run) would lose its text
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    text = (document.text or "").strip() if document else ""
    if len(text) < MIN_TEXT_CHARS:
        raise NoMainText(f"no main text found (extracted {len(text)} characters)")
    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        tree = None
    stated = page_timestamps(tree) if tree is not None else []
    title = document.title
    if not title and tree is not None:
        title = (tree.findtext(".//title") or "").strip() or None
    author = document.author or (_jsonld_author(tree) if tree is not None else None)
    return {
        "url": document.url or url,
        "title": title,
        "author": author,
        "published": choose_published(document.date, stated),
        "text": text,
    }
