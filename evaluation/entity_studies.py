"""Studies of what could raise entity quality on unseen text (issue 20), and what each does: `docs/entities.md`.

Usage: python -m evaluation.entity_studies CORPORA [--study ablation boundaries lowercase]
       (CORPORA holds factru/devset.jsonl and nerel/{train,dev}, as ../shared/corpora does)

Each gold text goes once through the pipeline's own path up to the re-tagger
(natasha, span repair, morphology of the sentences holding a span:
`transforms.entities.candidate_docs`); the pipeline's spans are then
`add_repeated_mentions(retagger.retag(...))`, as `prepare_docs` makes them (the
figures equal `bench/ner_quality.py`'s). Models are learned from the tune parts
(factRu dev's and NEREL train's) only; every part is scored, strict F1 per type:
- `ablation`: the pipeline without each of its learned or rule-made steps (the
  re-tagger; its one type per name; the SURE exception to it; the repeated mentions);
- `boundaries`: a learned model of where LOC and ORG spans begin and end
  (`edge_candidates`, `edge_features`, `Boundaries`), applied after the re-tagger,
  learned from NEREL's gold drawn as factRu draws it (`factru_convention`), or
  as it is (`boundaries-nerel`);
- `lowercase`: a learned finder of organisations natasha misses that are noun
  phrases headed by a common noun («российском министерстве финансов»);
- `repeats`: a LOC or ORG name the article tagged, found again in another case.
None of the three is in the pipeline: none raised factRu dev's holdout part.
"""

from __future__ import annotations

import argparse
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.entities import NEREL_TYPES, read_gold, score, split_part
from evaluation.retagger_training import fit
from transforms.analysis import analyze
from transforms.entities import candidate_docs, doc_tokens
from transforms.models import NatashaModels
from transforms.retagger import NONE, Retagger, Token, _shape, _stem, name_key, span_features
from transforms.spans import Span, _is_word, _sentence_start, add_repeated_mentions

SCORED = ("PER", "LOC", "ORG")
C = 0.5  # the re-tagger's regularisation, for both models
# Russian prepositions: an organisation's name that goes on with one («ГУ МЧС России по Санкт-Петербургу») holds
# the place after it; one without («Конгресса США») is an organisation and a place (factRu's convention).
PREPOSITIONS = frozenset("в во на по при для из у с со от к ко о об обо под над за до между против через".split())


@dataclass(frozen=True)
class Analysed:
    """A gold document as the pipeline has it before the re-tagger."""

    doc: dict
    tokens: list[Token]
    sentences: list[tuple[int, int]]
    spans: list[Span]  # natasha's, repaired

    @property
    def text(self) -> str:
        return self.doc["text"]


def analysed(docs: list[dict], models: NatashaModels, batch: int = 16) -> list[Analysed]:
    found = []
    for offset in range(0, len(docs), batch):
        chunk = docs[offset : offset + batch]
        analyses = dict(enumerate(analyze([d["text"] for d in chunk], models)))
        failed = candidate_docs({i: d for i, d in analyses.items() if not isinstance(d, Exception)}, models)
        for i, doc in enumerate(chunk):
            if isinstance(analyses[i], Exception) or i in failed:
                continue
            nat = analyses[i]
            spans = [Span(s.start, s.stop, s.type) for s in nat.spans]
            found.append(Analysed(doc, doc_tokens(nat), [(s.start, s.stop) for s in nat.sents], spans))
    return found


def gold_parts(corpora: Path) -> dict[str, list[dict]]:
    """factRu dev's and NEREL train's tune and holdout parts, and NEREL dev."""
    factru, train = read_gold(corpora / "factru" / "devset.jsonl"), read_gold(corpora / "nerel" / "train")
    parts = {f"factru dev {p}": [d for d in factru if split_part(d["doc_id"]) == p] for p in ("tune", "holdout")}
    parts["nerel dev"] = read_gold(corpora / "nerel" / "dev")
    parts |= {f"nerel train {p}": [d for d in train if split_part(d["doc_id"]) == p] for p in ("tune", "holdout")}
    return parts


