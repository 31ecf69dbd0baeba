"""Word sense of event triggers on real-news patterns, on sentences written for these tests."""

import pytest

from tests.transforms.test_events import by_trigger, run


def triggers(events):
    return [e["trigger"] for e in events]


def test_a_list_of_cut_off_headlines_of_other_articles_holds_no_event(tagger):
    links = (
        "Губернатор встретился с фермерами района.\n"
        "Читайте также\n"
        "Известный певец рассказал о своем новом…\n"
        "Актриса призналась, что после переезда она…\n"
        "Депутат пригрозил соседям судом за шумный…\n"
    )
    events = run(tagger, links)
    assert triggers(events) == ["встретился"]
    # one line trailing off is a quotation or a pause, not a list of links
    alone = run(tagger, "Губернатор встретился с фермерами.\nДиректор рассказал, что урожай собран, но…\n")
    assert "рассказал" in triggers(alone)
    by_trigger(alone, "встретился")


def test_a_statement_whose_subject_is_an_outlet_is_its_attribution(tagger):
    for text, trigger in [
        ("Подробнее о новом мосте через реку рассказал городской портал.", "рассказал"),
        ("Авторы публикации отмечают, что мост построили за год.", "отмечают"),
        ("Как сообщает корреспондент газеты, мост открыли утром.", "сообщает"),
    ]:
        assert trigger not in triggers(run(tagger, text)), text
    # a speaker interviewed on a channel is still a speaker
    spoken = run(tagger, "Об этом заявил бывший представитель министерства на телеканале Иван Петров.")
    assert by_trigger(spoken, "заявил")


def test_an_appeal_is_someones_not_handling_nor_an_offices_letters(tagger):
    for text in [
        "Компания отвечает за обращение с отходами в трех городах.",
        "Инспекция нарушила порядок рассмотрения обращений граждан.",
    ]:
        assert "обращение" not in {e["trigger"][:9].lower() for e in run(tagger, text)}, text
    appeal = run(tagger, "Жители поселка направили губернатору обращение с просьбой отремонтировать мост.")
    assert by_trigger(appeal, "обращение")["type"] == "02 APPEAL"


def test_shots_fired_are_an_assault(tagger):
    events = run(tagger, "Неизвестный произвел несколько выстрелов в охранника банка, а затем выстрелил в водителя.")
    assert by_trigger(events, "выстрелов")["type"] == "18 ASSAULT"
    assert by_trigger(events, "выстрелил")["type"] == "18 ASSAULT"


def test_a_statement_in_the_infinitive_is_none_made(tagger):
    events = run(tagger, "Следователь потребовал у задержанного признаться в краже, и тот заявил, что невиновен.")
    assert "признаться" not in triggers(events)
    assert by_trigger(events, "потребовал")["type"] == "10 DEMAND"
    assert by_trigger(events, "заявил")["type"] == "01 MAKE PUBLIC STATEMENT"


def test_a_condition_names_no_event(tagger):
    events = run(tagger, "Если директор откажется платить, рабочие проведут забастовку.")
    assert "откажется" not in triggers(events)
    assert by_trigger(events, "забастовку")["modality"] == "planned"


@pytest.mark.parametrize(
    "text",
    [
        "Врачи оказали пострадавшему медицинскую помощь на месте.",
        "Водитель обратился за помощью к прохожим.",
        "Отремонтировать мост удалось с помощью нового крана.",
    ],
)
def test_aid_is_not_a_service_nor_a_means_nor_a_request(tagger, text):
    assert not [e for e in run(tagger, text) if e["type"].startswith("07")]


def test_aid_given_to_someone_is_aid(tagger):
    aid = run(tagger, "Правительство направило гуманитарную помощь жителям района.")
    assert by_trigger(aid, "помощь")["type"] == "07 PROVIDE AID"


def test_signing_a_law_or_a_decree_is_legislation_not_an_agreement(tagger):
    for text in ["Президент подписал указ о создании нового совета.", "Закон о местном бюджете подписан губернатором."]:
        assert not [e for e in run(tagger, text) if e["type"].startswith("05")], text
    agreement = run(tagger, "Министры двух стран подписали соглашение о сотрудничестве.")
    assert by_trigger(agreement, "подписали")["type"].startswith("05")


def test_a_wanted_notice_is_coercion_the_police_service_is_not(tagger):
    wanted = run(tagger, "Полиция объявила подозреваемого в розыск.")
    assert by_trigger(wanted, "розыск")["type"].startswith("17")
    service = run(tagger, "Начальник уголовного розыска заявил, что кража раскрыта.")
    assert not [e for e in service if e["type"].startswith("17")]


def test_in_a_film_article_the_plot_is_no_event_but_what_people_say_is(tagger):
    review = (
        "Вышел новый сериал о школе. Главная героиня работает учительницей. "
        "В третьей серии героини встречаются с директором в его кабинете. "
        "Режиссер сериала рассказал, что съемки шли полгода."
    )
    events = run(tagger, review)
    assert "встречаются" not in triggers(events)
    assert by_trigger(events, "рассказал")["type"].startswith("01")
    news = run(tagger, "Героини войны встречаются с директором школы в его кабинете.")
    assert by_trigger(news, "встречаются")["type"].startswith("04")


@pytest.mark.parametrize(
    "text, trigger, modality",
    [
        ("Совет решил подписать соглашение с соседней страной.", "подписать", "planned"),
        ("Совет заявил о готовности подписать соглашение с соседней страной.", "подписать", "planned"),
        ("Поводом для ареста бизнесмена стала жалоба партнеров.", "ареста", "occurred"),
        ("Министр приехал в город для встречи с фермерами.", "встречи", "planned"),
    ],
)
def test_a_decision_plans_an_event_and_a_cause_is_no_purpose(tagger, text, trigger, modality):
    assert by_trigger(run(tagger, text), trigger)["modality"] == modality


def test_the_attribution_breaking_into_a_quotation_is_a_statement(tagger):
    text = (
        "«Мост через реку откроют в мае, – сказал мэр. – Я много раз говорил об этом на заседаниях совета, "
        "работы почти закончены»."
    )
    events = run(tagger, text)
    assert by_trigger(events, "сказал")["type"].startswith("01")
    assert "говорил" not in triggers(events)


def test_a_refusal_is_of_something_asked_or_offered(tagger):
    for text in [
        "Врачи советуют пациентам отказаться от курения.",
        "Сначала свидетели дали показания, а позже отказались.",
    ]:
        assert not [e for e in run(tagger, text) if e["type"].startswith("12")], text
    offer = run(tagger, "Министр отказался от предложения посетить завод.")
    assert by_trigger(offer, "отказался")["type"].startswith("12")
    act = run(tagger, "Задержанный отказался отвечать на вопросы следователя.")
    assert by_trigger(act, "отказался")["type"].startswith("12")


def test_the_police_finding_out_is_an_investigation(tagger):
    events = run(tagger, "Что стало причиной гибели туриста, выясняет полиция.")
    assert by_trigger(events, "выясняет")["type"].startswith("09")
