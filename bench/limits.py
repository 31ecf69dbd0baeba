"""What the limits (transforms/limits.py) quarantine of real input, and the figures behind their defaults.

Usage: python bench/limits.py PATH [PATH ...] [--limit N]

Reads each PATH (a file or a directory, as `newsetl run` does) through the
readers (extract) and normalize twice, with the default limits and with no
limits at all, and prints, per PATH: records read; quarantined by each run,
and what the limits alone quarantined (newly, with their reasons: this should
be nothing); then what the defaults are measured against: the largest file
once decompressed, the most lines of a file, the deepest JSON record, the
longest article text once cleaned, and how much cleaning takes away (its
largest and mean share: RAW_TEXT_SLACK).

Example: .venv/bin/python bench/limits.py ../shared/corpora/news_bulk_dev.jsonl.gz ../shared/corpora/html --limit 2000
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from dataclasses import fields
from datetime import UTC, datetime

from transforms.extract import iter_chunks, parse_items
from transforms.limits import DEFAULT_LIMITS, Limits
from transforms.normalize import normalize
from transforms.sources.read import ReadContext, find_files

NO_LIMITS = Limits(max_article_chars=1 << 40, max_file_bytes=1 << 40, max_lines_per_file=1 << 40, max_json_depth=10_000)


def run(path: str, limits: Limits, n: int) -> tuple[int, dict[str, str], list[tuple[str, str]]]:
    """(records read, reason by record key of what was quarantined, (raw, cleaned) texts) over the first `n` records."""
    read, reasons, texts = 0, {}, []
    for chunk in iter_chunks([path], 500, ReadContext(limits=limits)):
        chunk = chunk[: n - read]
        read += len(chunk)
        raw, bad_extract = parse_items(chunk, limits=limits)
        articles, bad_normalize = normalize(
            raw, fetched_at=datetime.now(UTC), max_article_chars=limits.max_article_chars
        )
        for row in bad_extract.to_pylist() + bad_normalize.to_pylist():
            reasons[row["record_key"]] = f"{row['stage']}: {row['reason'].removeprefix(row['record_key'] + ': ')}"
        texts += zip(articles.column("raw_text").to_pylist(), articles.column("text").to_pylist(), strict=True)
        if read >= n:
            break
    return read, reasons, texts


def file_figures(path: str) -> tuple[int, int, int]:
    """(most bytes of one file once decompressed, most lines of one file, deepest JSON line of a JSON Lines file)."""
    most_bytes = most_lines = deepest = 0
    for file in find_files(path):
        opener = gzip.open if file.read_bytes()[:2] == b"\x1f\x8b" else open
        size = lines = 0
        with opener(file, "rb") as f:
            for line in f:
                size += len(line)
                lines += 1
                if file.name.endswith((".jsonl", ".jsonl.gz")) and line.strip():
                    deepest = max(deepest, depth(json.loads(line)))
        most_bytes, most_lines = max(most_bytes, size), max(most_lines, lines)
    return most_bytes, most_lines, deepest


def depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("paths", nargs="+")
    args.add_argument("--limit", type=int, default=sys.maxsize, help="records read per PATH (default: all)")
    options = args.parse_args()
    print("defaults: " + ", ".join(f"{limit.name} {getattr(DEFAULT_LIMITS, limit.name):,}" for limit in fields(Limits)))
    for path in options.paths:
        read, limited, texts = run(path, DEFAULT_LIMITS, options.limit)
        _, unlimited, _ = run(path, NO_LIMITS, options.limit)
        newly = {key: reason for key, reason in limited.items() if key not in unlimited}
        print(
            f"\n{path}: {read:,} records read; quarantined {len(limited):,} with the limits, {len(unlimited):,} without"
        )
        print(f"  quarantined by the limits alone: {len(newly)}")
        for reason, count in Counter(newly.values()).most_common(10):
            print(f"    ×{count}: {reason}")
        for reason, count in Counter(r.split(" (")[0][:100] for r in limited.values()).most_common(6):
            print(f"  quarantined with the limits ×{count}: {reason}")
        most_bytes, most_lines, deepest = file_figures(path)
        taken = [1 - len(cleaned) / len(raw) for raw, cleaned in texts if raw]
        print(
            f"  largest file {most_bytes:,} bytes decompressed; most lines {most_lines:,}; deepest JSON record {deepest}; "
            f"longest cleaned text {max((len(cleaned) for _, cleaned in texts), default=0):,} characters; "
            f"cleaning takes away at most {max(taken, default=0):.1%}, on average {sum(taken) / max(len(taken), 1):.2%}"
        )


if __name__ == "__main__":
    main()
