"""Score HTML extraction against the gold of a MANIFEST.json: text, title, date (same day), author.

    .venv/bin/python bench/extract_eval.py ../shared/corpora/html

For each page listed in PATH_TO_HTML_DIR/MANIFEST.json it runs newsetl's page
reader (`transforms.sources.html.extract_page`) and, as the baseline measured
in the same run, trafilatura's own metadata alone; then prints per-page
results and the share of pages right for each field.

Gold per page: title = `gold.title`, else `og_title`; date = `gold.date`, else
`article_published_time` (compared with the UTC day that `published_date`
will hold); author = `gold.author`, else `jsonld_author`, else
`rel_author`; text = at least 200 characters, containing every
`gold.text_must_contain` snippet and none of `gold.text_must_not_contain`.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from transforms.normalize import parse_published
from transforms.sources.decode import decode_bytes
from transforms.sources.html import NoMainText, extract_page

MIN_TEXT = 200
FIELDS = ("text", "title", "date", "author")


def _norm(value: str | None) -> str:
    return " ".join((value or "").replace("\xa0", " ").split()).casefold()


def gold_of(entry: dict) -> dict:
    gold = entry.get("gold") or {}
    return {
        "title": gold.get("title") or entry.get("og_title"),
        "date": (gold.get("date") or entry.get("article_published_time") or "")[:10] or None,
        "author": gold.get("author") or entry.get("jsonld_author") or entry.get("rel_author"),
        "must": gold.get("text_must_contain", []),
        "must_not": gold.get("text_must_not_contain", []),
    }


def utc_day(published: str | None) -> str | None:
    """The day the warehouse stores (`published_date`, UTC), or None when the value does not parse."""
    try:
        parsed = parse_published(published, fetched_at=datetime.now(UTC))
    except ValueError:
        return None
    return parsed.date().isoformat() if parsed else None


def score(found: dict, gold: dict) -> dict:
    """Per field: True (right), False (wrong or missing), None (no gold to judge by)."""
    text = found.get("text") or ""
    text_ok = (
        len(text) >= MIN_TEXT
        and all(_norm(s) in _norm(text) for s in gold["must"])
        and not any(_norm(s) in _norm(text) for s in gold["must_not"])
    )
    return {
        "text": text_ok,
        "title": _norm(found.get("title")) == _norm(gold["title"]) if gold["title"] else None,
        "date": utc_day(found.get("published")) == gold["date"] if gold["date"] else None,
        "author": _norm(found.get("author")) == _norm(gold["author"]) if gold["author"] else None,
    }


def trafilatura_only(html: str) -> dict:
    document = trafilatura.bare_extraction(html, with_metadata=True)
    if document is None:
        return {}
    return {"text": document.text, "title": document.title, "published": document.date, "author": document.author}


def newsetl(html: str) -> dict:
    try:
        return extract_page(html)
    except NoMainText:
        return {}


def main(html_dir: str) -> None:
    directory = Path(html_dir)
    manifest = json.loads((directory / "MANIFEST.json").read_text(encoding="utf-8"))
    readers = {"trafilatura alone (baseline)": trafilatura_only, "newsetl": newsetl}
    totals = {name: {f: [0, 0] for f in FIELDS} for name in readers}
    seconds = dict.fromkeys(readers, 0.0)
    pages = [decode_bytes((directory / entry["file"]).read_bytes())[0] for entry in manifest]
    results = {}
    for name, reader in readers.items():
        reader(pages[0])  # warm-up: imports and caches are not what we measure
        started = time.perf_counter()
        results[name] = [reader(html) for html in pages]
        seconds[name] = time.perf_counter() - started
    print(f"{'page':<42} {'reader':<29} text title date author  found date")
    for number, entry in enumerate(manifest):
        gold = gold_of(entry)
        for name in readers:
            found = results[name][number]
            marks = score(found, gold)
            for field, ok in marks.items():
                if ok is not None:
                    totals[name][field][0] += ok
                    totals[name][field][1] += 1
            cells = " ".join(f"{'-' if marks[f] is None else ('ok' if marks[f] else 'NO'):>{len(f)}}" for f in FIELDS)
            print(f"{entry['file'][:42]:<42} {name:<29} {cells}  {found.get('published')} (gold {gold['date']})")
    print()
    for name in readers:
        shares = ", ".join(f"{f} {ok}/{n} ({ok / n:.0%})" for f, (ok, n) in totals[name].items() if n)
        print(f"{name}: {shares}; {seconds[name] / len(manifest) * 1000:.0f} ms/page")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: bench/extract_eval.py PATH_TO_HTML_DIR")
    main(sys.argv[1])
