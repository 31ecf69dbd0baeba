"""The re-tagger: a small learned model that re-types natasha's entity spans, or drops those that name nothing.

natasha's NER calls the European Union a place and «СМИ» an organisation; its
spans are right far more often than its types. `Retagger.retag(text, tokens,
spans)` takes the repaired spans of one article (`transforms.spans`) and gives
each a type among PER, LOC, ORG, or none (dropped), from a multinomial logistic
regression over features of the span alone: natasha's type, the words and their
beginnings and endings, the words around it, its shape, and how the article types
the same name elsewhere (`span_features`). Then, within the article, the same
name gets one type (`one_type_per_name`) unless the model is sure of a mention's
own.

The model is built by `make retagger` from NEREL train's and factRu dev's tune
parts (`evaluation.retagger_training`), and ships in the package as
`retagger.npz`: features are hashed (CRC-32) into `weights` rows, so the file
holds numbers only (about 1 MB; no pickle, nothing downloaded). `load_retagger()`
reads it once per process (it comes with `transforms.models.load_models`).

Pure functions of a text and spans: no natasha call, no Prefect, no DuckDB.
"""

from __future__ import annotations

import functools
import zlib
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from transforms.names import entity_key
from transforms.spans import OPENING_QUOTES, Span

NONE = "NONE"  # the label of a span that names no person, place or organisation
LABELS = (NONE, "PER", "LOC", "ORG")
MODEL_FILE = "retagger.npz"
N_BUCKETS = 2**17
# A mention keeps its own type against the rest of the article's mentions of the same name when the model
# gives that type at least this probability («Вашингтон» the city, «Вашингтон» the president).
SURE = 0.9

# start, stop, text, and natasha's morphology where it was tagged: part of speech and features (None if not)
Token = tuple[int, int, str, str | None, dict | None]


# Case endings of Russian nouns and adjectives, longest first: what `name_key` cuts off.
CASE_ENDINGS = sorted(
    "ами ями ого его ому ему ыми ими ой ей ом ем ам ям ах ях ую юю ая яя ое ее ые ие ый ий ых их а я о е ы и у ю ь й".split(),
    key=len,
    reverse=True,
)


def _stem(word: str) -> str:
    for ending in CASE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@functools.lru_cache(maxsize=65_536)  # names recur within and across articles
def name_key(text: str) -> str:
    """One key for the case forms of a name: each word without its case ending («Евросоюза», «Евросоюзом» → «евросоюз»)."""
    return " ".join(_stem(word) for word in entity_key(text).split())


def _shape(word: str) -> str:
    if word.isupper() and len(word) > 1:
        return "CAPS"
    if word[:1].isupper():
        return "Cap"
    if word[:1].isdigit():
        return "digit"
    return "low" if word.isalpha() else "other"


def _script(text: str) -> str:
    if any("a" <= c.lower() <= "z" for c in text):
        return "latin"
    return "cyrillic" if any("а" <= c.lower() <= "я" or c in "ёЁ" for c in text) else "none"


def span_features(text: str, tokens: list[Token], spans: list[Span]) -> list[list[str]]:
    """The features of each span: strings, hashed into the model's rows (see the module's docstring)."""
    starts = [t[0] for t in tokens]
    types_by_key: dict[str, set[str]] = defaultdict(set)
    for span in spans:
        types_by_key[name_key(text[span.start : span.stop])].add(span.type)
    features = []
    for span in spans:
        inside = text[span.start : span.stop]
        words = [w for w in entity_key(inside).replace("-", " ").split() if w]
        first = bisect_left(starts, span.start)
        last = bisect_left(starts, span.stop)  # the first token after the span
        before = [t[2].lower() for t in tokens[max(0, first - 2) : first]]
        after = [t[2].lower() for t in tokens[last : last + 1]]
        kind = span.type
        f = [
            f"t={kind}",
            f"n={min(len(words), 4)}",
            f"shape={_shape(inside.split()[0]) if inside.split() else 'none'}",
            f"script={_script(inside)}",
            f"t={kind}&shape={_shape(inside.split()[0]) if inside.split() else 'none'}",
        ]
        for word in words:
            f += [f"w={word}", f"p5={word[:5]}", f"t={kind}&p5={word[:5]}"]
        if words:
            f += [f"fw={words[0]}", f"lw={words[-1]}", f"ls3={words[-1][-3:]}", f"t={kind}&ls2={words[-1][-2:]}"]
        f += [f"key={name_key(inside)}", f"t={kind}&key={name_key(inside)}"]
        if before:
            f += [f"prev={before[-1]}", f"prev5={before[-1][:5]}", f"t={kind}&prev5={before[-1][:5]}"]
            f.append(f"prev2={' '.join(before)}")
        else:
            f.append("prev=^")
        if after:
            f += [f"next={after[0]}", f"next5={after[0][:5]}"]
        f += _morph_features(kind, tokens[first:last], tokens[max(0, first - 1) : first])
        if span.start and text[span.start - 1] in OPENING_QUOTES:
            f.append("quoted")
        if any(c.isdigit() for c in inside):
            f.append("has_digit")
        f += [f"article={other}" for other in sorted(types_by_key[name_key(inside)]) if other != kind]
        features.append(f)
    return features


