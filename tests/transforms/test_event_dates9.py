"""Dates of events (issue 21, dates9): fewer wrong dates. A story's months go forward, a day of the news' own
week is not a flashback's, an infinitive's deadline is not its trigger's, the aim of a past act is not to come,
a date two nouns below a noun trigger is theirs.

Sentences written for these tests."""

from datetime import date

from tests.transforms.test_event_dates6 import published_events

PUBLISHED = date(2026, 11, 18)  # a Wednesday


def test_a_month_before_the_last_one_starts_a_story_of_the_publication_year(tagger, parser):
    text = (
        "Склад опечатали в ноябре 2024 года. В сентябре суд вернул фермеру часть зерна, в начале ноября фермер"
        " потребовал вернуть остальное."
    )
    events = published_events(tagger, parser, text, PUBLISHED)
    assert events["потребовал"] == (date(2026, 11, 1), "month")
    # a story told in order keeps its year
    text = "Видео появилось в октябре 2024 года. В конце ноября депутат заявил о гибели пленных."
    assert published_events(tagger, parser, text, PUBLISHED)["заявил"] == (date(2024, 11, 1), "month")


def test_a_day_of_the_week_before_the_publication_is_the_news_own(tagger, parser):
    text = (
        "Полиция ведет дело после того, как блогер в мае 2021 года открыл стрельбу в кафе. Дело вернули прокурору."
        " 17 ноября блогер в эфире заявил, что прокурор ошибается."
    )
    assert published_events(tagger, parser, text, PUBLISHED)["заявил"] == (date(2026, 11, 17), "day")


def test_the_deadline_of_an_infinitive_does_not_date_the_promise(tagger, parser):
    text = "В страховой компании обещают справиться с выплатами до конца года."
    assert published_events(tagger, parser, text, PUBLISHED)["обещают"] == (None, None)


def test_the_aim_of_a_past_act_happened_on_its_day(tagger, parser):
    text = "Как сообщает полиция, 15 ноября наряд ДПС остановил для проверки документов автомобиль."
    assert published_events(tagger, parser, text, PUBLISHED)["проверки"] == (date(2026, 11, 15), "day")


def test_a_date_two_nouns_below_a_noun_trigger_is_theirs(tagger, parser):
    text = "Прокуратура начала проверку в рамках расследования нарушений при ремонте школы в июле 2025 года."
    assert published_events(tagger, parser, text, PUBLISHED)["расследования"] == (None, None)
