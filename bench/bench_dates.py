"""Date mentions: articles/s of our tag-dates stage against bare natasha DatesExtractor, in the same run.

Usage: python bench/bench_dates.py [CORPUS] [--limit 400]
Both run over the same normalized texts; the baseline calls DatesExtractor on
each whole text, as natasha's README does. Failures are counted, not fatal.
"""

from __future__ import annotations

import argparse
import time

from natasha import DatesExtractor, MorphVocab

from bench.corpus import DEFAULT_CORPUS, read_articles
from transforms.dates import find_dates, load_parser


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    args.add_argument("--limit", type=int, default=400)
    options = args.parse_args()

    articles, _ = read_articles(options.corpus, options.limit)
    texts = articles.column("text").to_pylist()
    published = articles.column("published_date").to_pylist()
    chars = sum(map(len, texts))
    print(f"{len(texts)} articles, {chars / len(texts):,.0f} characters on average, from {options.corpus}")
    morph_vocab = MorphVocab()

    parser = load_parser(morph_vocab)
    find_dates("Разогрев: 6 января.", None, parser)
    started = time.perf_counter()
    ours, ours_failed = 0, 0
    for text, day in zip(texts, published, strict=True):
        mentions, errors = find_dates(text, day, parser)
        ours += len(mentions)
        ours_failed += len(errors)
    ours_seconds = time.perf_counter() - started

    extractor = DatesExtractor(morph_vocab)
    started = time.perf_counter()
    bare, bare_failed = 0, 0
    for text in texts:
        try:
            bare += len(list(extractor(text)))
        except Exception:  # natasha's grammar raises KeyError on some month forms
            bare_failed += 1
    bare_seconds = time.perf_counter() - started

    print(f"{'':28}{'articles/s':>12}{'mentions':>10}{'failures':>10}")
    print(f"{'natasha DatesExtractor':28}{len(texts) / bare_seconds:12.1f}{bare:10}{bare_failed:10}")
    print(f"{'tag-dates (ours)':28}{len(texts) / ours_seconds:12.1f}{ours:10}{ours_failed:10}")
    print(f"speed-up: {bare_seconds / ours_seconds:.1f}x (shared cores: timings are noisy)")


if __name__ == "__main__":
    main()
