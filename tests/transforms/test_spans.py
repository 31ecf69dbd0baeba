"""Span repair: natasha's mistakes on real phrases, and the properties of the repair over any text and spans (hypothesis)."""

import itertools
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.spans import CLOSING_QUOTES, EDGE_JUNK, OPENING_QUOTES, Span, add_repeated_mentions, repair_spans


def spans_of(text, *parts):
    """Spans over the given substrings of `text` (type ORG unless given as (substring, type))."""
    spans = []
    for part in parts:
        surface, kind = part if isinstance(part, tuple) else (part, "ORG")
        start = text.index(surface)
        spans.append(Span(start, start + len(surface), kind))
    return spans


@pytest.mark.parametrize(
    "text, natasha, expected",
    [
        # a legal form before a quoted name is not part of the name
        ("Глава ОАО «Газпром» заявил", ["ОАО «Газпром»"], ["Газпром"]),
        # a list of names, and a name that runs over a line break, are several names
        ("Страны: Бахрейн • Барбадос • Бермуды.", ["Бахрейн • Барбадос • Бермуды"], ["Бахрейн", "Барбадос", "Бермуды"]),
        ("Новости Омска\nИван Громов приехал", ["Омска\nИван Громов"], ["Омска", "Иван Громов"]),
        ("Руководитель РКК „Энергия“ сказал", ["РКК „Энергия“"], ["Энергия"]),
        # natasha stops before the closing quote: two organisations
        (
            "в интервью Русской службе «Голоса Америки» лидер",
            ["Русской службе «Голоса Америки"],
            ["Русской службе", "Голоса Америки"],
        ),
        # a name given again in brackets is a mention of its own
        ("правого Национального фронта (FN) Марин", ["Национального фронта (FN)"], ["Национального фронта", "FN"]),
        ("Коффи Коджа (Бенин) • Эссам", [("Бенин)", "LOC")], ["Бенин"]),
        ("• Чили • Коста Рика • Эквадор", [("• Коста Рика", "LOC")], ["Коста Рика"]),
        # parts split at a hyphen are joined
        ("в Санкт-Петербурге", [("Санкт", "LOC"), ("Петербурге", "LOC")], ["Санкт-Петербурге"]),
        # natasha took the bracket that follows the name; it leaves a quote open, the quote is closed
        ("делегация ПАСЕ (Парламентской ассамблеи", ["ПАСЕ ("], ["ПАСЕ"]),
        ("завод «Новый Свет» выпустил", ["«Новый Свет"], ["«Новый Свет»"]),
        # quoted names inside quoted names come apart to the innermost
        ("канал ООО «Телеканал «Дождь»» сообщил", ["ООО «Телеканал «Дождь»»"], ["Дождь"]),
        # a span that is right stays as it is
        ("в Москве", [("Москве", "LOC")], ["Москве"]),
    ],
)
def test_repair_spans(text, natasha, expected):
    repaired = repair_spans(text, spans_of(text, *natasha))
    assert [text[s.start : s.stop] for s in repaired] == expected


def test_span_repair_needs_no_natasha():
    code = "import sys, transforms.spans; print('natasha' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )


# ---------------------------------------------------------------- properties

# Pieces of text that make the rules fire: quotes, brackets, hyphens, edge junk, legal forms, abbreviations.
PIECES = ["Газпром", "фирма", "ОАО", "ООН", "Санкт", "Петербург", "Макрон", "FN", "a", "Б", " ", " ", "-", "(", ")",
          "«", "»", "„", "“", "”", '"', "•", ",", ":", "—", "\n", "."]  # fmt: skip
TEXTS = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.text(alphabet='аБxY -()«»„“”"•,:—\n.', max_size=40),
)
TYPES = st.sampled_from(["PER", "LOC", "ORG"])


@st.composite
def natasha_spans(draw, text):
    """Sorted spans of `text` that do not overlap, as natasha's NER gives them (here at any character, not only at tokens)."""
    bounds = sorted(draw(st.sets(st.integers(0, len(text)), max_size=12)))
    return [Span(bounds[i], bounds[i + 1], draw(TYPES)) for i in range(0, len(bounds) - 1, 2)]


@st.composite
def any_spans(draw, text):
    """Spans anywhere in `text`, overlapping or not, empty or not."""
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text)))
        spans.append(Span(start, draw(st.integers(start, len(text))), draw(TYPES)))
    return spans


