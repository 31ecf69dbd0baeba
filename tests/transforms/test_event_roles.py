"""Events: who did it and to whom, and when — actor, target and date rules, on sentences written for these tests."""

from datetime import date

import pyarrow as pa
import pytest

from tests.transforms.test_events import articles_table, by_trigger, mention_of, run
from transforms.dates import find_dates, load_parser
from transforms.entities import tag_entities
from transforms.events import tag_events
from transforms.schemas import DATE_MENTIONS_INPUT_SCHEMA


def test_a_genitive_that_names_no_one_leaves_the_doer_to_the_governing_verb(tagger):
    # «дела» is what is investigated, not who investigates: the subject of «закончили» is the doer
    events = run(tagger, "Следователи ФСБ закончили расследование дела о взятке.")
    assert by_trigger(events, "расследование")["roles"].get("actor") == {"ФСБ"}


def test_a_place_below_an_institution_is_where_it_is_not_the_doer(tagger):
    events = run(tagger, "Об этом сообщили в пресс-службе прокуратуры Самарской области.")
    actors = by_trigger(events, "сообщили")["roles"].get("actor")
    assert actors == {"прокуратура"}


def test_a_feminine_pronoun_stands_for_the_last_woman_named(tagger):
    events = run(tagger, "Мария Петрова встретилась с Иваном Соколовым в Москве. По ее словам, разговор был трудным.")
    assert by_trigger(events, "словам")["roles"].get("actor") == {"Мария Петрова"}


def test_a_role_noun_speaking_with_a_feminine_verb_stands_for_the_last_woman_named(tagger):
    text = (
        "Вчера Анна Смирнова выступила в театре вместе с сыном Павлом. "
        "«Это был лучший вечер в моей жизни», – рассказала актриса."
    )
    assert by_trigger(run(tagger, text), "рассказала")["roles"].get("actor") == {"Анна Смирнова"}


def test_in_respect_of_as_a_compound_preposition_names_the_target(tagger):
    events = run(tagger, "В отношении Ивана Петрова было возбуждено уголовное дело.")
    assert by_trigger(events, "возбуждено")["roles"].get("target") == {"Иван Петров"}


def test_a_participle_used_as_a_noun_names_its_role_by_the_participle_not_the_verb(tagger):
    events = run(tagger, "По словам осужденного, охранник угрожал ему расправой.")
    assert by_trigger(events, "словам")["roles"].get("actor") == {"осужденный"}


def test_a_date_after_the_publication_does_not_date_what_was_told_as_done(tagger):
    # tag-dates counts «через сорок лет» from the publication; a past verb counts it from its own story
    text = "Через сорок лет писатель рассказал о той поездке."
    published = date(2026, 5, 19)
    articles = articles_table([text]).append_column("published_date", pa.array([published], pa.date32()))
    mentions, _, _, tagged = tag_entities(articles, tagger.models)
    dates = pa.Table.from_pylist(
        [{"article_id": "a0", **mention_of(text, "Через сорок лет", date(2066, 1, 1), "year")}],
        schema=DATE_MENTIONS_INPUT_SCHEMA,
    )
    events = tag_events(tagged, mentions, dates, tagger)[0].to_pylist()
    assert by_trigger(events, "рассказал")["event_date"] is None


def test_a_month_without_a_year_stays_in_the_year_of_the_story(tagger):
    text = "В октябре 2015 года Иван Петров приехал в Казань. В конце ноября он заявил о своей отставке."
    articles = articles_table([text]).append_column("published_date", pa.array([date(2026, 5, 19)], pa.date32()))
    mentions, _, _, tagged = tag_entities(articles, tagger.models)
    dates = pa.Table.from_pylist(  # as tag-dates resolves them: the last November before the publication
        [
            {"article_id": "a0", **mention_of(text, "В октябре 2015 года", date(2015, 10, 1), "month")},
            {"article_id": "a0", **mention_of(text, "В конце ноября", date(2025, 11, 1), "month")},
        ],
        schema=DATE_MENTIONS_INPUT_SCHEMA,
    )
    events = tag_events(tagged, mentions, dates, tagger)[0].to_pylist()
    assert by_trigger(events, "заявил")["event_date"] == date(2015, 11, 1)


@pytest.mark.parametrize(
    ("text", "written", "first_day"),
    [
        ("Жалобы поступили 3 и 17 апреля этого года.", "3 и 17 апреля этого года", date(2026, 4, 3)),
        ("Учения шли с 4-го по 11-е марта.", "с 4-го по 11-е марта", date(2026, 3, 4)),
        ("Решение суда стало известно 8-го февраля.", "8-го февраля", date(2026, 2, 8)),
    ],
)
def test_days_written_as_ordinals_or_in_pairs_are_found_from_their_first_day(tagger, text, written, first_day):
    found, _ = find_dates(text, date(2026, 5, 19), load_parser(tagger.models.morph_vocab))
    assert (text[found[0].start : found[0].stop], found[0].value, found[0].precision) == (written, first_day, "day")


def test_a_bare_instrumental_of_people_in_a_passive_clause_is_its_doer(tagger):
    # the parser hangs «полицейскими» on «склада», not on the passive verb
    events = run(tagger, "По факту поджога склада полицейскими было возбуждено уголовное дело.")
    assert by_trigger(events, "возбуждено")["roles"].get("actor") == {"полицейский"}
