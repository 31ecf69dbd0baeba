"""Date mentions: articles/s of our tag-dates stage against bare natasha DatesExtractor, in the same run.

Usage: python bench/bench_dates.py [CORPUS] [--limit 400] [--baseline DIR] [--rounds R]
Both run over the same normalized texts; the baseline calls DatesExtractor on
each whole text, as natasha's README does. Failures are counted, not fatal.

With --baseline DIR (another version of this project, e.g. `git archive main |
tar -x -C DIR`), it instead times `find_dates` of DIR's code against this
one's over the same texts, in alternating fresh processes (R rounds, default
3, the order swapping each round), and prints the mentions each found, CPU
seconds, and the median ratio this/baseline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from natasha import DatesExtractor, MorphVocab

from bench.corpus import DEFAULT_CORPUS, read_articles
from bench.entities_speed import _time_version
from transforms.dates import find_dates, load_parser

# Run in a fresh process with one version's code first on the path: find_dates over the texts.
TIMER = """
import json, sys, time
from datetime import date
import transforms
from natasha import MorphVocab
from transforms.dates import find_dates, load_parser
rows = json.load(open(sys.argv[1], encoding="utf-8"))
parser = load_parser(MorphVocab())
find_dates("Разогрев: 6 января.", None, parser)
found = failed = 0
started, cpu = time.perf_counter(), time.process_time()
for text, day in rows:
    mentions, errors = find_dates(text, date.fromisoformat(day) if day else None, parser)
    found += len(mentions)
    failed += len(errors)
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "mentions": found,
                  "failed": failed, "code": transforms.__file__}))
"""


def against_baseline(texts: list[str], published: list, baseline: Path, rounds: int) -> None:
    here = Path(__file__).resolve().parent.parent
    print(f"find_dates over {len(texts)} articles: {baseline} (baseline) against {here} (this)")
    rows = [[text, day.isoformat() if day else None] for text, day in zip(texts, published, strict=True)]
    ratios = []
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as rows_file:
        json.dump(rows, rows_file, ensure_ascii=False)
        rows_file.flush()
        for n in range(rounds):
            order = [("baseline", baseline.resolve()), ("this", here)]
            timed = {name: _time_version(code, rows_file.name, TIMER) for name, code in order[:: 1 - 2 * (n % 2)]}
            base, this = timed["baseline"], timed["this"]
            ratios.append(this["cpu"] / base["cpu"])
            print(
                f"round {n + 1}: baseline {base['mentions']} mentions, {base['cpu']:.2f} s CPU ({base['seconds']:.2f} s"
                f" wall); this {this['mentions']} mentions, {this['cpu']:.2f} s CPU ({this['seconds']:.2f} s wall);"
                f" ratio {ratios[-1]:.3f}"
            )
    print(f"median CPU-time ratio this/baseline: {statistics.median(ratios):.3f}")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    args.add_argument("--limit", type=int, default=400)
    args.add_argument("--baseline", type=Path, help="another version of this project to time find_dates against")
    args.add_argument("--rounds", type=int, default=3)
    options = args.parse_args()

    articles, _ = read_articles(options.corpus, options.limit)
    texts = articles.column("text").to_pylist()
    published = articles.column("published_date").to_pylist()
    chars = sum(map(len, texts))
    print(f"{len(texts)} articles, {chars / len(texts):,.0f} characters on average, from {options.corpus}")
    if options.baseline:
        against_baseline(texts, published, options.baseline, options.rounds)
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