TUNE = ("factru dev tune", "nerel train tune")


def factru_convention(doc: dict) -> list[tuple[int, int, str]]:
    """The gold spans of a document as factRu draws them.

    NEREL takes a place or an organisation named after an organisation into its
    name («Министерство обороны России», «организации ООН»); factRu tags them apart
    (ORG «Министерство обороны», LOC «России»), unless a preposition joins them
    («... по Санкт-Петербургу»). An NEREL organisation ending with a nested
    annotation of a scored type that no preposition precedes becomes the two.
    factRu's own gold is returned as it is.
    """
    if "annotations" not in doc:
        return doc["gold"]
    text = doc["text"]
    nested = [(a, b, NEREL_TYPES[k]) for a, b, k in doc["annotations"] if k in NEREL_TYPES]
    spans = []
    for start, stop, kind in doc["gold"]:
        tails = sorted((a, b, k) for a, b, k in nested if kind == "ORG" and b == stop and start < a)
        head = text[start : tails[0][0]].rstrip() if tails else ""
        if head and head[-1].isalnum() and head.split()[-1].lower() not in PREPOSITIONS:
            spans += [(start, start + len(head), "ORG"), tails[0]]  # the longest nested tail
        else:
            spans.append((start, stop, kind))
    return spans


def _pos(token: Token | None) -> str | None:
    return token[3] if token is not None and len(token) > 3 else None


def _case(token: Token | None) -> str | None:
    return ((token[4] or {}) if token is not None and len(token) > 3 else {}).get("Case")


# The boundary model. For each edge of each LOC and ORG span, `edge_candidates` lists the spans that move that edge
# over up to MAX_RIGHT tokens to the right (MAX_LEFT to the left) within the sentence, or take its last (first)
# token off; `edge_features` describes each by the tokens on both sides of its new edge (word, shape, part of
# speech, case), the tokens it adds or takes off and the spans it takes in. A regression of the re-tagger's kind
# gives each candidate the probability that it is a name's edge (its label: the type of a gold span overlapping
# the span with that edge, or NONE), and `Boundaries.extend` moves an edge where the best candidate beats the
# span's own.
EDGE_TYPES = ("LOC", "ORG")
MAX_RIGHT, MAX_LEFT = 6, 2
EDGE_STOPS = frozenset(",.;:!?()[]—–…•·|")  # tokens an edge never moves over
Candidate = tuple[int, str, int, int, int]  # span index, side (R, L), tokens moved (<0: taken off), start, stop


def _unbalanced(inside: str) -> bool:
    """Whether a span holds a quote or a bracket without its partner."""
    opened = 0
    for c in inside:
        if c in "«„(":
            opened += 1
        elif c in "»”)":
            if not opened:
                return True
            opened -= 1
    return opened > 0


