"""Recall (and precision) of our date mentions against NEREL's DATE spans, per part.

Usage: python bench/eval_nerel_dates.py [NEREL_ROOT] [--misses N] [--part PART]
       (default ../shared/corpora/nerel, with `train/` and `dev/` inside)

Three parts are scored separately: NEREL train's `tune` and `holdout` parts
(the project's one seeded split, `evaluation.entities.split_part`, the split
the entity rules use too) and NEREL dev. Date rules are written from the
misses of the train `tune` part only, which is the only part whose missed
spans and false mentions are printed (`--misses N`, 0 for none): the holdout
and dev figures then measure text the rules never saw.

A gold span counts as found when one of our mentions overlaps it ("overlap")
or has exactly its offsets ("exact"); a mention of ours is right when it
overlaps a gold span. NEREL texts carry no publication date, so every text
is resolved against one fixed date: only the spans are scored.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from natasha import MorphVocab

from evaluation.entities import split_part
from transforms.dates import find_dates, load_parser

REFERENCE_DATE = date(2020, 1, 1)
PARTS = ("nerel train tune", "nerel train holdout", "nerel dev")
TUNE = PARTS[0]  # the only part whose misses are printed
CONTEXT = 30  # characters either side of a printed false mention


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


def part_files(root: Path) -> dict[str, list[Path]]:
    """{part: its documents' .txt files}, train split by `split_part` on the file's name (its doc_id)."""
    train = sorted((root / "train").glob("*.txt"))
    return {
        PARTS[0]: [f for f in train if split_part(f.stem) == "tune"],
        PARTS[1]: [f for f in train if split_part(f.stem) == "holdout"],
        PARTS[2]: sorted((root / "dev").glob("*.txt")),
    }


@dataclass
class Score:
    documents: int = 0
    gold: int = 0
    exact: int = 0
    overlap: int = 0
    ours: int = 0
    ours_true: int = 0
    missed: Counter = field(default_factory=Counter)
    false: Counter = field(default_factory=Counter)

    def add(self, text: str, gold: list[tuple[int, int, str]], spans: set[tuple[int, int]]) -> None:
        self.documents += 1
        for start, stop, surface in gold:
            self.gold += 1
            self.exact += (start, stop) in spans
            hit = any(s < stop and start < e for s, e in spans)
            self.overlap += hit
            if not hit:
                self.missed[surface.casefold()] += 1
        self.ours += len(spans)
        for s, e in spans:
            if any(s < stop and start < e for start, stop, _ in gold):
                self.ours_true += 1
            else:
                self.false[text[s:e].casefold()] += 1

    def line(self, name: str) -> str:
        return (
            f"{name:20} {self.documents:5} {self.gold:6} {self.ours:6}   "
            f"{self.overlap / max(self.gold, 1):.3f}   {self.exact / max(self.gold, 1):.3f}   "
            f"{self.ours_true / max(self.ours, 1):.3f}"
        )


def score(files: list[Path], parser) -> Score:
    result = Score()
    for text_file in files:
        text = text_file.read_text(encoding="utf-8")
        mentions, _ = find_dates(text, REFERENCE_DATE, parser)
        result.add(text, gold_dates(text_file.with_suffix(".ann")), {(m.start, m.stop) for m in mentions})
    return result


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("root", nargs="?", default="../shared/corpora/nerel", type=Path)
    args.add_argument("--misses", type=int, default=40, help="how many missed and false spans of the tune part")
    args.add_argument("--part", choices=PARTS, action="append", help="score only these parts")
    options = args.parse_args()
    parser = load_parser(MorphVocab())
    print(f"{'part':20} {'docs':>5} {'gold':>6} {'ours':>6}  recall  exact   precision")
    scores = {}
    for name, files in part_files(options.root).items():
        if options.part and name not in options.part:
            continue
        scores[name] = score(files, parser)
        print(scores[name].line(name), flush=True)
    if options.misses and TUNE in scores:
        tune = scores[TUNE]
        print(
            f"{TUNE}, most frequent missed:",
            ", ".join(f"{s!r}×{n}" for s, n in tune.missed.most_common(options.misses)),
        )
        print(
            f"{TUNE}, most frequent false:", ", ".join(f"{s!r}×{n}" for s, n in tune.false.most_common(options.misses))
        )


if __name__ == "__main__":
    main()
