"""Span repair: the boundaries natasha's NER gets wrong, fixed from the text alone.

`repair_spans(text, spans)` takes entity spans (start, stop, type) over
`text`, as natasha's NER gives them, and returns sorted, non-overlapping
spans with offsets into `text`:
- a span that opens quotes it does not close takes the closing quotes after it;
- junk at the edges («• Коста Рика») and quotes and brackets without a partner
  in the span are dropped («ПАСЕ (» → «ПАСЕ»);
- a span across a list separator or a line break becomes one mention per part
  («Бахрейн • Барбадос»);
- «X (Y)» becomes two mentions, X and Y;
- a legal form or an abbreviation before a quoted organisation name is not
  part of it («ОАО «Газпром»» → «Газпром»); other words before a quoted name
  are an organisation of their own («Русской службе «Голоса Америки»»);
- the parts are repaired the same way, so nested names come apart too
  («ООО «Телеканал «Дождь»»» → «Дождь»);
- parts of one name split at a hyphen are joined («Санкт» «-» «Петербург»).
Repairing repaired spans changes nothing; tests/transforms/test_spans.py
states these properties over any text and spans.
`bracket_pairs(text, spans)` finds the repaired spans written «X (Y)», for
name resolution (`transforms.names.resolve_article`).
`add_repeated_mentions(text, tokens, spans)` tags a name the article tagged once
where it repeats it untagged (and a tagged person's surname, in any case).

Pure functions of a text and spans: no natasha, no models.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from transforms.names import entity_key, is_abbreviation, matches_surname

OPENING_QUOTES = '«„“"'
CLOSING_QUOTES = '»“”"'
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
# Characters no name holds: a span across one is several names of a list («Суринам • Сирия»), or two lines.
SEPARATORS = re.compile(r"[•·|\n]+")


@dataclass(frozen=True)
class Span:
    start: int
    stop: int
    type: str


def _opens_unclosed(inside: str) -> bool:
    """Whether a span starts with a closing quote or bracket, or with an opening one it does not close."""
    first, rest = inside[0], inside[1:]
    if first == "(":
        return ")" not in rest
    if first in OPENING_QUOTES:
        return not any(c in CLOSING_QUOTES for c in rest)
    return first in CLOSING_QUOTES or first == ")"


def _closes_unopened(inside: str) -> bool:
    """Whether a span ends with an opening quote or bracket, or with a closing one it does not open."""
    last, rest = inside[-1], inside[:-1]
    if last == ")":
        return "(" not in rest
    if last in CLOSING_QUOTES:
        return not any(c in OPENING_QUOTES for c in rest)
    return last in OPENING_QUOTES or last == "("


def _trim(text: str, span: Span) -> Span | None:
    """Drop junk at the edges, and quotes and brackets that have no partner inside the span.

    One character at a time, until both edges are clean: dropping a quote can
    bare junk («aaa »» → «aaa »).
    """
    start, stop = span.start, span.stop
    while start < stop:
        if text[start] in EDGE_JUNK or _opens_unclosed(text[start:stop]):
            start += 1
        elif text[stop - 1] in EDGE_JUNK or _closes_unopened(text[start:stop]):
            stop -= 1
        else:
            break
    return Span(start, stop, span.type) if stop > start else None


def _open_quotes(inside: str) -> int:
    """How many quotes a span opens («, „) and does not close (a closing quote with none open closes nothing)."""
    opened = 0
    for c in inside:
        if c in "«„":
            opened += 1
        elif c in CLOSING_QUOTES and opened:
            opened -= 1
    return opened


def _close_quote(text: str, span: Span) -> Span:
    """A span that opens quotes it does not close ends at the closing quotes right after it."""
    stop = span.stop
    while _open_quotes(text[span.start : stop]) and stop < len(text) and text[stop] in CLOSING_QUOTES:
        stop += 1
    return Span(span.start, stop, span.type)


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
    So are parts holding a quote or a bracket: joined, they would need the rules above again.
    """
    marks = set(OPENING_QUOTES + CLOSING_QUOTES + "()")
    merged: list[Span] = []
    for span in spans:
        if merged:
            last = merged[-1]
            between = text[last.stop : span.start]
            if last.type == span.type and between == "-" and not marks & set(text[last.start : span.stop]):
                merged[-1] = Span(last.start, span.stop, span.type)
                continue
        merged.append(span)
    return merged


