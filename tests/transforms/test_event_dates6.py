"""Dates of events (issue 21, dates6): participle phrases, outlet names, yearless dates near publication.

Sentences written for these tests."""

from datetime import date

import pyarrow as pa
import pytest

from tests.transforms.test_events import articles_table, mention_of, run
from transforms.dates import find_dates
from transforms.entities import tag_entities
from transforms.events import Article, Sentence, Token, tag_events
from transforms.schemas import DATE_MENTIONS_INPUT_SCHEMA


def dated(tagger, text, *mentions):
    return {e["trigger"]: (e["event_date"], e["date_precision"]) for e in run(tagger, text, mentions)}


def test_a_participle_phrase_keeps_its_date_from_the_verb_above(tagger):
    text = "Министр посетил завод в рамках конференции, проходившей 5 октября в Сочи."
    assert dated(tagger, text, mention_of(text, "5 октября", date(2025, 10, 5), "day"))["посетил"] == (None, None)
    text = "Мэр раскритиковал проект стадиона, утвержденный в 2018 году."
    assert dated(tagger, text, mention_of(text, "в 2018 году", date(2018, 1, 1), "year"))["раскритиковал"] == (
        None,
        None,
    )


def test_a_participle_phrase_takes_no_date_of_the_clause_above(tagger):
    text = "Полиция задержала мужчину, совершившего 5 мая нападение на прохожего."
    events = dated(tagger, text, mention_of(text, "5 мая", date(2025, 5, 5), "day"))
    assert events == {"задержала": (None, None), "нападение": (date(2025, 5, 5), "day")}
    text = "В пятницу состоялось совещание, посвященное будущим переговорам."
    events = dated(tagger, text, mention_of(text, "В пятницу", date(2026, 1, 9), "day"))
    assert events["переговорам"] == (None, None)


def test_a_participle_dates_the_trigger_it_describes(tagger):
    text = "Проведенная в августе проверка выявила нарушения."
    events = dated(tagger, text, mention_of(text, "в августе", date(2025, 8, 1), "month"))
    assert events["проверка"] == (date(2025, 8, 1), "month")


def test_an_outlet_named_after_a_date_word_is_no_date(parser):
    published = date(2026, 1, 14)
    found, _ = find_dates("Директор школы рассказал Накануне.RU о ремонте.", published, parser)
    assert found == []
    found, _ = find_dates("Накануне мэрия сообщила о ремонте.", published, parser)
    assert [(m.text, m.value) for m in found] == [("Накануне", date(2026, 1, 13))]


@pytest.mark.parametrize(
    ("published", "text", "expected"),
    [
        (date(2026, 11, 18), "Саммит пройдет 9 декабря.", date(2026, 12, 9)),  # the coming December
        (date(2026, 12, 10), "Цены вырастут с 1 января.", date(2027, 1, 1)),  # the coming New Year
        (date(2026, 11, 18), "Отчет вышел 9 января.", date(2026, 1, 9)),  # further ahead: the last one
        (date(2026, 1, 14), "Отчет вышел 25 декабря.", date(2025, 12, 25)),  # last month, not next year's
    ],
)
def test_a_yearless_date_of_the_coming_month_is_the_coming_one(parser, published, text, expected):
    found, _ = find_dates(text, published, parser)
    assert [m.value for m in found] == [expected]


def published_events(tagger, parser, text, published):
    """Events of a text published on `published`, with the date mentions tag-dates finds in it."""
    articles = articles_table([text]).append_column("published_date", pa.array([published], pa.date32()))
    mentions, _, _, tagged = tag_entities(articles, tagger.models)
    rows = [
        {"article_id": "a0", "start": m.start, "stop": m.stop, "value": m.value, "precision": m.precision}
        for m in find_dates(text, published, parser)[0]
    ]
    dates = pa.Table.from_pylist(rows, schema=DATE_MENTIONS_INPUT_SCHEMA)
    events = tag_events(tagged, mentions, dates, tagger)[0].to_pylist()
    return {e["trigger"]: (e["event_date"], e["date_precision"]) for e in events}


def test_a_coming_yearless_date_dates_the_noun_it_belongs_to(tagger, parser):
    published = date(2026, 11, 18)
    text = "По мнению экспертов, саммит 9 декабря очень важен."
    assert published_events(tagger, parser, text, published)["саммит"] == (date(2026, 12, 9), "day")
    # the past tense of the verb above is the cancelling's, not the talks'
    text = "Премьер отменил поездку на переговоры 9 декабря."
    assert published_events(tagger, parser, text, published)["переговоры"] == (date(2026, 12, 9), "day")
    # a verb told in the past with a date to come: the date is not its own
    text = "Министр обсудил с послом 9 декабря ситуацию."
    assert published_events(tagger, parser, text, published)["обсудил"] == (None, None)


def test_a_colon_parts_a_date_from_the_clause_before_it(tagger):
    # the parse the tagger gave a sentence of this shape: the noun before the colon a conjunct of the verb after it
    text = "Это второй визит: в 2017 году началась стройка."
    words = [
        ("Это", "PRON", "это", 2, "nsubj"),
        ("второй", "ADJ", "второй", 2, "amod"),
        ("визит", "NOUN", "визит", 7, "conj"),
        (":", "PUNCT", ":", 7, "punct"),
        ("в", "ADP", "в", 6, "case"),
        ("2017", "ADJ", "2017", 6, "amod"),
        ("году", "NOUN", "год", 7, "obl"),
        ("началась", "VERB", "начаться", -1, "root"),
        ("стройка", "NOUN", "стройка", 7, "nsubj"),
        (".", "PUNCT", ".", 7, "punct"),
    ]
    tokens, start = [], 0
    for index, (word, pos, lemma, head, rel) in enumerate(words):
        start = text.index(word, start)
        feats = {"VerbForm": "Fin"} if pos == "VERB" else {}
        tokens.append(Token(index, word, start, start + len(word), pos, feats, lemma, head, rel))
        start += len(word)
    sentence = Sentence(tokens, text, Article(text, [], [], None, frozenset()), tagger)
    assert sentence.date(tokens[2], [mention_of(text, "в 2017 году", date(2017, 1, 1), "year")]) is None


def test_the_colon_of_a_time_parts_nothing(tagger):
    text = "5 мая, в 14:30, двое мужчин напали на прохожего."
    assert dated(tagger, text, mention_of(text, "5 мая", date(2025, 5, 5), "day"))["напали"] == (
        date(2025, 5, 5),
        "day",
    )


def test_a_noun_event_deep_in_a_noun_phrase_takes_no_date_of_the_clause(tagger):
    text = "Во вторник выросли цены на билеты для участников переговоров."
    events = dated(tagger, text, mention_of(text, "Во вторник", date(2026, 1, 13), "day"))
    assert events["переговоров"] == (None, None)
    text = "В среду в городе начались акции протеста."  # one noun up: the protest is what began
    events = dated(tagger, text, mention_of(text, "В среду", date(2026, 1, 14), "day"))
    assert events["протеста"] == (date(2026, 1, 14), "day")
