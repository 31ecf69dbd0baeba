from datetime import date

import pyarrow as pa
import pytest
from natasha.extractors import Parser

from transforms.dates import DATE_EXPRESSION, PRECISIONS, _matches, find_dates, tag_dates
from transforms.schemas import DATE_MENTIONS_SCHEMA

PUBLISHED = date(2026, 1, 14)  # a Wednesday


# (sentence, the expression as found, value, precision), resolved against PUBLISHED
GOLDEN = [
    ("Встреча прошла 6 января в Париже.", "6 января", date(2026, 1, 6), "day"),
    ("Уиткофф встречался с Путиным в декабре.", "в декабре", date(2025, 12, 1), "month"),
    ("В прошлом году экономика выросла.", "В прошлом году", date(2025, 1, 1), "year"),
    ("Переговоры назначены на 20 января.", "на 20 января", date(2026, 1, 20), "day"),
    ("Это случилось 25 декабря.", "25 декабря", date(2025, 12, 25), "day"),
    ("Сделку закрыли 3 марта.", "3 марта", date(2025, 3, 3), "day"),
    ("Он приехал 1 сентября 2024 года.", "1 сентября 2024 года", date(2024, 9, 1), "day"),
    ("Документ датирован 01.09.2024.", "01.09.2024", date(2024, 9, 1), "day"),
    ("Письмо от 5.1.2026 г. опубликовано.", "от 5.1.2026 г.", date(2026, 1, 5), "day"),
    ("Закон вступил в силу 9 мая 1995 г.", "9 мая 1995 г.", date(1995, 5, 9), "day"),
    ("Вклады росли в 2025 году.", "в 2025 году", date(2025, 1, 1), "year"),
    ("План на 2027 год утвержден.", "на 2027 год", date(2027, 1, 1), "year"),
    ("Итоги 2024 г. подведены.", "2024 г.", date(2024, 1, 1), "year"),
    ("Выборы пройдут в сентябре 2026 года.", "в сентябре 2026 года", date(2026, 9, 1), "month"),
    ("Цены выросли в ноябре 2025 г.", "в ноябре 2025 г.", date(2025, 11, 1), "month"),
    ("Отчет выйдет в январе.", "в январе", date(2026, 1, 1), "month"),
    ("Мост закроют к маю.", "к маю", date(2025, 5, 1), "month"),
    ("Строительство начнут в мае.", "в мае", date(2025, 5, 1), "month"),
    ("С октября цены не менялись.", "С октября", date(2025, 10, 1), "month"),
    ("В этом году бюджет сбалансирован.", "В этом году", date(2026, 1, 1), "year"),
    ("В следующем году ставка снизится.", "В следующем году", date(2027, 1, 1), "year"),
    ("В позапрошлом году был рекорд.", "В позапрошлом году", date(2024, 1, 1), "year"),
    ("Данные прошлого года пересмотрены.", "прошлого года", date(2025, 1, 1), "year"),
    ("В минувшем году открыли школу.", "В минувшем году", date(2025, 1, 1), "year"),
    ("В этом месяце пройдут торги.", "В этом месяце", date(2026, 1, 1), "month"),
    ("В прошлом месяце цены упали.", "В прошлом месяце", date(2025, 12, 1), "month"),
    ("В следующем месяце откроют станцию.", "В следующем месяце", date(2026, 2, 1), "month"),
    ("На прошлой неделе министр ушел в отставку.", "На прошлой неделе", date(2026, 1, 5), "week"),
    ("На этой неделе пройдут переговоры.", "На этой неделе", date(2026, 1, 12), "week"),
    ("На следующей неделе ждут решения.", "На следующей неделе", date(2026, 1, 19), "week"),
    ("Об этом вчера сообщил Кремль.", "вчера", date(2026, 1, 13), "day"),
    ("Позавчера в городе выпал снег.", "Позавчера", date(2026, 1, 12), "day"),
    ("Сегодня совет директоров собрался снова.", "Сегодня", date(2026, 1, 14), "day"),
    ("Завтра ожидается потепление.", "Завтра", date(2026, 1, 15), "day"),
    ("В понедельник президент провел совещание.", "В понедельник", date(2026, 1, 12), "day"),
    ("Во вторник министр выступил в Думе.", "Во вторник", date(2026, 1, 13), "day"),
    ("В среду прошли консультации.", "В среду", date(2026, 1, 14), "day"),  # published on a Wednesday: that day
    ("Во вторник прошли консультации.", "Во вторник", date(2026, 1, 13), "day"),  # else the last one before
    ("В пятницу суд вынес решение.", "В пятницу", date(2026, 1, 9), "day"),
    ("В воскресенье прошли выборы.", "В воскресенье", date(2026, 1, 11), "day"),
    ("Весной 2025 года начались работы.", "Весной 2025 года", date(2025, 3, 1), "season"),
    ("Летом 2024 года было жарко.", "Летом 2024 года", date(2024, 6, 1), "season"),
    ("Прошлой осенью урожай был хорошим.", "Прошлой осенью", date(2025, 9, 1), "season"),
    ("Этой зимой снега много.", "Этой зимой", date(2025, 12, 1), "season"),
    ("Лыжный сезон 2026 г. открыт.", "2026 г.", date(2026, 1, 1), "year"),
    ("Накануне министр подписал приказ.", "Накануне", date(2026, 1, 13), "day"),
    ("Год назад завод закрыли.", "Год назад", date(2025, 1, 1), "year"),
    ("Неделю назад прошли торги.", "Неделю назад", date(2026, 1, 5), "week"),
    ("Компания работает с 2013 года.", "с 2013 года", date(2013, 1, 1), "year"),
    ("Цены выросли в начале 2017 года.", "в начале 2017 года", date(2017, 1, 1), "year"),
    ("Решение примут в конце марта 2026 года.", "в конце марта 2026 года", date(2026, 3, 1), "month"),
    ("Мост строили до 1995 г.", "до 1995 г.", date(1995, 1, 1), "year"),
]


