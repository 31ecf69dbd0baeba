"""Benchmark: what validation costs next to tagging, in seconds per 1,000 articles.

Reads the first N articles of a JSONL corpus, then per batch: tags them with
natasha (the baseline, measured in the same run), validates the batch with
every suite, and stores the results as Data Docs (recorded per batch, built once,
as a run does). Prints the figures; timings on a shared machine are noisy.

Example: python bench/validation.py ../shared/corpora/news_bulk_dev.jsonl.gz --articles 500
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from datetime import UTC, datetime

from flows.settings import configure_environment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="a JSONL file (gzip allowed) of articles")
    parser.add_argument("--articles", type=int, default=500, help="how many articles to read (default 500)")
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args()
    configure_environment()

    started = time.perf_counter()
    from expectations import docs
    from expectations.validate import validate_batch

    import_seconds = time.perf_counter() - started
    from transforms.entities import tag_entities
    from transforms.extract import iter_chunks, parse_items
    from transforms.models import load_models
    from transforms.normalize import normalize

    models = load_models()
    chunks = itertools.islice(iter_chunks([args.corpus], args.batch_size), -(-args.articles // args.batch_size))
    seconds = {"tag": 0.0, "validate": 0.0, "data docs": 0.0}
    n_articles = n_mentions = n_rejected = n_batch_failures = 0
    pages = []
    with tempfile.TemporaryDirectory() as gx_dir:
        for batch_no, chunk in enumerate(chunks, start=1):
            chunk = chunk[: args.articles - n_articles]
            raw, _ = parse_items(chunk)
            articles, _ = normalize(raw, language="ru")
            t0 = time.perf_counter()
            mentions, entities, _, tagged = tag_entities(articles, models)
            t1 = time.perf_counter()
            checked = validate_batch(
                {"articles": tagged, "mentions": mentions, "entities": entities}, datetime.now(UTC)
            )
            t2 = time.perf_counter()
            pages += docs.record(gx_dir, "bench", batch_no, checked.suites, checked.results)
            t3 = time.perf_counter()
            seconds["tag"] += t1 - t0
            seconds["validate"] += t2 - t1
            seconds["data docs"] += t3 - t2
            n_articles += tagged.num_rows
            n_mentions += mentions.num_rows
            n_rejected += sum(t.num_rows for t in checked.rejected.values())
            n_batch_failures += len(checked.batch_failures)
            print(
                f"batch {batch_no}: {tagged.num_rows} articles, tag {t1 - t0:.1f} s, validate {t2 - t1:.1f} s, "
                f"record {t3 - t2:.1f} s",
                flush=True,
            )
        t4 = time.perf_counter()
        docs.build(gx_dir, pages)
        seconds["data docs"] += time.perf_counter() - t4

    per_1000 = {step: 1000 * s / n_articles for step, s in seconds.items()}
    print(f"{n_articles} articles, {n_mentions} mentions, batches of {args.batch_size}")
    print(f"Great Expectations import (once per process): {import_seconds:.1f} s")
    for step in seconds:
        print(f"{step:>10}: {seconds[step]:7.1f} s  = {per_1000[step]:6.1f} s per 1,000 articles")
    print(
        f"validation / tagging (baseline): {seconds['validate'] / seconds['tag']:.1%}; "
        f"with Data Docs: {(seconds['validate'] + seconds['data docs']) / seconds['tag']:.1%}"
    )
    print(f"rows quarantined by validation: {n_rejected}; batch-level failures: {n_batch_failures}")


if __name__ == "__main__":
    main()
