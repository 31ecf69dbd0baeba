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
        except (json.JSONDecodeError, TypeError, RecursionError):
            continue  # broken (or absurdly deep) JSON-LD is common; the other sources of a date remain
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


def stated_authors(tree) -> list[str]:
    """Author names the page states in its markup: rel=author links, JSON-LD, meta author (not URLs)."""
    found = [" ".join(a.text_content().split()) for a in tree.xpath('//a[@rel="author"]')]
    for obj in _jsonld_objects(tree):
        author = obj.get("author")
        for one in author if isinstance(author, list) else [author]:
            name = one.get("name") if isinstance(one, dict) else one
            if isinstance(name, str):
                found.append(name.strip())
    found += [m.strip() for m in tree.xpath('//meta[@name="author"]/@content')]
    return [name for name in found if name and "://" not in name]


def _letters(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def choose_author(trafilatura_author: str | None, stated: list[str]) -> str | None:
    """trafilatura's author, in the page's own spelling when the page states the same name.

    trafilatura rewrites punctuation («Вести.Ru» → «Вести Ru», «А, Б» → «А; Б»);
    the page's form is the name as its publisher writes it.
    """
    if trafilatura_author:
        for name in stated:
            if _letters(name) == _letters(trafilatura_author):
                return name
        return trafilatura_author
    return stated[0] if stated else None


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
    author = choose_author(document.author, stated_authors(tree) if tree is not None else [])
    return {
        "url": document.url or url,
        "title": title,
        "author": author,
        "published": choose_published(document.date, stated),
        "text": text,
    }