@pytest.mark.parametrize(("sentence", "surface", "value", "precision"), GOLDEN, ids=[g[1] for g in GOLDEN])
def test_golden_expressions(parser, sentence, surface, value, precision):
    mentions, errors = find_dates(sentence, PUBLISHED, parser)
    assert errors == []
    assert [(m.text, m.value, m.precision) for m in mentions] == [(surface, value, precision)]
    (mention,) = mentions
    assert sentence[mention.start : mention.stop] == surface
    assert precision in PRECISIONS


def test_golden_table_is_large_enough():
    assert len(GOLDEN) >= 40


def test_a_range_gives_two_rows_with_one_span(parser):
    text = "Форум пройдет 15–16 марта в Казани."
    mentions, _ = find_dates(text, PUBLISHED, parser)
    assert [(m.text, m.value, m.precision) for m in mentions] == [
        ("15–16 марта", date(2025, 3, 15), "day"),
        ("15–16 марта", date(2025, 3, 16), "day"),
    ]


def test_expressions_that_need_the_publication_date_are_left_out_without_it(parser):
    mentions, _ = find_dates("Вчера, 6 января и 1 сентября 2024 года, в прошлом году.", None, parser)
    assert [(m.text, m.value) for m in mentions] == [("1 сентября 2024 года", date(2024, 9, 1))]


@pytest.mark.parametrize(
    "sentence",
    [
        "Окружающая среда страдает.",  # среда, not Wednesday
        "Он прожил там 20 лет.",
        "Детей до 18 лет в зал не пускают.",  # an age, not a length of time
        "Он выступил накануне выборов.",  # «on the eve of»: the date of the elections' eve, not a mention
        "Гости пришли на день рождения.",
        "Тридцать человек пришли на митинг.",
        "Счет 2:1 в пользу хозяев, 15 человек задержаны.",
        "Марка автомобиля не указана.",
    ],
)
def test_no_false_dates(parser, sentence):
    mentions, _ = find_dates(sentence, PUBLISHED, parser)
    assert mentions == []


def test_several_dates_in_one_text_keep_their_offsets(parser):
    text = "Встреча прошла 6 января. " + "Слово " * 40 + "Ответ ждут в декабре, а решение — в прошлом году."
    mentions, _ = find_dates(text, PUBLISHED, parser)
    assert [text[m.start : m.stop] for m in mentions] == ["6 января", "в декабре", "в прошлом году"]


def test_a_weekday_takes_the_date_in_apposition_when_it_is_that_weekday(parser):
    # published on Wednesday 14 January 2026: Tuesday 20 January is the coming one, not the last
    text = "Во вторник, 20 января, депутаты соберутся. В пятницу, 23 января, было тепло. В среду, 22 января, шел снег."
    mentions, _ = find_dates(text, PUBLISHED, parser)
    assert [(m.text, m.value) for m in mentions] == [
        ("Во вторник", date(2026, 1, 20)), ("20 января", date(2026, 1, 20)),
        ("В пятницу", date(2026, 1, 23)), ("23 января", date(2026, 1, 23)),
        ("В среду", date(2026, 1, 14)), ("22 января", date(2026, 1, 22)),  # 22 January is a Thursday: no apposition
    ]  # fmt: skip


class BrokenParser(Parser):
    def findall(self, text):
        raise KeyError("маю")


def test_tag_dates_skips_a_failing_window_and_reports_it(models):
    articles = pa.table(
        {
            "article_id": ["a", "b"],
            "record_key": ["a.txt", "b.txt"],
            "text": ["Встреча прошла 6 января.", "Hello 6 January."],
            "language": ["ru", "en"],
            "published_date": pa.array([PUBLISHED, PUBLISHED], type=pa.date32()),
        }
    )
    mentions, errors = tag_dates(articles, BrokenParser(DATE_EXPRESSION, models.morph_vocab))
    assert mentions.num_rows == 0 and mentions.schema == DATE_MENTIONS_SCHEMA
    assert errors == ["a.txt: date parser failed at characters 0-24: KeyError: 'маю'"]  # English is not parsed


