"""NER quality: bare natasha (segment + NER) beside the pipeline's tagging path, on every gold set, in one run.

Usage: python bench/ner_quality.py FACTRU.jsonl [--nerel NEREL_DIR] [--nerel-train]
       (e.g. ../shared/corpora/factru/devset.jsonl --nerel ../shared/corpora/nerel)

Prints strict F1 per type for both taggers on each part of each gold set:
factRu dev's `tune` and `holdout` parts (`evaluation.entities.split_part`; rules
are written from errors on tune parts only), NEREL dev (`NEREL_DIR/dev`, never
looked at: a second unseen set) and, with --nerel-train, NEREL train's two parts
(the re-tagger learns from its tune part). Then the share of the pipeline's
strictly right mentions whose normal form is factRu's (`normal_form_agreement`),
and each tagger's time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from flows.settings import configure_environment

configure_environment()

from evaluation.entities import (  # noqa: E402
    bare_spans,
    normal_form_agreement,
    pipeline_mentions,
    read_gold,
    score,
    split_part,
)
from transforms.models import load_models  # noqa: E402
from transforms.schemas import ENTITY_TYPES  # noqa: E402


def gold_parts(factru: str, nerel: str | None, nerel_train: bool) -> dict[str, list[dict]]:
    """{part name: gold documents}: factRu dev's two parts, NEREL dev, NEREL train's two parts."""
    parts: dict[str, list[dict]] = {}
    docs = read_gold(factru)
    for part in ("tune", "holdout"):
        parts[f"factru dev {part}"] = [doc for doc in docs if split_part(doc["doc_id"]) == part]
    if nerel:
        parts["nerel dev"] = read_gold(Path(nerel) / "dev")
        if nerel_train:
            train = read_gold(Path(nerel) / "train")
            for part in ("tune", "holdout"):
                parts[f"nerel train {part}"] = [doc for doc in train if split_part(doc["doc_id"]) == part]
    return parts


def main(factru: str, nerel: str | None, nerel_train: bool) -> None:
    parts = gold_parts(factru, nerel, nerel_train)
    models = load_models()
    bare_spans("Прогрев моделей.", models)
    seconds = {"bare natasha": 0.0, "pipeline": 0.0}
    print(f"strict F1; factRu {factru}" + (f", NEREL {nerel}" if nerel else ""))
    print(f"{'part':19} {'docs':>4}  {'tagger':13} " + " ".join(f"{t:>6}" for t in (*ENTITY_TYPES, "micro")))
    agreement = None
    for part, docs in parts.items():
        gold = [doc["gold"] for doc in docs]
        started = time.perf_counter()
        bare = [bare_spans(doc["text"], models) for doc in docs]
        seconds["bare natasha"] += time.perf_counter() - started
        started = time.perf_counter()
        mentions = [pipeline_mentions(doc["text"], models) for doc in docs]
        seconds["pipeline"] += time.perf_counter() - started
        piped = [[(m["start"], m["stop"], m["type"]) for m in doc_mentions] for doc_mentions in mentions]
        for name, predicted in (("bare natasha", bare), ("pipeline", piped)):
            figures = score(gold, predicted)
            cells = " ".join(f"{figures[t]['f1']:6.3f}" for t in (*ENTITY_TYPES, "micro"))
            print(f"{part:19} {len(docs):4}  {name:13} {cells}")
        if part.startswith("factru"):
            agreement = normal_form_agreement(docs, mentions, agreement)
    if agreement:
        print("normal forms equal to factRu's (strictly right mentions the gold names, both factRu parts):")
        for kind, (same, compared) in sorted(agreement.items()):
            print(f"  {kind}: {same}/{compared} = {same / compared:.3f}" if compared else f"  {kind}: none")
    for name, elapsed in seconds.items():
        print(f"time {name}: {elapsed:.1f} s (shared cores, noisy)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("factru", help="factRu-style gold JSON Lines (factru/devset.jsonl)")
    parser.add_argument("--nerel", help="NEREL's folder, holding dev/ and train/")
    parser.add_argument("--nerel-train", action="store_true", help="also score NEREL train's tune and holdout parts")
    args = parser.parse_args()
    main(args.factru, args.nerel, args.nerel_train)
