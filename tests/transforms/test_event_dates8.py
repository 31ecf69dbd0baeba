"""Dates of events (issue 21, dates8): a date hung across a clause boundary, a noun's date to come, «до момента X».

Sentences written for these tests."""

from datetime import date

import pytest

from tests.transforms.test_event_dates6 import published_events

PUBLISHED = date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        # the parser hangs «в 2019-м» on the participle after «и»: it is the visit's
        (
            "Губернатор посетил Тверь через Москву в 2019-м и наяву видел разгон рабочих, поднявших в 2018 году забастовку.",
            "посетил",
            (date(2019, 1, 1), "year"),
        ),
        # «однако в апреле» opens the clause of «объявил», not of the later «пройдут»
        (
            "Выборы должны были пройти в следующем году, однако в апреле президент страны Иван Петров объявил, что они"
            " пройдут осенью, а в 2028 году пройдут выборы мэра.",
            "объявил",
            (date(2026, 4, 1), "month"),
        ),
        # the commas around «15 ноября» are the date's, not a clause's
        (
            "Газета писала, что днем в воскресенье, 15 ноября, полицейские сообщили, что сотрудники ДПС преследуют"
            " угнанную машину.",
            "сообщили",
            (date(2026, 11, 15), "day"),
        ),
    ],
)
def test_a_date_belongs_to_the_verb_of_the_stretch_it_is_written_in(tagger, parser, text, trigger, expected):
    assert published_events(tagger, parser, text, PUBLISHED)[trigger] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Утром МИД официально подтвердил переговоры министров Германии, Франции и Польши 9 декабря в Варшаве.",
        # the noun's own date beats the verb's «накануне»
        'Накануне в Кремле уже подтвердили встречу "большой двадцатки" 9 декабря в Париже.',
    ],
)
def test_a_date_to_come_on_a_past_verb_is_its_objects(tagger, parser, text):
    events = published_events(tagger, parser, text, PUBLISHED)
    assert [value for trigger, value in events.items() if trigger in ("переговоры", "встречу")] == [
        (date(2026, 12, 9), "day")
    ]


def test_a_participle_written_before_its_noun_gives_it_its_date(tagger, parser):
    text = "Завод обещал выплатить долги до запланированных на 9 декабря переговоров в «трехстороннем формате» в Туле."
    assert published_events(tagger, parser, text, PUBLISHED)["переговоров"] == (date(2026, 12, 9), "day")


def test_a_noun_under_a_noun_of_do_happened_at_another_time(tagger, parser):
    text = "В 2020 году, до момента теракта в Казани, боевик по заданию главаря участвовал в двух нападениях."
    events = published_events(tagger, parser, text, PUBLISHED)
    assert events["теракта"] == (None, None)
    assert events["нападениях"] == (date(2020, 1, 1), "year")


def test_a_comma_before_a_lone_date_still_ends_a_clause(tagger, parser):
    # only the commas of an apposition («в воскресенье, 15 ноября,») join a date to what is around it
    text = "Как сообщала местная газета, 6 января представители городов и сел встретились в Твери."
    events = published_events(tagger, parser, text, date(2026, 1, 14))
    assert events["встретились"] == (date(2026, 1, 6), "day")
