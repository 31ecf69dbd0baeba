"""Events: who did it and to whom, and when — actor, target and date rules, on sentences written for these tests."""

import pytest

from tests.transforms.test_events import by_trigger, run
from transforms.events import load_event_tagger


@pytest.fixture(scope="module")
def tagger():
    return load_event_tagger()


def test_a_genitive_that_names_no_one_leaves_the_doer_to_the_governing_verb(tagger):
    # «дела» is what is investigated, not who investigates: the subject of «завершили» is the doer
    events = run(tagger, "Сотрудники ФСБ завершили расследование уголовного дела о взятке.")
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
