"""Dates of events (issue 21, dates7): converbs and nouns that share their verb's day, yearless seasons, «ё».

Sentences written for these tests."""

from datetime import date

import pytest

from tests.transforms.test_event_dates6 import published_events
from transforms import analysis
from transforms.dates import find_dates

PUBLISHED = date(2026, 11, 18)  # a Wednesday


def test_a_converb_happened_on_its_verbs_day(tagger, parser):
    text = "6 ноября депутат напал на журналиста, обвинив его во лжи."
    events = published_events(tagger, parser, text, PUBLISHED)
    assert events["обвинив"] == events["напал"] == (date(2026, 11, 6), "day")


def test_a_noun_the_verb_went_to_happened_on_its_day(tagger, parser):
    text = "В пятницу министр прибыл на переговоры в Берлин."
    events = published_events(tagger, parser, text, PUBLISHED)
    assert events["переговоры"] == events["прибыл"] == (date(2026, 11, 13), "day")


def test_a_noun_after_which_the_verb_happened_takes_not_its_day(tagger, parser):
    text = "После переговоров министр 5 ноября вернулся в Москву."
    assert published_events(tagger, parser, text, PUBLISHED)["переговоров"] == (None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("В начале осени соглашение одобрил президент.", [("В начале осени", date(2026, 9, 1))]),
        ("В конце лета 2018 года завод закрыли.", [("В конце лета 2018 года", date(2018, 6, 1))]),
        ("В середине зимы прошлого года завод закрыли.", [("В середине зимы прошлого года", date(2024, 12, 1))]),
        ("В начале зимы завод закроют.", [("В начале зимы", date(2026, 12, 1))]),  # the coming month's season
        ("Осень выдалась теплой.", []),  # a bare season is what is spoken of, not when
    ],
)
def test_a_part_of_a_season_is_a_date_without_a_year_too(parser, text, expected):
    found, _ = find_dates(text, PUBLISHED, parser)
    assert [(m.text, m.value) for m in found] == expected
    assert all(m.precision == "season" for m in found)


def test_a_season_still_to_come_is_the_next_one(tagger, parser):
    text = "В начале весны министр проведет переговоры в Берлине."
    assert published_events(tagger, parser, text, PUBLISHED)["переговоры"] == (date(2027, 3, 1), "season")
    text = "В начале осени министр провел переговоры в Берлине."
    assert published_events(tagger, parser, text, PUBLISHED)["переговоры"] == (date(2026, 9, 1), "season")
    # in October this autumn is not past: a meeting to come at its end is this one's
    text = "В конце осени министр проведет переговоры в Берлине."
    assert published_events(tagger, parser, text, date(2026, 10, 5))["переговоры"] == (date(2026, 9, 1), "season")


def test_the_models_read_yo_as_ye_and_the_text_keeps_it(tagger):
    models = tagger.models
    with_yo, with_ye = "Он объявил о решённом деле и пришёл домой.", "Он объявил о решенном деле и пришел домой."
    docs = analysis.analyze([with_yo, with_ye], models, ner=False)
    sentences = {str(i): list(enumerate(doc.sents)) for i, doc in enumerate(docs)}
    assert analysis.tag_morph({k: [s for _, s in pairs] for k, pairs in sentences.items()}, models) == {}
    assert analysis.parse_syntax(sentences, models.syntax_parser) == {}
    tags = [[(t.pos, t.feats, t.head_id, t.rel) for t in doc.tokens] for doc in docs]
    assert tags[0] == tags[1]
    assert [t.text for t in docs[0].tokens][3] == "решённом"
    assert analysis.tagger_words(docs[0].sents[0])[3] == "решенном"
