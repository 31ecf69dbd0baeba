"""NER quality: bare natasha (segment + NER) beside the pipeline's tagging path, measured in one run.

Usage: python bench/ner_quality.py GOLD.jsonl   (e.g. ../shared/corpora/factru/devset.jsonl)

Prints strict F1 per type for both taggers on the whole gold file and on its
two halves: `tune` (documents whose doc_id hash is even; the span repair rules
were developed looking at these) and `holdout` (the rest, never looked at), so
a gain that only fits the tuning half shows. Also prints each tagger's time.
"""

from __future__ import annotations

import hashlib
import sys
import time

from flows.settings import configure_environment

configure_environment()

from evaluation.entities import bare_spans, pipeline_spans, read_gold, score  # noqa: E402
from transforms.models import load_models  # noqa: E402
from transforms.schemas import ENTITY_TYPES  # noqa: E402


def is_tuning_doc(doc_id: str) -> bool:
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % 2 == 0


def main(gold_path: str) -> None:
    docs = read_gold(gold_path)
    models = load_models()
    predictions, seconds = {}, {}
    for name, tag in (("bare natasha", bare_spans), ("pipeline", pipeline_spans)):
        started = time.perf_counter()
        predictions[name] = [tag(doc["text"], models) for doc in docs]
        seconds[name] = time.perf_counter() - started
    parts = {
        "all": list(range(len(docs))),
        "tune": [i for i, doc in enumerate(docs) if is_tuning_doc(doc["doc_id"])],
        "holdout": [i for i, doc in enumerate(docs) if not is_tuning_doc(doc["doc_id"])],
    }
    print(f"strict F1 on {gold_path}")
    print(f"{'part':8} {'docs':>4}  {'tagger':13} " + " ".join(f"{t:>6}" for t in (*ENTITY_TYPES, "micro")))
    for part, indexes in parts.items():
        gold = [docs[i]["gold"] for i in indexes]
        for name, predicted in predictions.items():
            figures = score(gold, [predicted[i] for i in indexes])
            cells = " ".join(f"{figures[t]['f1']:6.3f}" for t in (*ENTITY_TYPES, "micro"))
            print(f"{part:8} {len(indexes):4}  {name:13} {cells}")
    for name, elapsed in seconds.items():
        print(
            f"time {name}: {elapsed:.1f} s for {len(docs)} documents ({len(docs) / elapsed:.1f} docs/s; shared cores, noisy)"
        )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    main(sys.argv[1])