@st.composite
def texts_and_spans(draw):
    text = draw(TEXTS)
    return text, draw(st.one_of(natasha_spans(text), any_spans(text)))


EXAMPLES = settings(max_examples=500)  # each is a few microseconds of repair


@EXAMPLES
@given(texts_and_spans())
def test_repaired_spans_are_sorted_apart_non_empty_and_within_the_text(case):
    text, spans = case
    repaired = repair_spans(text, spans)
    for span in repaired:
        assert 0 <= span.start < span.stop <= len(text)
    for before, after in itertools.pairwise(repaired):
        assert before.stop <= after.start


# A quote or bracket at an edge of a span must face into it, with a partner inside: the characters that close
# what each one opens (at the start) and that open what each one closes (at the end). “ and " do both.
CLOSED_BY = {**{quote: CLOSING_QUOTES for quote in OPENING_QUOTES}, "(": ")"}
OPENED_BY = {**{quote: OPENING_QUOTES for quote in CLOSING_QUOTES}, ")": "("}
MARKS = set(CLOSED_BY) | set(OPENED_BY)


@EXAMPLES
@given(texts_and_spans())
def test_repaired_spans_have_no_junk_and_no_lone_quote_or_bracket_at_their_edges(case):
    text, spans = case
    for span in repair_spans(text, spans):
        inside = text[span.start : span.stop]
        first, last = inside[0], inside[-1]
        assert first not in EDGE_JUNK and last not in EDGE_JUNK, inside
        if first in MARKS:
            assert first in CLOSED_BY and set(inside[1:]) & set(CLOSED_BY[first]), inside
        if last in MARKS:
            assert last in OPENED_BY and set(inside[:-1]) & set(OPENED_BY[last]), inside


def allowed_positions(text: str, spans: list[Span]) -> set[int]:
    """What a repaired span may cover: an input span, the closing quotes and brackets right after one, a hyphen between."""
    allowed = set()
    for span in spans:
        allowed.update(range(span.start, span.stop))
        after = span.stop
        while after < len(text) and text[after] in CLOSING_QUOTES + ")":
            allowed.add(after)
            after += 1
    return allowed | {i for i, c in enumerate(text) if c == "-" and {i - 1, i + 1} <= allowed}


@EXAMPLES
@given(texts_and_spans())
def test_repaired_spans_lie_within_the_input_spans(case):
    text, spans = case
    allowed = allowed_positions(text, spans)
    for span in repair_spans(text, spans):
        assert set(range(span.start, span.stop)) <= allowed, text[span.start : span.stop]


@EXAMPLES
@given(texts_and_spans())
def test_repair_is_idempotent(case):
    text, spans = case
    repaired = repair_spans(text, spans)
    assert repair_spans(text, repaired) == repaired


def _tokens(text):
    import razdel

    return [(t.start, t.stop, t.text) for t in razdel.tokenize(text)]


@pytest.mark.parametrize(
    ("text", "tagged", "added"),
    [
        # a surname alone, in another case, after the full name
        ("Виктор Бут прилетел в Омск. Бута встретили в аэропорту.", [("Виктор Бут", "PER")], [("Бута", "PER")]),
        # an abbreviation defined in brackets, repeated untagged
        ("Лига речников (ЛР) провела съезд. Затем ЛР избрала главу.", [("Лига речников", "ORG"), ("ЛР", "ORG")], [("ЛР", "ORG")]),
        # a name of two words, repeated
        ("Голос Побережья сообщил новости. Слушатели Голос Побережья хвалят.", [("Голос Побережья", "ORG")], [("Голос Побережья", "ORG")]),
        # part of a longer name: not taken
        ("Виктор Бут прилетел. Компания Бут Групп молчит.", [("Виктор Бут", "PER")], []),
        # a lower-case word is no repeat of a name
        ("Иван Кран приехал. На стройке стоит кран.", [("Иван Кран", "PER")], []),
    ],
)  # fmt: skip
def test_names_the_article_tagged_are_tagged_where_it_repeats_them(text, tagged, added):
    spans = [Span(text.index(s), text.index(s) + len(s), k) for s, k in tagged]
    result = add_repeated_mentions(text, _tokens(text), spans)
    assert [(text[s.start : s.stop], s.type) for s in result if s not in spans] == added
    assert result == sorted(result, key=lambda s: (s.start, s.stop))
