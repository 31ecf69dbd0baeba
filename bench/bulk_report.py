"""Figures for the issue note on a real corpus: publication dates, languages, near-duplicate pairs.

Usage: python bench/bulk_report.py [CORPUS] [--limit 6000] [--threshold T] [--sample 30] [--pairs-out FILE]
Runs normalize, language detection and near-duplicate search (not the
taggers) over the corpus, prints the share of articles with a parsed
publication date, the quarantine reasons, the languages found, how many
near-duplicate pairs each threshold gives, and writes a random sample of
pairs at the chosen threshold (by default a run's) to --pairs-out for a person to read.
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter
from datetime import UTC, datetime

import pyarrow as pa

from bench.corpus import DEFAULT_CORPUS
from flows.settings import LoadSettings
from transforms.extract import iter_chunks, parse_items
from transforms.language import detect_language, load_detector
from transforms.neardup import NearDuplicateIndex, find_near_duplicates, signature
from transforms.normalize import normalize

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    args.add_argument("--limit", type=int, default=6000)
    args.add_argument("--threshold", type=float, default=LoadSettings().near_duplicate_threshold)
    args.add_argument("--sample", type=int, default=30)
    args.add_argument("--pairs-out", default="near_duplicate_sample.txt")
    options = args.parse_args()

    batches, reasons, read = [], Counter(), 0
    for chunk in iter_chunks([options.corpus], batch_size=500):
        chunk = chunk[: options.limit - read]
        raw, bad_extract = parse_items(chunk)
        articles, bad_normalize = normalize(raw, fetched_at=datetime.now(UTC))
        for reason in bad_extract.column("reason").to_pylist() + bad_normalize.column("reason").to_pylist():
            reasons[re.sub(r"'[^']*'", "'…'", reason.split(": ", 1)[1])] += 1
        batches.append(detect_language(articles, load_detector()))
        read += len(chunk)
        if read >= options.limit:
            break
    articles = pa.concat_tables(batches)
    dated = articles.num_rows - articles.column("published_at").null_count
    print(f"{read} records read, {articles.num_rows} normalized, {read - articles.num_rows} quarantined")
    print(
        f"publication date parsed: {dated} of {read} records ({dated / read:.1%}); missing (null): {articles.num_rows - dated}"
    )
    for reason, n in reasons.most_common(8):
        print(f"  quarantined ×{n}: {reason}")
    languages = Counter(articles.column("language").to_pylist())
    print("languages:", ", ".join(f"{code} {n}" for code, n in languages.most_common()))

    # exact copies are dropped before near-duplicate search, as in the flow
    seen: set[str] = set()
    keep = [not (h in seen or seen.add(h)) for h in articles.column("content_hash").to_pylist()]
    unique = articles.filter(pa.array(keep))
    print(f"exact duplicates: {articles.num_rows - unique.num_rows}")
    texts = dict(zip(unique.column("article_id").to_pylist(), unique.column("text").to_pylist(), strict=True))
    signatures = {ident: signature(text) for ident, text in texts.items()}
    for threshold in THRESHOLDS:
        marked, _ = find_near_duplicates(unique, NearDuplicateIndex(threshold))
        print(f"threshold {threshold}: {marked.num_rows - marked.column('duplicate_of').null_count} near copies")

    marked, _ = find_near_duplicates(unique, NearDuplicateIndex(options.threshold))
    pairs = [
        (k, c)
        for c, k in zip(marked.column("article_id").to_pylist(), marked.column("duplicate_of").to_pylist(), strict=True)
        if k
    ]
    print(f"chosen threshold {options.threshold}: {len(pairs)} pairs (copy → kept)")
    random.seed(4)
    sample = random.sample(pairs, min(options.sample, len(pairs)))
    with open(options.pairs_out, "w", encoding="utf-8") as out:
        for number, (kept, copy) in enumerate(sample, start=1):
            score = signatures[kept].jaccard(signatures[copy])
            out.write(f"=== pair {number}: estimated Jaccard {score:.2f}\n")
            for ident in (kept, copy):
                text = texts[ident].replace("\n", " ")
                out.write(f"--- {ident} ({len(text)} chars)\n{text[:400]}\n  […]\n{text[-250:]}\n")
    print(f"sample of {len(sample)} pairs written to {options.pairs_out}")


if __name__ == "__main__":
    main()