def _morph_features(kind: str, inside: list[Token], before: list[Token]) -> list[str]:
    """Part of speech, case and animacy of the span's head (its last noun) and of the word before it."""
    tagged = [t for t in inside if len(t) > 3 and t[3]]
    if not tagged:
        return []
    nouns = [t for t in tagged if t[3] in ("NOUN", "PROPN")]
    head = (nouns or tagged)[-1]
    feats = head[4] or {}
    f = [
        f"head={head[3]}",
        f"case={feats.get('Case')}",
        f"anim={feats.get('Animacy')}",
        f"t={kind}&anim={feats.get('Animacy')}",
        f"first={tagged[0][3]}",
    ]
    if before and len(before[0]) > 3 and before[0][3]:
        f += [f"prevpos={before[0][3]}", f"prevcase={(before[0][4] or {}).get('Case')}&case={feats.get('Case')}"]
    return f


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % N_BUCKETS


def hashed(features: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """(row of each feature, its example's index): the sparse matrix of the examples, as training builds it."""
    rows = [_bucket(feature) for example in features for feature in example]
    owners = [i for i, example in enumerate(features) for _ in example]
    return np.asarray(rows, dtype=np.int64), np.asarray(owners, dtype=np.int64)


@dataclass(frozen=True)
class Retagger:
    """A multinomial logistic regression over hashed features: `weights` (N_BUCKETS, labels), `bias` (labels)."""

    weights: np.ndarray
    bias: np.ndarray
    labels: tuple[str, ...] = LABELS

    def probabilities(self, features: list[list[str]]) -> np.ndarray:
        """(examples, labels) probabilities; every example has at least one feature (natasha's type)."""
        if not features:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        rows, _ = hashed(features)
        firsts = np.cumsum([0] + [len(example) for example in features[:-1]])
        scores = np.add.reduceat(self.weights[rows].astype(np.float32), firsts, axis=0) + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def retag(self, text: str, tokens: list[Token], spans: list[Span]) -> list[Span]:
        """The spans re-typed, those the model calls none dropped, one type per name within the article."""
        if not spans:
            return []
        probabilities = self.probabilities(span_features(text, tokens, spans))
        typed = one_type_per_name(text, spans, probabilities, self.labels)
        return [span for span in typed if span.type != NONE]

    def save(self, path: str | Path) -> None:
        np.savez_compressed(path, weights=self.weights.astype(np.float16), bias=self.bias, labels=np.array(self.labels))


def one_type_per_name(text: str, spans: list[Span], probabilities: np.ndarray, labels: tuple[str, ...]) -> list[Span]:
    """Each span with the type its name gets in the article: the label of the highest summed probability over
    the mentions of that name (`name_key`), unless the model gives the span's own best label at least SURE."""
    keys = [name_key(text[span.start : span.stop]) for span in spans]
    names = {key: n for n, key in enumerate(dict.fromkeys(keys))}
    groups = np.array([names[key] for key in keys], dtype=np.int64)
    totals = np.zeros((len(names), probabilities.shape[1]), dtype=np.float64)
    np.add.at(totals, groups, probabilities)
    best = np.where(probabilities.max(axis=1) >= SURE, probabilities.argmax(axis=1), totals.argmax(axis=1)[groups])
    return [Span(span.start, span.stop, labels[label]) for span, label in zip(spans, best.tolist(), strict=True)]


def read_retagger(path: str | Path) -> Retagger:
    with np.load(path) as data:
        return Retagger(data["weights"], data["bias"].astype(np.float32), tuple(str(x) for x in data["labels"]))


@functools.cache
def load_retagger() -> Retagger:
    """The shipped model (`transforms/retagger.npz`), read once per process."""
    with resources.as_file(resources.files("transforms").joinpath(MODEL_FILE)) as path:
        return read_retagger(path)
