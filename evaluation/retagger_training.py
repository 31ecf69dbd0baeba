"""Training the re-tagger (`transforms.retagger`) from gold sets: `make retagger` runs this module.

Usage: python -m evaluation.retagger_training CORPORA [--output transforms/retagger.npz]
       (CORPORA holds factru/devset.jsonl and nerel/train/, as ../shared/corpora does)

Only the `tune` parts learn (`evaluation.entities.split_part`): NEREL train's
and factRu dev's. Each gold text goes through the pipeline's own path up to the
re-tagger (natasha's segmentation and NER, span repair, morphology of the
sentences holding a span: `transforms.entities.candidate_docs`), and each repaired span
becomes one example, labelled from the gold annotation at the same offsets:
- a PER, LOC or ORG annotation (NEREL's types mapped by `NEREL_TYPES`): that type;
- an annotation of another type only (NEREL's FACILITY, PRODUCT, EVENT, ...), or
  no annotation overlapping the span at all: NONE (natasha named nothing there);
- an annotation overlapping with other offsets: no example (a boundary error,
  which types cannot fix, and where the two corpora's conventions differ).
The model is scikit-learn's logistic regression over the hashed features of
`transforms.retagger.span_features`; its weights are saved as numbers only.
The same corpora and code give the same file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from evaluation.entities import NEREL_TYPES, read_gold, split_part
from transforms.analysis import analyze
from transforms.entities import candidate_docs, doc_tokens
from transforms.models import NatashaModels
from transforms.retagger import LABELS, N_BUCKETS, NONE, Retagger, hashed, span_features
from transforms.spans import Span

C = 0.5  # inverse regularisation strength, chosen before looking at any holdout part
MAX_ITER = 500


def labelled_spans(doc: dict) -> dict[tuple[int, int], str]:
    """{(start, stop): label} of the gold's annotations, and every annotated (start, stop) as a region.

    NEREL documents carry `annotations` of every type; factRu documents their `objects`' spans.
    """
    labels: dict[tuple[int, int], str] = {}
    if "annotations" in doc:
        for start, stop, kind in doc["annotations"]:
            mapped = NEREL_TYPES.get(kind, NONE)
            if labels.get((start, stop), NONE) == NONE:
                labels[(start, stop)] = mapped
    else:
        for obj in doc.get("objects", []):
            for span in [obj, *obj.get("spans", [])]:
                labels.setdefault((span["start"], span["stop"]), NONE)
        for start, stop, kind in doc["gold"]:
            labels[(start, stop)] = kind
    return labels


def label(span, labels: dict[tuple[int, int], str]) -> str | None:
    """The span's label (see the module's docstring), or None: no example."""
    exact = labels.get((span.start, span.stop))
    if exact is not None:
        return exact
    if any(start < span.stop and span.start < stop for start, stop in labels):
        return None
    return NONE


def examples(docs: list[dict], models: NatashaModels, batch: int = 16) -> tuple[list[list[str]], list[str]]:
    """(features, label) of every repaired span of `docs` that gets a label."""
    features, labels = [], []
    for offset in range(0, len(docs), batch):
        chunk = docs[offset : offset + batch]
        analysed = dict(enumerate(analyze([d["text"] for d in chunk], models)))
        failed = candidate_docs({i: doc for i, doc in analysed.items() if not isinstance(doc, Exception)}, models)
        for i, doc in enumerate(chunk):
            if isinstance(analysed[i], Exception) or i in failed:
                continue
            spans = [Span(s.start, s.stop, s.type) for s in analysed[i].spans]
            regions = labelled_spans(doc)
            doc_features = span_features(doc["text"], doc_tokens(analysed[i]), spans)
            for span, f in zip(spans, doc_features, strict=True):
                target = label(span, regions)
                if target is not None:
                    features.append(f)
                    labels.append(target)
    return features, labels


def fit(features: list[list[str]], labels: list[str], c: float = C, weights: list[float] | None = None) -> Retagger:
    """A Retagger learned from (features, label) examples (each of the given weight, 1 by default)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    rows, owners = hashed(features)
    matrix = csr_matrix((np.ones(len(rows), dtype=np.float32), (owners, rows)), shape=(len(features), N_BUCKETS))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0  # a feature is there or not
    model = LogisticRegression(C=c, max_iter=MAX_ITER)
    model.fit(matrix, [LABELS.index(y) for y in labels], sample_weight=weights)
    classes = list(model.classes_)
    weights = np.zeros((N_BUCKETS, len(LABELS)), dtype=np.float32)
    bias = np.full(len(LABELS), -30.0, dtype=np.float32)  # a label no example had is never given
    for j, cls in enumerate(classes):
        weights[:, cls] = model.coef_[j] if len(classes) > 2 else (model.coef_[0] if j else -model.coef_[0])
        bias[cls] = model.intercept_[j] if len(classes) > 2 else (model.intercept_[0] if j else -model.intercept_[0])
    return Retagger(weights, bias)


def training_docs(corpora: Path) -> list[dict]:
    """The tune parts of NEREL train and factRu dev."""
    docs = read_gold(corpora / "nerel" / "train") + read_gold(corpora / "factru" / "devset.jsonl")
    return [doc for doc in docs if split_part(doc["doc_id"]) == "tune"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("corpora", type=Path, help="folder holding factru/devset.jsonl and nerel/train/")
    parser.add_argument("--output", type=Path, default=Path("transforms") / "retagger.npz")
    args = parser.parse_args()
    from transforms.models import load_models

    models = load_models(retagger=False)
    docs = training_docs(args.corpora)
    features, labels = examples(docs, models)
    retagger = fit(features, labels)
    retagger.save(args.output)
    counts = {name: labels.count(name) for name in LABELS}
    print(f"{args.output}: {len(features)} examples from {len(docs)} documents {counts}")


if __name__ == "__main__":
    main()