def edge_candidates(
    text: str, tokens: list[Token], sentences: list[tuple[int, int]], spans: list[Span]
) -> list[Candidate]:
    """Every edge a LOC or ORG span could have, its own among them (moved by 0 tokens).

    A moved edge stays in the span's sentence, crosses no line break and no EDGE_STOPS
    token, leaves no quote or bracket without its partner, and takes in another span
    only whole.
    """
    starts = [t[0] for t in tokens]
    owner = [-1] * len(tokens)
    bounds = [(bisect_left(starts, s.start), bisect_left(starts, s.stop)) for s in spans]
    for n, (first, last) in enumerate(bounds):
        for i in range(first, last):
            owner[i] = n
    sentence_starts = [s[0] for s in sentences]
    found: list[Candidate] = []
    for n, span in enumerate(spans):
        first, last = bounds[n]
        if span.type not in EDGE_TYPES or first >= last:
            continue
        lo, hi = sentences[max(0, bisect_left(sentence_starts, span.start + 1) - 1)] if sentences else (0, len(text))
        found += [(n, "R", 0, span.start, span.stop), (n, "L", 0, span.start, span.stop)]
        if last - first >= 2:
            found += [(n, "R", -1, span.start, tokens[last - 2][1]), (n, "L", -1, tokens[first + 1][0], span.stop)]
        for side, step, limit in (("R", 1, MAX_RIGHT), ("L", -1, MAX_LEFT)):
            j = last - 1 if side == "R" else first
            for k in range(1, limit + 1):
                previous, j = j, j + step
                if j < 0 or j >= len(tokens) or not lo <= tokens[j][0] < hi or tokens[j][2] in EDGE_STOPS:
                    break
                if "\n" in text[tokens[min(j, previous)][1] : tokens[max(j, previous)][0]]:
                    break
                other = owner[j]
                if other not in (-1, n):
                    o = spans[other]
                    if (side == "R" and o.stop > tokens[j][1]) or (side == "L" and o.start < tokens[j][0]):
                        continue  # the edge would cut another span
                start, stop = (span.start, tokens[j][1]) if side == "R" else (tokens[j][0], span.stop)
                if not _unbalanced(text[start:stop]):
                    found.append((n, side, k, start, stop))
    return found


def _token_features(prefix: str, token: Token | None) -> list[str]:
    if token is None:
        return [f"{prefix}=none"]
    word = token[2].lower()
    pos, case = _pos(token), _case(token)
    return [
        f"{prefix}.w={word}",
        f"{prefix}.p4={word[:4]}",
        f"{prefix}.sh={_shape(token[2])}",
        f"{prefix}.pos={pos}",
    ] + [
        f"{prefix}.case={case}",
        f"{prefix}.pc={pos}&{case}",
    ]


def edge_features(text: str, tokens: list[Token], spans: list[Span], candidates: list[Candidate]) -> list[list[str]]:
    """The features of each candidate edge (strings, hashed like the re-tagger's)."""
    starts = [t[0] for t in tokens]
    features = []
    for n, side, k, start, stop in candidates:
        span = spans[n]
        sign = "+" if k > 0 else ("-" if k < 0 else "0")
        first, last = bisect_left(starts, start), bisect_left(starts, stop)
        if side == "R":
            inner = tokens[last - 1] if last > first else None
            outer = tokens[last] if last < len(tokens) else None
            old = bisect_left(starts, span.stop)
            changed = tokens[old:last] if k > 0 else tokens[last:old]
        else:
            inner = tokens[first] if first < last else None
            outer = tokens[first - 1] if first else None
            old = bisect_left(starts, span.start)
            changed = tokens[first:old] if k > 0 else tokens[old:first]
        s = f"{side}{span.type}"
        own = [t[2].lower() for t in tokens[bisect_left(starts, span.start) : bisect_left(starts, span.stop)]]
        f = [f"{side}k={max(min(k, 3), -1)}", f"{s}k={max(min(k, 3), -1)}", f"{s}{sign}"]
        f += [f"{s}{sign}&fw={own[0]}", f"{s}{sign}&lw={own[-1]}"] if own else []
        f += _token_features(f"{side}in", inner) + _token_features(f"{side}out", outer)
        f += [f"{s}{x}" for x in _token_features("in", inner)[:2] + _token_features("out", outer)[:2]]
        if inner is not None and outer is not None:
            f += [
                f"{side}pair.pos={_pos(inner)}|{_pos(outer)}",
                f"{side}pair.case={_case(inner)}|{_case(outer)}",
                f"{side}pair.sh={_shape(inner[2])}|{_shape(outer[2])}",
                f"{s}pair.pc={_pos(inner)}{_case(inner)}|{_pos(outer)}{_case(outer)}",
            ]
        for t in changed:
            f += [*_token_features(f"{side}{sign}", t)[:1], f"{s}{sign}.w={t[2].lower()}"]
            f += _token_features(f"{side}{sign}", t)[2:]
        f += [f"{s}takes={o.type}" for o in spans if o is not span and start <= o.start and o.stop <= stop]
        features.append(f)
    return features


