"""Cost of the tag-events stage against the tag-entities stage, on the same real articles.

Usage: .venv/bin/python bench/events.py ../shared/corpora/news_bulk_dev.jsonl.gz [--limit 300]

Both stages run over the same Russian articles in batches of 100, in this
process, after a warm-up batch (models load once, outside the timing).
Prints articles/s of each (the baseline is tag-entities, measured in the same run).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import time

import pyarrow as pa

from transforms.entities import tag_entities
from transforms.events import load_event_tagger, tag_events
from transforms.models import load_models
from transforms.schemas import DATE_MENTIONS_INPUT_SCHEMA

BATCH = 100


def read_articles(path: str, limit: int) -> list[str]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        texts = (json.loads(line).get("text") or "" for line in lines)
        return list(itertools.islice((t for t in texts if len(t) > 200), limit))


def batches(texts: list[str]):
    names = ("article_id", "text", "language", "source", "record_key", "payload")
    for offset in range(0, len(texts), BATCH):
        chunk = texts[offset : offset + BATCH]
        ids = [f"b{offset + i}" for i in range(len(chunk))]
        columns = [ids, chunk, ["ru"] * len(chunk), ["bench"] * len(chunk), ids, [None] * len(chunk)]
        yield pa.table(columns, schema=pa.schema([(n, pa.string()) for n in names]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--limit", type=int, default=300)
    args = parser.parse_args()
    texts = read_articles(args.corpus, args.limit + 20)
    warmup, texts = texts[:20], texts[20:]
    models, tagger = load_models(), load_event_tagger()
    dates = DATE_MENTIONS_INPUT_SCHEMA.empty_table()
    for batch in batches(warmup):
        mentions, _, _, tagged = tag_entities(batch, models)
        tag_events(tagged, mentions, dates, tagger)

    entity_seconds = event_seconds = 0.0
    n_events = n_quarantined = 0
    for batch in batches(texts):
        started = time.perf_counter()
        mentions, _, _, tagged = tag_entities(batch, models)
        entity_seconds += time.perf_counter() - started
        started = time.perf_counter()
        events, _, _, quarantine, _ = tag_events(tagged, mentions, dates, tagger)
        event_seconds += time.perf_counter() - started
        n_events += events.num_rows
        n_quarantined += quarantine.num_rows
    n = len(texts)
    print(f"{n} articles from {args.corpus} ({sum(map(len, texts)) / n:,.0f} characters on average)")
    print(f"tag-entities (baseline): {n / entity_seconds:6.1f} articles/s  ({entity_seconds:.1f} s)")
    print(f"tag-events:              {n / event_seconds:6.1f} articles/s  ({event_seconds:.1f} s)")
    print(
        f"tag-events costs {event_seconds / entity_seconds:.0%} of tag-entities; {n_events} events, {n_quarantined} articles quarantined"
    )


if __name__ == "__main__":
    main()
