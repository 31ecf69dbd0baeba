"""Entity evaluation: precision, recall and F1 of tagged spans against gold spans.

Gold format (as `../shared/corpora/factru/devset.jsonl`): one JSON object a
line with `doc_id`, `text` and `entities: [{type, start, stop, text}]`
(Python character offsets into `text`).

`score(gold, predicted)` takes, per document, the gold and the predicted
spans as (start, stop, type) and returns, per type and micro-averaged, the
figures for strict matching (same type, same offsets) and for overlap
matching (same type, overlapping offsets; each gold span matched at most once).

The spans come from the pipeline's own tagging path (`pipeline_spans`) or,
as the baseline, from bare natasha (`bare_spans`: segmentation and NER,
nothing else).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from natasha import Doc

from evaluation.metrics import precision_recall_f1
from transforms.entities import tag_article
from transforms.models import NatashaModels
from transforms.schemas import ENTITY_TYPES

SpanTuple = tuple[int, int, str]


def read_gold(path: str | Path) -> list[dict]:
    """The gold documents of a JSON Lines file; a line that is not a document raises ValueError naming it."""
    docs = []
    with open(path, encoding="utf-8") as lines:
        for line_no, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                doc["gold"] = [(int(e["start"]), int(e["stop"]), e["type"]) for e in doc["entities"]]
                doc["text"] + ""
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{line_no}: not a gold document ({type(exc).__name__}: {exc})") from None
            docs.append(doc)
    return docs


def pipeline_spans(text: str, models: NatashaModels) -> list[SpanTuple]:
    """The spans the pipeline's own tagging path (`tag_article`) finds."""
    return [(m["start"], m["stop"], m["type"]) for m in tag_article(text, models)]


def ner_doc(text: str, models: NatashaModels) -> Doc:
    """Bare natasha: segmentation and NER, nothing else (the baseline quality is measured on)."""
    doc = Doc(text)
    doc.segment(models.segmenter)
    doc.tag_ner(models.ner_tagger)
    return doc


def bare_spans(text: str, models: NatashaModels) -> list[SpanTuple]:
    """The spans bare natasha (segmentation + NER, nothing else) finds."""
    return [(s.start, s.stop, s.type) for s in ner_doc(text, models).spans]


def _overlap_matches(gold: list[SpanTuple], predicted: list[SpanTuple]) -> list[str]:
    """Types of one-to-one matches between overlapping spans of the same type."""
    used: set[int] = set()
    matched = []
    for start, stop, kind in predicted:
        for index, (g_start, g_stop, g_kind) in enumerate(gold):
            if index not in used and g_kind == kind and g_start < stop and start < g_stop:
                used.add(index)
                matched.append(kind)
                break
    return matched


def _table(tp: Counter, predicted: Counter, gold: Counter) -> dict:
    result = {kind: precision_recall_f1(tp[kind], predicted[kind], gold[kind]) for kind in ENTITY_TYPES}
    result["micro"] = precision_recall_f1(sum(tp.values()), sum(predicted.values()), sum(gold.values()))
    return result


def score(gold: list[list[SpanTuple]], predicted: list[list[SpanTuple]]) -> dict:
    """Strict figures per type and `micro`, plus the same shape under `overlap`."""
    strict_tp, overlap_tp, n_predicted, n_gold = Counter(), Counter(), Counter(), Counter()
    for doc_gold, doc_predicted in zip(gold, predicted, strict=True):
        gold_set, predicted_set = set(doc_gold), set(doc_predicted)
        strict_tp.update(kind for _, _, kind in gold_set & predicted_set)
        overlap_tp.update(_overlap_matches(sorted(gold_set), sorted(predicted_set)))
        n_predicted.update(kind for _, _, kind in predicted_set)
        n_gold.update(kind for _, _, kind in gold_set)
    return {**_table(strict_tp, n_predicted, n_gold), "overlap": _table(overlap_tp, n_predicted, n_gold)}
