"""Relative, anaphoric and coarse date expressions (issue 21): what they resolve to against a publication date."""

from datetime import date

import pytest

from transforms.dates import PRECISIONS, find_dates

PUBLISHED = date(2026, 1, 14)  # a Wednesday


def found(parser, text, published=PUBLISHED):
    mentions, errors = find_dates(text, published, parser)
    assert errors == []
    for m in mentions:
        assert text[m.start : m.stop] == m.text
        assert m.precision in PRECISIONS
    return [(m.text, m.value, m.precision) for m in mentions]


# (sentence, the expression as found, value, precision) against PUBLISHED, a Wednesday
RELATIVE = [
    # weekdays with «прошлый», «минувший», «следующий»: strictly before or after the publication day
    ("Торги закрылись в прошлую среду.", "в прошлую среду", date(2026, 1, 7), "day"),
    ("В минувший четверг прошли торги.", "В минувший четверг", date(2026, 1, 8), "day"),
    ("В следующую среду пройдет заседание.", "В следующую среду", date(2026, 1, 21), "day"),
    # weekends: their Saturday
    ("В минувшие выходные прошли акции.", "В минувшие выходные", date(2026, 1, 10), "weekend"),
    ("На выходных в парке было людно.", "На выходных", date(2026, 1, 10), "weekend"),
    ("В следующие выходные откроют каток.", "В следующие выходные", date(2026, 1, 17), "weekend"),
    # a month or a season of a year named relatively
    ("В марте прошлого года завод закрыли.", "В марте прошлого года", date(2025, 3, 1), "month"),
    ("Суд назначен на 3 февраля следующего года.", "на 3 февраля следующего года", date(2027, 2, 3), "day"),
    ("Летом этого года откроют мост.", "Летом этого года", date(2026, 6, 1), "season"),
    ("Зимой прошлого года снега не было.", "Зимой прошлого года", date(2024, 12, 1), "season"),
    # the current year, month, week by a part of it
    ("С начала года цены выросли на 3%.", "С начала года", date(2026, 1, 1), "year"),
    ("До конца месяца решение примут.", "До конца месяца", date(2026, 1, 1), "month"),
    # one unit, or a number in words, from publication
    ("Больше года назад он уехал из страны.", "Больше года назад", date(2025, 1, 1), "year"),
    ("Около двенадцати лет назад здесь был пустырь.", "Около двенадцати лет назад", date(2014, 1, 1), "year"),
    ("Сутки назад связь пропала.", "Сутки назад", date(2026, 1, 13), "day"),
    ("Полгода назад проект заморозили.", "Полгода назад", date(2025, 7, 1), "month"),
    # decades and centuries: their first year
    ("В 1990-е годы завод простаивал.", "В 1990-е годы", date(1990, 1, 1), "decade"),
    ("В конце 60-х годов он уехал.", "В конце 60-х годов", date(1960, 1, 1), "decade"),
    ("К середине 2000-х цены выросли.", "К середине 2000-х", date(2000, 1, 1), "decade"),
    (
        "Во второй половине девяностых годов всё изменилось.",
        "Во второй половине девяностых годов",
        date(1990, 1, 1),
        "decade",
    ),
    ("В 10-х годах здесь построили парк.", "В 10-х годах", date(2010, 1, 1), "decade"),
    ("В XX веке город вырос втрое.", "В XX веке", date(1901, 1, 1), "century"),
    ("С XIV века здесь стоит храм.", "С XIV века", date(1301, 1, 1), "century"),
    ("В прошлом веке тут был лес.", "В прошлом веке", date(1901, 1, 1), "century"),
    ("Это памятник ХIХ века.", "ХIХ века", date(1801, 1, 1), "century"),  # Cyrillic «Х»
    # numeric dates
    ("Запись сделана 2013-01-10 в полдень.", "2013-01-10", date(2013, 1, 10), "day"),
    ("Письмо датировано 24/06/2016 и подписано.", "24/06/2016", date(2016, 6, 24), "day"),
    ("Он родился в 1955г в Москве.", "в 1955г", date(1955, 1, 1), "year"),
]


@pytest.mark.parametrize(("sentence", "surface", "value", "precision"), RELATIVE, ids=[r[1] for r in RELATIVE])
def test_relative_expressions(parser, sentence, surface, value, precision):
    assert found(parser, sentence) == [(surface, value, precision)]


