"""Span repair: the boundaries natasha's NER gets wrong, fixed from the text alone.

`repair_spans(text, spans)` takes entity spans (start, stop, type) over
`text`, as natasha's NER gives them, and returns sorted, non-overlapping
spans with offsets into `text`:
- a span that opens a quote it does not close takes the closing quote after it;
- «X (Y)» becomes two mentions, X and Y;
- a legal form or an abbreviation before a quoted organisation name is not
  part of it («ОАО «Газпром»» → «Газпром»); other words before a quoted name
  are an organisation of their own («Русской службе «Голоса Америки»»);
- parts of one name split at a hyphen are joined («Санкт» «-» «Петербург»);
- junk at the edges («• Коста Рика») and quotes and brackets without a partner
  in the span are dropped.
`bracket_pairs(text, spans)` finds the repaired spans written «X (Y)», for
name resolution (`transforms.names.resolve_article`).

Pure functions of a text and spans: no natasha, no models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.names import entity_key, is_abbreviation

OPENING_QUOTES = "«„“\""
CLOSING_QUOTES = "»“”\""
# Words that say what kind of organisation the quoted name that follows is («ООО «Ромашка»»):
# the name is the organisation; the form word is not part of it.
LEGAL_FORM_WORDS = {
    "агентство",
    "газета",
    "журнал",
    "издательство",
    "компания",
    "концерн",
    "корпорация",
    "радиостанция",
    "телеканал",
    "фирма",
    "холдинг",
}
# Characters natasha sometimes leaves at the edges of a span («• Коста Рика»).
EDGE_JUNK = " \t\n•·*—–-,;:"


@dataclass(frozen=True)
class Span:
    start: int
    stop: int
    type: str


def _trim(text: str, span: Span) -> Span | None:
    """Drop junk at the edges, and quotes and brackets that have no partner inside the span."""
    start, stop = span.start, span.stop
    while start < stop and text[start] in EDGE_JUNK:
        start += 1
    while stop > start and text[stop - 1] in EDGE_JUNK:
        stop -= 1
    while start < stop and text[start] in OPENING_QUOTES and not any(c in CLOSING_QUOTES for c in text[start + 1 : stop]):
        start += 1
    while stop > start and text[stop - 1] in CLOSING_QUOTES and not any(c in OPENING_QUOTES for c in text[start : stop - 1]):
        stop -= 1
    if stop > start and text[stop - 1] == ")" and "(" not in text[start:stop]:
        return _trim(text, Span(start, stop - 1, span.type))
    if stop > start and text[start] == "(" and ")" not in text[start:stop]:
        return _trim(text, Span(start + 1, stop, span.type))
    return Span(start, stop, span.type) if stop > start else None


def _close_quote(text: str, span: Span) -> Span:
    """A span that opens a quote it does not close ends at the closing quote right after it."""
    inside = text[span.start : span.stop]
    opened = sum(inside.count(c) for c in "«„")
    closed = sum(inside.count(c) for c in "»“")
    if opened > closed and span.stop < len(text) and text[span.stop] in CLOSING_QUOTES:
        return Span(span.start, span.stop + 1, span.type)
    return span


def _split_brackets(text: str, span: Span) -> list[Span]:
    """«Национального фронта (FN)» → two mentions: the name and what the brackets add."""
    if span.stop < len(text) and text[span.stop] == ")" and "(" in text[span.start : span.stop]:
        span = Span(span.start, span.stop + 1, span.type)
    inside = text[span.start : span.stop]
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", inside, flags=re.S)
    if not match:
        return [span]
    first = Span(span.start + match.start(1), span.start + match.end(1), span.type)
    second = Span(span.start + match.start(2), span.start + match.end(2), span.type)
    return [first, second]


def _split_quoted_name(text: str, span: Span) -> list[Span]:
    """«ОАО «Газпром»» → «Газпром»; «Русской службе «Голоса Америки»» → both organisations."""
    inside = text[span.start : span.stop]
    match = re.fullmatch(r"(.*?\S)\s*[«„“\"](.+)[»“”\"]", inside, flags=re.S)
    if not match or span.type != "ORG":
        return [span]
    prefix = match.group(1)
    name = Span(span.start + match.start(2), span.start + match.end(2), span.type)
    words = prefix.split()
    if len(words) == 1 and (is_abbreviation(prefix) or entity_key(prefix) in LEGAL_FORM_WORDS):
        return [name]
    return [Span(span.start, span.start + match.end(1), span.type), name]


def _merge_split_names(text: str, spans: list[Span]) -> list[Span]:
    """Join neighbours of one type that natasha split at a hyphen («Санкт» «-» «Петербург»).

    Two person spans one space apart are left apart: «зятем Трампа Джаред Кушнер» is two people.
    """
    merged: list[Span] = []
    for span in spans:
        if merged:
            last = merged[-1]
            between = text[last.stop : span.start]
            if last.type == span.type and between == "-":
                merged[-1] = Span(last.start, span.stop, span.type)
                continue
        merged.append(span)
    return merged


def repair_spans(text: str, spans: list[Span]) -> list[Span]:
    """Fix natasha's span boundaries: quotes, brackets, legal forms, split names, edge junk.

    Returns sorted, non-overlapping spans with offsets into `text`.
    """
    repaired: list[Span] = []
    for span in spans:
        for part in _split_brackets(text, _close_quote(text, span)):
            for piece in _split_quoted_name(text, part):
                trimmed = _trim(text, piece)
                if trimmed is not None:
                    repaired.append(trimmed)
    repaired = _merge_split_names(text, sorted(repaired, key=lambda s: (s.start, s.stop)))
    result: list[Span] = []
    for span in repaired:
        if result and span.start < result[-1].stop:  # overlaps after repair keep the first
            continue
        result.append(span)
    return result


def bracket_pairs(text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """Index pairs (i, i + 1) of same-type spans written «X (Y)»: Y names X again (ООН, a transliteration)."""
    pairs = []
    for i in range(len(spans) - 1):
        first, second = spans[i], spans[i + 1]
        between = text[first.stop : second.start]
        closes = second.stop < len(text) and text[second.stop] == ")"
        if first.type == second.type and between.strip() == "(" and closes:
            pairs.append((i, i + 1))
    return pairs