def _split_separators(text: str, span: Span) -> list[Span]:
    """«Бахрейн • Барбадос • Бермуды» → three mentions."""
    parts, start = [], span.start
    for match in SEPARATORS.finditer(text, span.start, span.stop):
        parts.append(Span(start, match.start(), span.type))
        start = match.end()
    return [*parts, Span(start, span.stop, span.type)] if parts else [span]


def _repair_span(text: str, span: Span) -> list[Span]:
    """One span with its quotes closed and its edges trimmed, split at list separators and line breaks, at
    brackets or before a quoted name, each part so too."""
    span = _trim(text, _close_quote(text, span))
    if span is None:
        return []
    parts = _split_separators(text, span)
    if parts == [span]:
        parts = _split_brackets(text, span)
    if parts == [span]:
        parts = _split_quoted_name(text, span)
    if parts == [span]:
        return [span]
    return [piece for part in parts for piece in _repair_span(text, part)]


def repair_spans(text: str, spans: list[Span]) -> list[Span]:
    """Fix natasha's span boundaries: quotes, brackets, legal forms, split names, edge junk.

    Returns sorted, non-overlapping spans with offsets into `text`.
    """
    pieces = sorted((piece for span in spans for piece in _repair_span(text, span)), key=lambda s: (s.start, s.stop))
    apart: list[Span] = []
    for span in pieces:
        if apart and span.start < apart[-1].stop:  # overlaps after repair keep the first
            continue
        apart.append(span)
    return _merge_split_names(text, apart)  # after dropping overlaps, or the neighbours of a dropped span stay apart


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


def _is_word(token: str) -> bool:
    return token[:1].isupper() and token.replace("-", "").isalpha()


def _sentence_start(text: str, start: int) -> bool:
    """Whether the word at `start` begins a sentence, a line or the text."""
    window = text[max(0, start - 200) : start]
    before = window.rstrip()
    return not before or before[-1] in ".!?…" or "\n" in window[len(before) :]


def add_repeated_mentions(text: str, tokens: list[tuple[int, int, str]], spans: list[Span]) -> list[Span]:
    """`spans` plus the untagged places where the article repeats a name it tagged; sorted, non-overlapping.

    A name repeats as the same tokens (a capitalised name or an abbreviation of
    up to four words: «WFC», «Голос Америки») or, for a person tagged with two or
    more words, as the surname alone in any case («Бута» after «Виктор Бут»).
    A repeat is not taken when a capitalised word stands right before it (not
    at a sentence start) or right after it: it is then part of a longer name.
    A form tagged with two types in the article is not repeated.
    """
    starts = [t[0] for t in tokens]
    covered = [False] * len(tokens)
    forms: dict[tuple[str, ...], str | None] = {}
    surnames: set[str] = set()
    for span in spans:
        first, last = bisect_left(starts, span.start), bisect_left(starts, span.stop)
        for i in range(first, last):
            covered[i] = True
        words = tuple(t[2] for t in tokens[first:last])
        if words and len(words) <= 4 and (_is_word(words[0]) or is_abbreviation(words[0])):
            forms[words] = span.type if forms.get(words, span.type) == span.type else None
        if span.type == "PER" and len(words) >= 2 and _is_word(words[-1]) and len(words[-1]) > 2:
            surnames.add(entity_key(words[-1]))
    longest = max((len(form) for form in forms), default=0)
    firsts = {form[0] for form, kind in forms.items() if kind}
    added = []
    i = 0
    while i < len(tokens):
        word = tokens[i][2]
        if covered[i] or (word not in firsts and not (surnames and word[:1].isupper())):
            i += 1
            continue
        found = None
        for size in range(min(longest, len(tokens) - i), 0, -1) if word in firsts else ():
            kind = forms.get(tuple(t[2] for t in tokens[i : i + size]))
            if kind and not any(covered[i : i + size]):
                found = (size, kind)
                break
        if found is None and surnames and _is_word(word) and matches_surname(word, surnames):
            found = (1, "PER")
        if found is not None:
            size, kind = found
            before = tokens[i - 1] if i else None
            after = tokens[i + size] if i + size < len(tokens) else None
            joined_before = before and _is_word(before[2]) and not _sentence_start(text, before[0])
            if not joined_before and not (after and _is_word(after[2])):
                added.append(Span(tokens[i][0], tokens[i + size - 1][1], kind))
                i += size
                continue
        i += 1
    return sorted([*spans, *added], key=lambda s: (s.start, s.stop))