# Durations: a length of time, no value.
@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        ("Переговоры шли в течение года.", "в течение года"),
        ("Он просидел в камере 534 дня.", "534 дня"),
        ("Строительство займет 10 месяцев.", "10 месяцев"),
        ("Экспедиция длилась двое суток.", "двое суток"),
        ("Ремонт шел два с половиной года.", "два с половиной года"),
        ("Малия сделает годичный перерыв.", "годичный"),
        ("Визит будет двухдневным.", "двухдневным"),
        ("Срок продлили на 5 лет.", "на 5 лет"),
        ("Город строили несколько веков.", "несколько веков"),
        ("Он уехал, взяв несколько месяцев отпуска.", "несколько месяцев"),  # a comma before is no age
        ("Документы подали за день до выборов.", "за день"),
        ("Последние полгода он не работал.", "Последние полгода"),
    ],
)
def test_durations(parser, sentence, surface):
    assert (surface, None, "duration") in found(parser, sentence)


def test_numeric_dates_that_do_not_exist_are_no_mentions(parser):
    assert found(parser, "Код 2019-02-30 и номер 31/06/2016 — не даты.") == []


def test_a_failing_pattern_keeps_the_grammars_dates_and_is_reported(parser, monkeypatch):
    import transforms.dates as dates

    def broken(*args):
        raise ValueError("broken pattern")

    monkeypatch.setattr(dates, "anaphoric_mentions", broken)
    mentions, errors = find_dates("Встреча прошла 6 января.", PUBLISHED, parser)
    assert [(m.text, m.value) for m in mentions] == [("6 января", date(2026, 1, 6))]
    assert errors == ["patterns: ValueError: broken pattern"]


def test_a_year_range_gives_one_row_per_year(parser):
    text = "Он был министром в 2001—2003 годах, а в сезоне 2016/17 тренировал клуб."
    assert found(parser, text) == [
        ("в 2001—2003 годах", date(2001, 1, 1), "year"),
        ("в 2001—2003 годах", date(2003, 1, 1), "year"),
        ("2016/17", date(2016, 1, 1), "year"),
        ("2016/17", date(2017, 1, 1), "year"),
    ]


def test_bare_years_in_lists_and_names(parser):
    text = "Чемпионка России (2009, 2011 и 2014 годы) выступит на Олимпиаде-2016."
    assert [(s, v) for s, v, _ in found(parser, text)] == [
        ("2009", date(2009, 1, 1)),
        ("2011", date(2011, 1, 1)),
        ("2014 годы", date(2014, 1, 1)),
        ("2016", date(2016, 1, 1)),
    ]


def test_anaphoric_expressions_take_the_date_before_them(parser):
    text = (
        "Он прилетел в Париж 5 марта 2011 года. В тот же день начались переговоры. "
        "На следующий день их прервали. Годом позже он вернулся, а три года спустя ушел в отставку. "
        "В том же году вышла его книга."
    )
    assert found(parser, text) == [
        ("5 марта 2011 года", date(2011, 3, 5), "day"),
        ("В тот же день", date(2011, 3, 5), "day"),
        ("На следующий день", date(2011, 3, 6), "day"),
        ("Годом позже", date(2012, 1, 1), "year"),  # after «на следующий день», 6 March 2011: a year later
        ("три года спустя", date(2015, 1, 1), "year"),
        ("В том же году", date(2015, 1, 1), "year"),
    ]


def test_an_anaphoric_expression_is_as_coarse_as_its_antecedent(parser):
    text = "Визит прошел в марте 2011 года. На следующий день министр улетел; двумя годами ранее он был в Риме."
    assert found(parser, text) == [
        ("в марте 2011 года", date(2011, 3, 1), "month"),
        ("На следующий день", date(2011, 3, 1), "month"),  # which day of March is not known
        ("двумя годами ранее", date(2009, 1, 1), "year"),
    ]


def test_an_anaphoric_expression_with_no_date_before_it_is_left_out(parser):
    assert found(parser, "В тот же день начались переговоры. На следующий день их прервали.") == []
    assert found(parser, "Несколькими днями позже, 6 января, их прервали.") == [
        ("6 января", date(2026, 1, 6), "day")
    ]  # how many days is not said: only the date itself


def test_eve_of_is_no_date_but_the_adverb_is(parser):
    assert found(parser, "Он выступил накануне выборов.") == []
    assert found(parser, "Накануне вечером он выступил.") == [("Накануне", date(2026, 1, 13), "day")]


def test_weekdays_before_and_after_publication_on_the_same_weekday(parser):
    """«в прошлую среду» in a Wednesday article is a week back; «в среду» is the day itself."""
    assert found(parser, "В среду и в прошлую среду прошли торги.") == [
        ("В среду", date(2026, 1, 14), "day"),
        ("в прошлую среду", date(2026, 1, 7), "day"),
    ]
