"""Entity evaluation: precision, recall and F1 of tagged spans against gold spans.

Two gold formats (`read_gold` tells them apart):
- JSON Lines (as `../shared/corpora/factru/devset.jsonl`): one JSON object a
  line with `doc_id`, `text` and `entities: [{type, start, stop, text}]`
  (Python character offsets into `text`);
- a folder of brat standoff files (as NEREL's `../shared/corpora/nerel/dev/`):
  each `NAME.txt` with its `NAME.ann`; entity types are mapped to PER/LOC/ORG by
  `NEREL_TYPES` (other types are not scored), and where mapped spans nest
  («Министерство обороны России»: ORG holding LOC «России») only the outermost
  is kept, as factRu's reduction keeps the longer of overlapping spans.

`split_part(doc_id)` puts each gold document in the `tune` or the `holdout`
part of its set, once and for all (`SPLIT_SEED`): rules and models are made
from tune parts only.

`score(gold, predicted)` takes, per document, the gold and the predicted
spans as (start, stop, type) and returns, per type and micro-averaged, the
figures for strict matching (same type, same offsets) and for overlap
matching (same type, overlapping offsets; each gold span matched at most once).

The spans come from the pipeline's own tagging path (`pipeline_spans`) or,
as the baseline, from bare natasha (`bare_spans`: segmentation and NER,
nothing else).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from natasha import Doc

from evaluation.metrics import precision_recall_f1
from transforms.entities import tag_article
from transforms.models import NatashaModels
from transforms.names import entity_key
from transforms.schemas import ENTITY_TYPES

SpanTuple = tuple[int, int, str]

# NEREL's entity types that are people, places and organisations; its other 24 types (PROFESSION, FACILITY,
# NATIONALITY, EVENT, DATE, ...) are not scored. As factRu's reduction: Location and LocOrg are LOC, Facility is
# dropped.
NEREL_TYPES = {
    "PERSON": "PER",
    "CITY": "LOC",
    "COUNTRY": "LOC",
    "STATE_OR_PROVINCE": "LOC",
    "DISTRICT": "LOC",
    "LOCATION": "LOC",
    "ORGANIZATION": "ORG",
}
# The split of every gold set into its tune and holdout parts: a document is in `tune` when the SHA-1 of
# SPLIT_SEED followed by its doc_id is even. The empty seed is the split factRu dev has had since span repair
# was written (its rules were written from the tune part), kept so that the holdout part stays unseen.
SPLIT_SEED = ""
SPLIT_PARTS = ("tune", "holdout")


def split_part(doc_id: str, seed: str = SPLIT_SEED) -> str:
    """`tune` or `holdout`: the part of its gold set a document is in, fixed by `seed` and its id alone."""
    digest = hashlib.sha1(f"{seed}{doc_id}".encode()).hexdigest()
    return SPLIT_PARTS[int(digest, 16) % 2]


def read_gold(path: str | Path) -> list[dict]:
    """The gold documents of a JSON Lines file or a brat folder (`read_brat`), each with `gold` spans."""
    if Path(path).is_dir():
        return read_brat(path)
    return _read_jsonl(path)


def outermost(spans: list[SpanTuple]) -> list[SpanTuple]:
    """The spans that no other span contains (of two with the same offsets, the first given), in text order."""
    kept: list[SpanTuple] = []
    for span in sorted(dict.fromkeys(spans), key=lambda s: (s[0], -s[1])):  # a stable sort: ties keep their order
        if kept and span[1] <= kept[-1][1] and span[0] >= kept[-1][0]:
            continue
        kept.append(span)
    return kept


def read_brat(folder: str | Path) -> list[dict]:
    """Gold documents of a folder of brat files (`NAME.txt` + `NAME.ann`), sorted by name; `doc_id` is NAME.

    Entity lines `T1<TAB>TYPE START STOP<TAB>surface` of a `NEREL_TYPES` type
    become gold spans (a discontinuous span, `START STOP;START STOP`, is not a
    name and is skipped); every entity line is also kept as (start, stop, its
    own type) in `annotations`; relation and note lines are ignored. A span whose
    offsets do not give its surface raises ValueError naming the line.
    """
    docs = []
    for ann in sorted(Path(folder).glob("*.ann")):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        annotations = []
        for line_no, line in enumerate(ann.read_text(encoding="utf-8").splitlines(), 1):
            fields = line.split("\t")
            if not line.startswith("T") or len(fields) < 3 or ";" in fields[1]:
                continue
            kind, start, stop = fields[1].split(" ")[:3]
            start, stop = int(start), int(stop)
            if text[start:stop] != fields[2]:
                raise ValueError(f"{ann}:{line_no}: offsets {start}-{stop} do not hold {fields[2]!r}")
            annotations.append((start, stop, kind))
        gold = outermost([(a, b, NEREL_TYPES[k]) for a, b, k in annotations if k in NEREL_TYPES])
        docs.append(
            {
                "doc_id": ann.stem,
                "text": text,
                "gold": gold,
                "entities": [{"type": k, "start": a, "stop": b, "text": text[a:b]} for a, b, k in gold],
                "annotations": annotations,  # every entity line, of every type, nested ones too
            }
        )
    return docs


def _read_jsonl(path: str | Path) -> list[dict]:
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


def pipeline_mentions(text: str, models: NatashaModels) -> list[dict]:
    """The mentions the pipeline's own tagging path (`tag_article`) finds: start, stop, type, text, normal, ..."""
    return tag_article(text, models)


def pipeline_spans(text: str, models: NatashaModels) -> list[SpanTuple]:
    """The spans the pipeline's own tagging path (`tag_article`) finds."""
    return [(m["start"], m["stop"], m["type"]) for m in pipeline_mentions(text, models)]


def _name_words(name: str) -> list[str]:
    return sorted(entity_key(word) for word in name.replace("-", " ").split())


def gold_normal_forms(doc: dict) -> dict[tuple[int, int], str]:
    """{(start, stop): the object's name} for factRu mentions whose fact gives the name and that write it in full.

    factRu names each object a fact refers to («Налбандов Александр» for the
    mention «Александром Налбандовым»). A mention writes the name in full when
    it has as many words and each of its words begins (3 letters) like one of
    the name's; «КНР» or «Поднебесная» for «Китай» are other names, not forms.
    """
    names: dict[tuple[int, int], str] = {}
    for fact in doc.get("facts", []):
        for slot in fact["slots"]:
            for value in slot["values"]:
                for mention in value.get("mentions", []):
                    surface, name = _name_words(mention["text"]), _name_words(value.get("text") or "")
                    if len(surface) == len(name) and all(any(w[:3] == n[:3] for n in name) for w in surface):
                        names[(mention["start"], mention["stop"])] = value["text"]
    return names


def normal_form_agreement(docs: list[dict], mentions: list[list[dict]], counts: dict | None = None) -> dict:
    """{type: [same, compared]}: of the tagged mentions that have a gold span and a gold name
    (`gold_normal_forms`), how many have a normal form with the gold name's words (in any order, any case).

    Adds to `counts` when given.
    """
    counts = {kind: [0, 0] for kind in ENTITY_TYPES} if counts is None else counts
    for doc, doc_mentions in zip(docs, mentions, strict=True):
        names, gold = gold_normal_forms(doc), set(doc["gold"])
        for m in doc_mentions:
            name = names.get((m["start"], m["stop"]))
            if name is None or (m["start"], m["stop"], m["type"]) not in gold:
                continue
            counts[m["type"]][1] += 1
            counts[m["type"]][0] += _name_words(m["normal"]) == _name_words(name)
    return counts


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
