"""Cost of the tag-events stage against the tag-entities stage, on the same real articles.

Usage: .venv/bin/python bench/events.py ../shared/corpora/news_bulk_dev.jsonl.gz [--limit 300]

Both stages run over the same Russian articles in batches of 100, in this
process, after a warm-up batch (models load once, outside the timing). tag-events
gets what it gets in a run: the batch's date mentions (tag-dates, untimed: a stage
of its own) and publication dates, so its date rules are in the figure.
Prints articles/s of each (the baseline is tag-entities, measured in the same run).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import time
from datetime import date

import pyarrow as pa

from transforms.dates import load_parser, tag_dates
from transforms.entities import tag_entities
from transforms.events import load_event_tagger, tag_events
from transforms.models import load_models
from transforms.schemas import DATE_MENTIONS_INPUT_SCHEMA

BATCH = 100


def read_articles(path: str, limit: int) -> list[tuple[str, date | None]]:
    """(text, publication day) of the first `limit` records with more than 200 characters of text."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        records = (json.loads(line) for line in lines)
        kept = (
            (r.get("text") or "", date.fromisoformat(r["published"][:10]) if r.get("published") else None)
            for r in records
        )
        return list(itertools.islice((k for k in kept if len(k[0]) > 200), limit))


def batches(articles: list[tuple[str, date | None]]):
    names = ("article_id", "text", "language", "source", "record_key", "payload")
    schema = pa.schema([(n, pa.string()) for n in names] + [("published_date", pa.date32())])
    for offset in range(0, len(articles), BATCH):
        chunk = articles[offset : offset + BATCH]
        ids = [f"b{offset + i}" for i in range(len(chunk))]
        texts = [text for text, _ in chunk]
        columns = [ids, texts, ["ru"] * len(chunk), ["bench"] * len(chunk), ids, [None] * len(chunk)]
        yield pa.table([*columns, [published for _, published in chunk]], schema=schema)


def date_mentions(batch: pa.Table, parser) -> pa.Table:
    """The batch's date mentions as tag-events takes them (tag-dates' output)."""
    found, _ = tag_dates(batch, parser)
    return found.select(DATE_MENTIONS_INPUT_SCHEMA.names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--limit", type=int, default=300)
    args = parser.parse_args()
    texts = read_articles(args.corpus, args.limit + 20)
    warmup, texts = texts[:20], texts[20:]
    models, tagger = load_models(), load_event_tagger()
    parser = load_parser(models.morph_vocab)
    for batch in batches(warmup):
        mentions, _, _, tagged = tag_entities(batch, models)
        tag_events(tagged, mentions, date_mentions(batch, parser), tagger)

    entity_seconds = event_seconds = 0.0
    n_events = n_quarantined = 0
    for batch in batches(texts):
        started = time.perf_counter()
        mentions, _, _, tagged = tag_entities(batch, models)
        entity_seconds += time.perf_counter() - started
        dates = date_mentions(batch, parser)
        started = time.perf_counter()
        events, _, _, quarantine, _ = tag_events(tagged, mentions, dates, tagger)
        event_seconds += time.perf_counter() - started
        n_events += events.num_rows
        n_quarantined += quarantine.num_rows
    n = len(texts)
    print(f"{n} articles from {args.corpus} ({sum(len(text) for text, _ in texts) / n:,.0f} characters on average)")
    print(f"tag-entities (baseline): {n / entity_seconds:6.1f} articles/s  ({entity_seconds:.1f} s)")
    print(f"tag-events:              {n / event_seconds:6.1f} articles/s  ({event_seconds:.1f} s)")
    print(
        f"tag-events costs {event_seconds / entity_seconds:.0%} of tag-entities; {n_events} events, {n_quarantined} articles quarantined"
    )


if __name__ == "__main__":
    main()
