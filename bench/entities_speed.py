"""Tagging speed: the foundation's tagging (segment, morph, NER, normalize) beside the pipeline's, in one run.

Usage: python bench/entities_speed.py ARTICLES.jsonl [N]   (JSON Lines with a `text` field; first N, default 300)

The pipeline adds span repair, syntax (only for sentences holding a
multi-word organisation), name parsing and resolution; a third line parses
syntax for every sentence, as `Doc.parse_syntax` would, to show what the
restriction saves. Figures are articles per second on one core.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import sys
import time

from flows.settings import configure_environment

configure_environment()

from natasha import Doc  # noqa: E402

from transforms.entities import tag_article  # noqa: E402
from transforms.models import load_models  # noqa: E402


def natasha_tagging(text, models, *, syntax: bool):
    """Segment, morph, NER and normalize, as the foundation did; `syntax` parses every sentence first."""
    doc = Doc(text)
    doc.segment(models.segmenter)
    doc.tag_morph(models.morph_tagger)
    if syntax:
        doc.parse_syntax(models.syntax_parser)
    doc.tag_ner(models.ner_tagger)
    for span in doc.spans:
        span.normalize(models.morph_vocab)
    return doc.spans


def read_texts(path: str, limit: int) -> list[str]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        rows = (json.loads(line) for line in lines if line.strip())
        return [row["text"] for row in itertools.islice((r for r in rows if r.get("text")), limit)]


def main(path: str, limit: int) -> None:
    texts = read_texts(path, limit)
    models = load_models()
    natasha_tagging("Прогрев моделей.", models, syntax=False)
    print(f"{len(texts)} articles from {path} ({sum(map(len, texts)) / len(texts):.0f} characters on average)")
    for name, tag in (
        ("foundation (no syntax)", functools.partial(natasha_tagging, syntax=False)),
        ("pipeline (syntax for ORG sentences)", tag_article),
        ("every sentence parsed for syntax", functools.partial(natasha_tagging, syntax=True)),
    ):
        failures = 0
        started = time.perf_counter()
        for text in texts:
            try:
                tag(text, models)
            except Exception:  # counted, as the pipeline quarantines such an article
                failures += 1
        elapsed = time.perf_counter() - started
        print(f"{name:38} {len(texts) / elapsed:6.1f} articles/s  ({elapsed:.1f} s, {failures} failed)")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().splitlines()[2])
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 300)