def edge_label(candidate: Candidate, gold: list[tuple[int, int, str]], span: Span) -> str:
    """The type of a gold span overlapping `span` that has the candidate's edge, or NONE."""
    _, side, _, start, stop = candidate
    for g_start, g_stop, kind in gold:
        if g_start < span.stop and span.start < g_stop and (g_stop == stop if side == "R" else g_start == start):
            return kind
    return NONE


@dataclass(frozen=True)
class Boundaries:
    """The boundary model: a `Retagger`-shaped regression over `edge_features` (labels NONE, PER, LOC, ORG)."""

    model: Retagger

    def extend(self, text: str, tokens: list[Token], sentences: list[tuple[int, int]], spans: list[Span]) -> list[Span]:
        """The spans with the edges the model prefers and, where an edge moved, the type it gives; spans a moved
        edge takes in are dropped. Sorted, non-overlapping."""
        candidates = edge_candidates(text, tokens, sentences, spans)
        if not candidates:
            return spans
        probabilities = self.model.probabilities(edge_features(text, tokens, spans, candidates))
        named = 1.0 - probabilities[:, 0]
        best: dict[tuple[int, str], int] = {}
        own: dict[tuple[int, str], int] = {}
        for c, (n, side, k, _, _) in enumerate(candidates):
            if k == 0:
                own[(n, side)] = c
            if (n, side) not in best or named[c] > named[best[(n, side)]]:
                best[(n, side)] = c
        moved: dict[int, Span] = {}
        for (n, side), c in best.items():
            if named[c] > named[own[(n, side)]]:
                span = moved.get(n, spans[n])
                start, stop = candidates[c][3:]
                moved[n] = Span(start if side == "L" else span.start, stop if side == "R" else span.stop, span.type)
        for n, span in moved.items():
            chosen = [best[(n, side)] for side in "RL" if named[best[(n, side)]] > named[own[(n, side)]]]
            kind = self.model.labels[1 + int(probabilities[chosen, 1:].sum(axis=0).argmax())]
            moved[n] = Span(span.start, span.stop, kind)
        kept: list[Span] = []
        for span in sorted((moved.get(n, s) for n, s in enumerate(spans)), key=lambda s: s.start - s.stop):
            if not any(span.start < k.stop and k.start < span.stop for k in kept):  # longest first: takes in
                kept.append(span)
        return sorted(kept, key=lambda s: (s.start, s.stop))


def learn_boundaries(docs: list[tuple[Analysed, list[Span]]], c: float = C, convention: bool = True) -> Boundaries:
    """The boundary model learned from (document, its spans after the re-tagger): every candidate edge of a span
    overlapping a gold span (`factru_convention`; NEREL's gold as it is with `convention=False`) is an example."""
    features, labels = [], []
    for a, spans in docs:
        gold = factru_convention(a.doc) if convention else a.doc["gold"]
        candidates = [
            cand
            for cand in edge_candidates(a.text, a.tokens, a.sentences, spans)
            if any(g0 < spans[cand[0]].stop and spans[cand[0]].start < g1 for g0, g1, _ in gold)
        ]
        features += edge_features(a.text, a.tokens, spans, candidates)
        labels += [edge_label(cand, gold, spans[cand[0]]) for cand in candidates]
    return Boundaries(fit(features, labels, c=c))


# The lower-case organisation finder. Its candidates are noun phrases no span touches: a common noun whose stem
# heads a lower-case organisation of the training gold at least twice (`lowercase_heads`), with up to two
# adjectives before it and up to three genitive words after it, ending with a noun; a regression over the head,
# its case and shape, the words around it and the span after it scores each; the best of those at P(ORG) >= 0.5
# that overlap no other are added.
PhraseCandidate = tuple[int, int, int]  # first token, token after the last, head token