def test_tag_dates_returns_rows_of_the_schema(parser):
    articles = pa.table(
        {
            "article_id": ["a"],
            "record_key": ["a.txt"],
            "text": ["Встреча прошла 6 января."],
            "language": ["ru"],
            "published_date": pa.array([PUBLISHED], type=pa.date32()),
        }
    )
    mentions, errors = tag_dates(articles, parser)
    assert errors == []
    assert mentions.to_pylist() == [
        {
            "article_id": "a",
            "start": 15,
            "stop": 23,
            "text": "6 января",
            "value": date(2026, 1, 6),
            "precision": "day",
            "run_id": None,
        }
    ]


@pytest.mark.parametrize(
    "window",
    [g[0] for g in GOLDEN]
    + [
        "дворах царила пятница двенадцатого июня, она царила",
        "с 15–16 марта 2025 г. по 01.09.2024, а в прошлом году",
        "в 2017 году, год назад, вчера и в среду. В мае 1995 г.",
    ],
)
def test_pieces_find_what_the_whole_window_finds(parser, window):
    whole = [(m.span.start, m.span.stop, m.fact) for m in parser.findall(window)]
    assert _matches(window, parser) == whole


def test_a_cached_window_is_resolved_against_each_articles_date(parser):
    text = "Отчет вышел в декабре, в среду."
    first, _ = find_dates(text, date(2026, 1, 14), parser)
    second, _ = find_dates(text, date(2026, 12, 20), parser)  # the same window, later: the parse is cached
    assert [(m.text, m.value) for m in first] == [("в декабре", date(2025, 12, 1)), ("в среду", date(2026, 1, 14))]
    assert [(m.text, m.value) for m in second] == [("в декабре", date(2026, 12, 1)), ("в среду", date(2026, 12, 16))]


@pytest.mark.parametrize(
    ("text", "expression", "value", "precision"),
    [
        ("Соглашение (2018) действует.", "2018", date(2018, 1, 1), "year"),
        ("Пандемия COVID-19 изменила всё.", "19", date(2019, 1, 1), "year"),
        ("Стадион построят через два года.", "через два года", date(2028, 1, 1), "year"),
        ("Завод закрыли 3 года назад.", "3 года назад", date(2023, 1, 1), "year"),
        ("Мост откроют через месяц.", "через месяц", date(2026, 2, 1), "month"),
        ("Переговоры шли три года.", "три года", None, "duration"),
        ("Он болел в течение нескольких дней.", "в течение нескольких дней", None, "duration"),
        ("В последние годы цены росли.", "В последние годы", None, "duration"),
    ],
)
def test_years_offsets_and_durations_beside_the_grammar(parser, text, expression, value, precision):
    mentions, _ = find_dates(text, date(2026, 1, 14), parser)
    assert (expression, value, precision) in [(m.text, m.value, m.precision) for m in mentions]


@pytest.mark.parametrize(
    "text",
    [
        "Ему было 45 лет.",
        "В акции участвовали 2000 человек.",
        "Бюджет составил 2019 рублей.",
        "В возрасте трех лет он уехал.",
    ],
)
def test_ages_and_counts_are_no_dates(parser, text):
    assert find_dates(text, date(2026, 1, 14), parser)[0] == []


def test_a_day_or_month_beside_a_year_is_in_that_year(parser):
    # published 14 January 2026: «31 декабря» alone is last December, «в июле» last July
    text = (
        "Выходным сделают 31 декабря в этом году. В прошлом году в январе прошли выборы; в 2012 году, в июле и "
        "августе 2017-го. Срок истек 31 декабря. В 2019 году. Календарь на 2027 год в июле."
    )
    mentions, _ = find_dates(text, PUBLISHED, parser)
    assert [(m.text, m.value) for m in mentions] == [
        ("31 декабря", date(2026, 12, 31)), ("в этом году", date(2026, 1, 1)),
        ("В прошлом году", date(2025, 1, 1)), ("в январе", date(2025, 1, 1)),
        ("в 2012 году", date(2012, 1, 1)), ("в июле", date(2025, 7, 1)),  # a comma starts a list
        ("августе 2017", date(2017, 8, 1)),
        ("31 декабря", date(2025, 12, 31)),  # a full stop parts it from the year after it
        ("В 2019 году", date(2019, 1, 1)),
        ("на 2027 год", date(2027, 1, 1)), ("в июле", date(2025, 7, 1)),  # what it is for, not when
    ]  # fmt: skip


def test_a_dateline_day_with_its_month_cut_short_is_a_day(parser):
    # published 14 January 2026: «3 дек» is last December, «10 янв.» this January
    text = "ТВЕРЬ, 3 дек – Наше агентство. Отчет сдан 10 янв. вечером. Итоги 3 декабря. Выдано 5 декад назад, 31 ноя."
    mentions, _ = find_dates(text, PUBLISHED, parser)
    assert [(m.text, m.value, m.precision) for m in mentions] == [
        ("3 дек", date(2025, 12, 3), "day"), ("10 янв.", date(2026, 1, 10), "day"),
        ("3 декабря", date(2025, 12, 3), "day"),
    ]  # fmt: skip
