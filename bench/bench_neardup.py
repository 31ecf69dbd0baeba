"""Near-duplicate lookup cost with 1k and 6k articles in the index, against an all-pairs scan in the same run.

Usage: python bench/bench_neardup.py [CORPUS] [--sizes 1000 6000] [--probes 300]
Probes are near copies of the first articles, which every index holds. For each size: rebuild the LSH index from that many stored signatures (as a
run does at its start), then time `find` for the same probe articles. The
baseline compares each probe with every indexed signature, which is what
"no all-pairs comparison" rules out: its cost grows with the corpus.
"""

from __future__ import annotations

import argparse
import time

import pyarrow as pa

from bench.corpus import DEFAULT_CORPUS, read_articles
from flows.settings import DEFAULT_NEAR_DUPLICATE_THRESHOLD
from transforms.neardup import NearDuplicateIndex, signature


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    args.add_argument("--sizes", type=int, nargs="+", default=[1000, 6000])
    args.add_argument("--probes", type=int, default=300)
    options = args.parse_args()

    articles, _ = read_articles(options.corpus, max(options.sizes))
    ids = articles.column("article_id").to_pylist()
    started = time.perf_counter()
    signatures = [signature(text) for text in articles.column("text").to_pylist()]
    print(f"{len(ids)} articles; signatures at {len(ids) / (time.perf_counter() - started):,.0f} articles/s")
    # probes: near copies (last tenth of the words cut) of articles that every index size holds
    texts = articles.column("text").to_pylist()[: options.probes]
    probes = [(f"probe-{i}", signature(" ".join(t.split()[: len(t.split()) * 9 // 10]))) for i, t in enumerate(texts)]

    print(f"{'indexed':>8}{'rebuild s':>11}{'LSH find µs':>13}{'all-pairs µs':>14}{'found':>7}")
    for size in options.sizes:
        size = min(size, len(ids))
        stored = pa.table(
            {
                "article_id": ids[:size],
                "signature": [s.hashvalues.tolist() for s in signatures[:size]],
                "duplicate_of": pa.array([None] * size, type=pa.string()),
            }
        )
        started = time.perf_counter()
        index = NearDuplicateIndex.from_signatures(stored, DEFAULT_NEAR_DUPLICATE_THRESHOLD)
        rebuild = time.perf_counter() - started

        timings = []
        for _ in range(3):  # the best of three: the cores are shared
            started = time.perf_counter()
            found = sum(index.find(ident, minhash) is not None for ident, minhash in probes)
            timings.append(time.perf_counter() - started)
        lsh_us = min(timings) / len(probes) * 1e6

        started = time.perf_counter()
        for _, minhash in probes:
            max(minhash.jaccard(other) for other in signatures[:size])
        scan_us = (time.perf_counter() - started) / len(probes) * 1e6
        print(f"{size:8}{rebuild:11.2f}{lsh_us:13.0f}{scan_us:14.0f}{found:7}")
    print("(shared cores: timings are noisy)")


if __name__ == "__main__":
    main()