def lowercase_heads(docs: list[Analysed], minimum: int = 2) -> frozenset[str]:
    found: Counter = Counter()
    for a in docs:
        starts = [t[0] for t in a.tokens]
        for start, stop, kind in factru_convention(a.doc):
            inside = a.tokens[bisect_left(starts, start) : bisect_left(starts, stop)]
            nouns = [t for t in inside if _pos(t) == "NOUN"]
            if kind == "ORG" and nouns and inside[0][2][:1].islower():
                found[_stem(nouns[0][2].lower())] += 1
    return frozenset(head for head, n in found.items() if n >= minimum)


def phrase_candidates(
    text: str, tokens: list[Token], spans: list[Span], heads: frozenset[str]
) -> list[PhraseCandidate]:
    starts = [t[0] for t in tokens]
    covered = [False] * len(tokens)
    for s in spans:
        for i in range(bisect_left(starts, s.start), bisect_left(starts, s.stop)):
            covered[i] = True

    def joined(i: int, j: int) -> bool:  # tokens i < j in one line, none of them in a span
        return not covered[i] and not covered[j] and "\n" not in text[tokens[i][1] : tokens[j][0]]

    found = []
    for i, t in enumerate(tokens):
        if covered[i] or _pos(t) != "NOUN" or _stem(t[2].lower()) not in heads:
            continue
        left = 0
        while left < 2 and i - left > 0 and joined(i - left - 1, i - left) and _pos(tokens[i - left - 1]) == "ADJ":
            left += 1
        right = 0
        while (
            right < 3
            and i + right + 1 < len(tokens)
            and joined(i + right, i + right + 1)
            and _pos(tokens[i + right + 1]) in ("ADJ", "NOUN", "PROPN")
            and _case(tokens[i + right + 1]) == "Gen"
        ):
            right += 1
        found += [
            (i - lo, i + r + 1, i)
            for lo in range(left + 1)
            for r in range(right + 1)
            if not r or _pos(tokens[i + r]) != "ADJ"
        ]
    return found


def phrase_features(tokens: list[Token], spans: list[Span], candidate: PhraseCandidate) -> list[str]:
    first, after, h = candidate
    head = _stem(tokens[h][2].lower())
    n_left, n_right = h - first, after - h - 1
    f = [f"h={head}", f"hc={_case(tokens[h])}", f"hsh={_shape(tokens[h][2])}", f"l={n_left}", f"r={n_right}"]
    f += [f"fsh={_shape(tokens[first][2])}", f"h={head}&r={n_right}", f"h={head}&l={n_left}"]
    f += [f"adj={_stem(t[2].lower())}" for t in tokens[first:h]] + [
        f"gen={_stem(t[2].lower())}" for t in tokens[h + 1 : after]
    ]
    before = tokens[first - 1] if first else None
    nxt = tokens[after] if after < len(tokens) else None
    f += [f"prev={before[2].lower() if before else '^'}", f"prevpos={_pos(before) if before else '^'}"]
    f += [f"next={nxt[2].lower() if nxt else '$'}", f"nextpos={_pos(nxt)}", f"nextcase={_case(nxt)}"]
    if nxt is not None:
        f.append(f"nextspan={next((s.type for s in spans if s.start == nxt[0]), None)}")
    return f


@dataclass(frozen=True)
class LowercaseOrgs:
    model: Retagger
    heads: frozenset[str]
    threshold: float = 0.5

    def add(self, text: str, tokens: list[Token], spans: list[Span]) -> list[Span]:
        candidates = phrase_candidates(text, tokens, spans, self.heads)
        if not candidates:
            return spans
        probability = self.model.probabilities([phrase_features(tokens, spans, c) for c in candidates])[:, 3]
        added: list[Span] = []
        for j in np.argsort(-probability, kind="stable"):
            if probability[j] < self.threshold:
                break
            start, stop = tokens[candidates[j][0]][0], tokens[candidates[j][1] - 1][1]
            if not any(start < s.stop and s.start < stop for s in added):
                added.append(Span(start, stop, "ORG"))
        return sorted([*spans, *added], key=lambda s: (s.start, s.stop))


