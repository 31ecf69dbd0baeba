"""Date mentions: articles/s of our tag-dates stage against bare natasha DatesExtractor, in the same run.

Usage: python bench/bench_dates.py [CORPUS] [--limit 400] [--baseline DIR] [--passes P]
Both run over the same normalized texts; the baseline calls DatesExtractor on
each whole text, as natasha's README does. Failures are counted, not fatal.

With --baseline DIR (another version of this project, e.g. `git archive main |
tar -x -C DIR`), it instead times `find_dates` of DIR's transforms/dates.py
against this one's over the same texts in one process, alternating article by
article, for P passes (default 2: caches cold, then warm), and prints the
mentions each found, CPU seconds and their ratio, with the load average.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

from natasha import DatesExtractor, MorphVocab

from bench.corpus import DEFAULT_CORPUS, read_articles
from transforms.dates import find_dates, load_parser


def load_version(code_dir: Path):
    """`transforms/dates.py` of another checkout, as a module of its own (its caches its own too)."""
    spec = importlib.util.spec_from_file_location("baseline_dates", code_dir / "transforms" / "dates.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def against_baseline(texts: list[str], published: list, baseline: Path, passes: int) -> None:
    """find_dates of both versions, alternating article by article (which goes first swaps each article), so that
    the machine's drift and other jobs weigh on both alike; the first pass starts with cold caches."""
    import transforms.dates as this_version

    morph_vocab = MorphVocab()
    versions = {"baseline": load_version(baseline), "this": this_version}
    parsers = {name: module.load_parser(morph_vocab) for name, module in versions.items()}
    print(f"find_dates over {len(texts)} articles: {baseline}/transforms/dates.py (baseline) against this checkout's")
    for name, module in versions.items():
        module.find_dates("Разогрев: 6 января.", None, parsers[name])
    for n in range(passes):
        cpu = dict.fromkeys(versions, 0.0)
        found = dict.fromkeys(versions, 0)
        for i, (text, day) in enumerate(zip(texts, published, strict=True)):
            for name in ("baseline", "this") if i % 2 == 0 else ("this", "baseline"):
                started = time.process_time()
                mentions, _ = versions[name].find_dates(text, day, parsers[name])
                cpu[name] += time.process_time() - started
                found[name] += len(mentions)
        print(
            f"pass {n + 1}{' (caches cold)' if n == 0 else ''}: baseline {found['baseline']} mentions, "
            f"{cpu['baseline']:.2f} s CPU; this {found['this']} mentions, {cpu['this']:.2f} s CPU; "
            f"ratio {cpu['this'] / cpu['baseline']:.3f}; load average {os.getloadavg()[0]:.1f}"
        )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    args.add_argument("--limit", type=int, default=400)
    args.add_argument("--baseline", type=Path, help="another version of this project to time find_dates against")
    args.add_argument("--passes", type=int, default=2)
    options = args.parse_args()

    articles, _ = read_articles(options.corpus, options.limit)
    texts = articles.column("text").to_pylist()
    published = articles.column("published_date").to_pylist()
    chars = sum(map(len, texts))
    print(f"{len(texts)} articles, {chars / len(texts):,.0f} characters on average, from {options.corpus}")
    if options.baseline:
        against_baseline(texts, published, options.baseline, options.passes)
        return
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
