"""Recall (and precision) of our date mentions against NEREL's DATE spans.

Usage: python bench/eval_nerel_dates.py [NEREL_DIR ...]   (default: ../shared/corpora/nerel/dev and train)
A gold span counts as found when one of our mentions overlaps it ("overlap")
or has exactly its offsets ("exact"). NEREL texts carry no publication date,
so every text is resolved against one fixed date: only the spans are scored.
Also prints the most frequent missed spans, to guide new rules.
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date
from pathlib import Path

from natasha import MorphVocab

from transforms.dates import find_dates, load_parser

REFERENCE_DATE = date(2020, 1, 1)


def gold_dates(ann: Path) -> list[tuple[int, int, str]]:
    spans = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T"):
            continue
        _, label, surface = line.split("\t", 2)
        kind, *offsets = label.replace(";", " ").split()
        if kind == "DATE":
            numbers = list(map(int, offsets))
            spans.append((min(numbers), max(numbers), surface))
    return spans


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("dirs", nargs="*", default=["../shared/corpora/nerel/dev", "../shared/corpora/nerel/train"])
    options = args.parse_args()
    parser = load_parser(MorphVocab())
    gold_total = exact = overlap = ours_total = ours_true = 0
    missed: Counter = Counter()
    documents = 0
    for directory in options.dirs:
        for text_file in sorted(Path(directory).glob("*.txt")):
            text = text_file.read_text(encoding="utf-8")
            gold = gold_dates(text_file.with_suffix(".ann"))
            mentions, _ = find_dates(text, REFERENCE_DATE, parser)
            spans = {(m.start, m.stop) for m in mentions}
            documents += 1
            for start, stop, surface in gold:
                gold_total += 1
                exact += (start, stop) in spans
                hit = any(s < stop and start < e for s, e in spans)
                overlap += hit
                if not hit:
                    missed[surface.casefold()] += 1
            ours_total += len(spans)
            ours_true += sum(any(s < stop and start < e for start, stop, _ in gold) for s, e in spans)
    print(f"{documents} documents, {gold_total} gold DATE spans, {ours_total} date mentions found")
    print(f"recall, overlap: {overlap / gold_total:.3f}   recall, exact span: {exact / gold_total:.3f}")
    print(f"precision, overlap with a DATE span: {ours_true / max(ours_total, 1):.3f}")
    print("most frequent missed:", ", ".join(f"{s!r}×{n}" for s, n in missed.most_common(25)))


if __name__ == "__main__":
    main()