def learn_lowercase(docs: list[tuple[Analysed, list[Span]]], c: float = C) -> LowercaseOrgs:
    heads = lowercase_heads([a for a, _ in docs])
    features, labels = [], []
    for a, spans in docs:
        gold = {(g0, g1) for g0, g1, kind in factru_convention(a.doc) if kind == "ORG"}
        for cand in phrase_candidates(a.text, a.tokens, spans, heads):
            features.append(phrase_features(a.tokens, spans, cand))
            labels.append("ORG" if (a.tokens[cand[0]][0], a.tokens[cand[1] - 1][1]) in gold else NONE)
    return LowercaseOrgs(fit(features, labels, c=c), heads)


def _retagged(retagger: Retagger, a: Analysed, variant: str = "pipeline") -> list[Span]:
    """The spans after the re-tagger; `variant`: "pipeline", "per span" (each its own most probable label, no
    one type per name) or "one type always" (one type per name without the SURE exception)."""
    if variant == "pipeline":
        return retagger.retag(a.text, a.tokens, a.spans)
    probabilities = retagger.probabilities(span_features(a.text, a.tokens, a.spans))
    best = probabilities.argmax(axis=1)
    if variant == "one type always":
        keys = [name_key(a.text[s.start : s.stop]) for s in a.spans]
        totals: dict[str, np.ndarray] = {}
        for key, row in zip(keys, probabilities, strict=True):
            totals[key] = totals.get(key, 0) + row
        best = [int(totals[key].argmax()) for key in keys]
    spans = [Span(s.start, s.stop, retagger.labels[int(k)]) for s, k in zip(a.spans, best, strict=True)]
    return [s for s in spans if s.type != NONE]


def _f1(docs: list[Analysed], spans: list[list[Span]]) -> dict:
    return score([a.doc["gold"] for a in docs], [[(s.start, s.stop, s.type) for s in d] for d in spans])


def _row(part: str, name: str, figures: dict, extra: str = "") -> str:
    return f"{part:19} {name:34} " + " ".join(f"{figures[t]['f1']:.3f}" for t in SCORED) + extra


def ablation(parts: dict[str, list[Analysed]], retagger: Retagger) -> list[str]:
    """Strict F1 of the pipeline and of the pipeline without each step, per part."""
    variants = {
        "pipeline": lambda a: add_repeated_mentions(a.text, a.tokens, _retagged(retagger, a)),
        "without the re-tagger": lambda a: add_repeated_mentions(a.text, a.tokens, a.spans),
        "without one type per name": lambda a: add_repeated_mentions(
            a.text, a.tokens, _retagged(retagger, a, "per span")
        ),
        "one type per name, no SURE": lambda a: add_repeated_mentions(
            a.text, a.tokens, _retagged(retagger, a, "one type always")
        ),
        "without repeated mentions": lambda a: _retagged(retagger, a),
    }
    return [
        _row(part, name, _f1(docs, [make(a) for a in docs]))
        for part, docs in parts.items()
        for name, make in variants.items()
    ]


def _compare(parts: dict[str, list[Analysed]], retagger: Retagger, change, name: str) -> list[str]:
    """Strict F1 of the pipeline, and with `change(a, retagged spans)` before the repeated mentions, per part;
    with how many of the spans the pipeline has only with the change are right."""
    lines = []
    for part, docs in parts.items():
        before, after, right, wrong = [], [], 0, 0
        for a in docs:
            spans = _retagged(retagger, a)
            before.append(add_repeated_mentions(a.text, a.tokens, spans))
            after.append(add_repeated_mentions(a.text, a.tokens, change(a, spans)))
            made = {(s.start, s.stop, s.type) for s in after[-1]} - {(s.start, s.stop, s.type) for s in before[-1]}
            right += len(made & set(a.doc["gold"]))
            wrong += len(made - set(a.doc["gold"]))
        lines.append(_row(part, "pipeline", _f1(docs, before)))
        lines.append(_row(part, name, _f1(docs, after), f"  (spans it made: {right} right, {wrong} wrong)"))
    return lines


