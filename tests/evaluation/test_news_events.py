"""Real-news event scoring: the gold file's format and split, name matching, and the scorer on composed text.

The real scores need the corpus (../shared/corpora), which the tests do not read.
"""

from collections import Counter
from datetime import date

import pytest

from evaluation.news_events import PARTS, is_real_news_gold, names_match, part_of, read_gold, score
from flows.settings import PROJECT_ROOT

GOLD = PROJECT_ROOT / "tests" / "gold" / "events_news_bulk.toml"
MODALITIES = {"occurred", "planned", "negated", "uncertain"}
PRECISIONS = {"day", "weekend", "week", "month", "season", "year"}  # the guide's, as transforms.dates names them


def test_the_real_gold_points_into_the_corpus_and_is_well_formed():
    assert is_real_news_gold(GOLD)
    articles = read_gold(GOLD)
    events = [e for a in articles for e in a["events"]]
    assert len(articles) >= 60 and len(events) >= 300
    assert len({a["id"] for a in articles}) == len(articles)
    for event in events:
        assert len(event["type"]) == 2 and 1 <= int(event["type"]) <= 20
        assert event["modality"] in MODALITIES and event["start"] >= 0 and event["trigger"].strip()
        for person in event.get("actors", []) + event.get("targets", []):
            assert set(person) == {"text", "start", "name"} and len(person["text"]) < 80
        if "date" in event:
            assert date.fromisoformat(event["date"]) and event["precision"] in PRECISIONS
            assert event["date_span"]["text"]
    # both parts are large enough to report on
    sizes = Counter(a["part"] for a in articles for _ in a["events"])
    assert min(sizes[part] for part in PARTS) >= 100


def test_the_split_is_fixed():
    # the parity of sha1("events-gold-21" + id): changing the salt would move articles between the parts
    assert part_of("fedpress.ru:2d3b29798736251f") == "tune"
    assert part_of("zn.ua:ffa2dfecdff9bb54") == "holdout"


def test_a_composed_gold_file_is_not_real_news_gold():
    assert not is_real_news_gold(PROJECT_ROOT / "tests" / "gold" / "events.toml")


@pytest.mark.parametrize(
    ("gold_name", "name", "spans", "same"),
    [
        ("Владимир Путин", "Путин", [], True),
        ("ГУ МВД по Республике Дагестан", "МВД", [], True),
        ("полиция", "Полиция", [], True),
        ("Владимир Путин", "Дональд Трамп", [], False),
        ("Владимир Путин", "Владимир Зеленский", [(0, 3)], True),  # a mention at the gold span («он»)
    ],
)
def test_names_match(gold_name, name, spans, same):
    assert names_match({"text": "Он", "start": 1, "name": gold_name}, name, spans) is same


def test_score_counts_precision_roles_modality_and_dates_per_part_and_root():
    article = "Путин встретился с Макроном. Полиция задержала трех человек."
    meeting, arrest = article.index("встретился"), article.index("задержала")
    gold = [
        {
            "id": "a",
            "part": "tune",
            "events": [
                {"trigger": "встретился", "start": meeting, "type": "04", "modality": "occurred",
                 "actors": [{"text": "Путин", "start": 0, "name": "Владимир Путин"}],
                 "targets": [{"text": "Макроном", "start": 19, "name": "Эмманюэль Макрон"}],
                 "date": "2026-01-06", "precision": "day"},
                {"trigger": "задержала", "start": arrest, "type": "17", "modality": "occurred",
                 "actors": [{"text": "Полиция", "start": 29, "name": "полиция"}]},
            ],
        }
    ]  # fmt: skip
    system = {
        "a": [
            {"start": meeting, "stop": meeting + 10, "type": "04 CONSULT", "modality": "occurred",
             "event_date": date(2026, 1, 6), "date_precision": "day",
             "roles": {"actor": [("Владимир Путин", [(0, 5)])], "target": [("Франция", [])]}},
            {"start": arrest, "stop": arrest + 9, "type": "11 DISAPPROVE", "modality": "negated",
             "event_date": None, "date_precision": None, "roles": {}},
            {"start": 0, "stop": 5, "type": "01 MAKE PUBLIC STATEMENT", "modality": "occurred",
             "event_date": date(2026, 1, 1), "date_precision": "month", "roles": {}, "confidence": 0.2},
        ]
    }  # fmt: skip
    figures = score(gold, system)
    tune = figures["tune"]["all"]
    assert (tune["system"], tune["precision"], tune["recall"], tune["real"]) == (3, 0.3333, 0.5, 0.6667)
    assert (tune["actor"], tune["target"], tune["with_actor"]) == (1.0, 0.0, 0.3333)
    assert (tune["modality"], tune["date"], tune["dates"], tune["dated_wrong"]) == (1.0, 1.0, 1, 0.5)
    roots = figures["tune"]["roots"]
    assert roots["04"]["precision"] == 1.0 and roots["17"]["recall"] == 0.0 and roots["11"]["precision"] == 0.0
    assert figures["holdout"]["all"]["system"] == 0
    shown = figures["tune"]["confident"]  # the 0.2 event is below CONFIDENT; events with none count, as in the views
    assert (shown["system"], shown["precision"], shown["recall"], shown["dated_wrong"]) == (2, 0.5, 0.5, 0.0)