def boundaries_study(parts: dict[str, list[Analysed]], retagger: Retagger, convention: bool = True) -> list[str]:
    learned_from = [(a, _retagged(retagger, a)) for part in TUNE for a in parts[part]]
    model = learn_boundaries(learned_from, convention=convention)
    name = "with the boundary model" + ("" if convention else " (NEREL)")
    return _compare(parts, retagger, lambda a, spans: model.extend(a.text, a.tokens, a.sentences, spans), name)


def lowercase_study(parts: dict[str, list[Analysed]], retagger: Retagger) -> list[str]:
    model = learn_lowercase([(a, _retagged(retagger, a)) for part in TUNE for a in parts[part]])
    return _compare(parts, retagger, lambda a, spans: model.add(a.text, a.tokens, spans), "with lower-case ORGs")


def inflected_repeats(text: str, tokens: list[Token], spans: list[Span], min_words: int) -> list[Span]:
    """`spans` plus the untagged places where the article repeats a LOC or ORG name of `min_words` to four
    capitalised words in another case (the same `name_key` stems: «Голос Америки» after «Голоса Америки»), unless a
    capitalised word stands right before (not at a sentence start) or after."""
    starts = [t[0] for t in tokens]
    covered = [False] * len(tokens)
    forms: dict[str, str | None] = {}
    for s in spans:
        first, last = bisect_left(starts, s.start), bisect_left(starts, s.stop)
        covered[first:last] = [True] * (last - first)
        words = [t[2] for t in tokens[first:last]]
        if s.type in EDGE_TYPES and min_words <= len(words) <= 4 and all(_is_word(w) or w.islower() for w in words):
            if _is_word(words[0]):
                key = name_key(" ".join(words))
                forms[key] = s.type if forms.get(key, s.type) == s.type else None
    added, i = [], 0
    while i < len(tokens):
        size = next(
            (
                n
                for n in range(4, 0, -1)
                if i + n <= len(tokens)
                and not any(covered[i : i + n])
                and _is_word(tokens[i][2])
                and forms.get(name_key(" ".join(t[2] for t in tokens[i : i + n])))
            ),
            0,
        )
        if size:
            before, after = tokens[i - 1] if i else None, tokens[i + size] if i + size < len(tokens) else None
            joined = before is not None and _is_word(before[2]) and not _sentence_start(text, before[0])
            if not joined and not (after is not None and _is_word(after[2])):
                kind = forms[name_key(" ".join(t[2] for t in tokens[i : i + size]))]
                added.append(Span(tokens[i][0], tokens[i + size - 1][1], kind))
                i += size
                continue
        i += 1
    return sorted([*spans, *added], key=lambda s: (s.start, s.stop))


def repeats_study(parts: dict[str, list[Analysed]], retagger: Retagger) -> list[str]:
    lines = []
    for words in (2, 1):

        def change(a, spans, words=words):
            return inflected_repeats(a.text, a.tokens, spans, words)

        lines += _compare(parts, retagger, change, f"with inflected repeats of {words}+ words")
    return lines


STUDIES = {
    "ablation": ablation,
    "boundaries": boundaries_study,
    "boundaries-nerel": lambda parts, retagger: boundaries_study(parts, retagger, convention=False),
    "lowercase": lowercase_study,
    "repeats": repeats_study,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("corpora", type=Path, help="folder holding factru/devset.jsonl and nerel/{train,dev}")
    parser.add_argument("--study", nargs="+", choices=list(STUDIES), default=list(STUDIES))
    args = parser.parse_args()
    from transforms.models import load_models

    models = load_models()
    parts = {part: analysed(docs, models) for part, docs in gold_parts(args.corpora).items()}
    print(f"strict F1 {' / '.join(SCORED)}")
    for study in args.study:
        print(f"-- {study}")
        print("\n".join(STUDIES[study](parts, models.retagger)), flush=True)


if __name__ == "__main__":
    main()
