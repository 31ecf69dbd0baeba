"""Stories from composed articles: the same happening in other words joins, another happening, another time
or no time founds its own; near copies follow their original; a bridging article merges two stories."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa

from transforms import stories
from transforms.stories import VECTOR, StoryParameters, assign_stories

DAY = datetime(2025, 12, 2, 10, tzinfo=UTC)
TALKS = (
    "Путин встретился с Уиткоффом в Москве",
    "Президент России Владимир Путин встретился в Кремле со спецпосланником президента США Стивом Уиткоффом "
    "и Джаредом Кушнером. Переговоры продолжались почти пять часов, сообщил помощник президента Юрий Ушаков.",
)
TALKS_RETOLD = (
    "Переговоры Путина и Уиткоффа в Кремле длились пять часов",
    "В Кремле завершились переговоры Владимира Путина со Стивом Уиткоффом и Джаредом Кушнером. По словам "
    "Юрия Ушакова, встреча продолжалась около пяти часов.",
)
FUEL = (
    "В Тюмени подорожало дизельное топливо",
    "Цены на дизельное топливо на автозаправочных станциях Тюмени выросли за неделю на двадцать копеек за литр, "
    "бензин подешевел.",
)


def batch(*rows):
    """Articles (article_id, (title, text), published_at, duplicate_of) as the loader gives them."""
    return pa.Table.from_pylist(
        [
            {"article_id": a, "source": f"outlet-{a}", "title": title, "text": text, "published_at": when,
             "duplicate_of": copy_of}
            for a, (title, text), when, copy_of in rows
        ],
        schema=pa.schema([("article_id", pa.string()), ("source", pa.string()), ("title", pa.string()),
                          ("text", pa.string()), ("published_at", pa.timestamp("us", tz="UTC")),
                          ("duplicate_of", pa.string())]),
    )  # fmt: skip


def mentions(**entities):
    return pa.Table.from_pylist(
        [{"article_id": a, "entity_id": e} for a, ids in entities.items() for e in ids],
        schema=pa.schema([("article_id", pa.string()), ("entity_id", pa.string())]),
    )


NO_STORIES = pa.Table.from_pylist(
    [],
    schema=pa.schema([("story_id", pa.string()), ("first_seen", pa.timestamp("us", tz="UTC")),
                      ("last_seen", pa.timestamp("us", tz="UTC")), ("n_articles", pa.int64()),
                      ("top_entities", pa.list_(pa.struct([("entity_id", pa.string())]))), ("centroid", VECTOR)]),
)  # fmt: skip
NO_MEMBERS = pa.Table.from_pylist(
    [],
    schema=pa.schema([("article_id", pa.string()), ("story_id", pa.string()), ("duplicate_of", pa.string()),
                      ("vector", VECTOR)]),
)  # fmt: skip


def assign(articles, entities=None, candidates=NO_STORIES, members=NO_MEMBERS, **parameters):
    return assign_stories(
        articles, entities if entities is not None else mentions(), candidates, members,
        lambda terms: {}, 0, StoryParameters(**parameters),
    )  # fmt: skip


def story_of(assignment) -> dict[str, str]:
    return dict(
        zip(*(assignment.story_articles.column(c).to_pylist() for c in ("article_id", "story_id")), strict=True)
    )


TALKS_ENTITIES = mentions(a=["putin", "witkoff", "kushner"], b=["putin", "witkoff", "ushakov"], c=["tyumen"])


def test_the_same_happening_in_other_words_joins_another_founds_its_own():
    articles = batch(
        ("a", TALKS, DAY, None), ("b", TALKS_RETOLD, DAY + timedelta(hours=3), None), ("c", FUEL, DAY, None)
    )
    result = assign(articles, TALKS_ENTITIES)
    found = story_of(result)
    assert found["a"] == found["b"] != found["c"]
    assert result.counts == {"n_stories_new": 2}
    assert result.stories.num_rows == 2 and result.merges.num_rows == 0
    joined = {row["article_id"]: row for row in result.story_articles.to_pylist()}
    assert joined["a"]["joined_by"] == "founded" and joined["b"]["joined_by"] == "similar"
    assert joined["b"]["score"] >= stories.DEFAULT_THRESHOLD


def test_without_shared_entities_alike_words_are_a_topic_not_a_story():
    articles = batch(("a", TALKS, DAY, None), ("b", TALKS_RETOLD, DAY, None))
    plain = assign(articles, story_threshold=0.01)
    assert len(set(story_of(plain).values())) == 2  # cosine below COSINE_ALONE, no entity shared
    same = assign(articles, mentions(a=["putin", "witkoff"], b=["putin", "witkoff"]), story_threshold=0.01)
    assert len(set(story_of(same).values())) == 1
    score = same.story_articles.column("score")[1].as_py()
    other = assign(articles, mentions(a=["putin", "witkoff"], b=["ushakov", "kremlin"]), story_threshold=0.01)
    assert len(set(story_of(other).values())) == 2
    # the same entities add the whole bonus: without it the pair would score below the default threshold
    assert score - stories.ENTITY_BONUS < stories.DEFAULT_THRESHOLD <= score


def test_outside_the_window_or_without_a_time_an_article_founds_its_own_story():
    later = DAY + timedelta(days=stories.DEFAULT_WINDOW_DAYS + 1)
    entities = mentions(a=["putin"], b=["putin"], c=["putin"])
    result = assign(
        batch(("a", TALKS, DAY, None), ("b", TALKS_RETOLD, later, None), ("c", TALKS_RETOLD, None, None)), entities
    )
    assert len(set(story_of(result).values())) == 3
    wider = assign(batch(("a", TALKS, DAY, None), ("b", TALKS_RETOLD, later, None)), entities, story_window_days=10)
    assert len(set(story_of(wider).values())) == 1


def test_a_near_copy_shares_its_originals_story_however_it_reads():
    result = assign(batch(("copy", FUEL, DAY, "a"), ("a", TALKS, DAY + timedelta(days=1), None)))
    assert story_of(result)["copy"] == story_of(result)["a"]


def stored(story_id, vector, when=DAY, n_articles=1, entities=()):
    return {"story_id": story_id, "first_seen": when, "last_seen": when, "n_articles": n_articles,
            "top_entities": [{"entity_id": e} for e in entities], "centroid": (np.asarray(vector) * n_articles).tolist()}  # fmt: skip


def test_a_new_article_joins_a_stored_story_and_a_bridge_merges_two():
    articles = batch(("new", TALKS, DAY, None))
    terms = stories.article_terms(*TALKS, stories.word_vectors().word_ids)
    (vector,) = stories.document_vectors([terms], {t: stories.idf(1, 1) for t in terms}, stories.word_vectors())
    other = np.roll(vector, 7)  # another direction, far from the article's
    one = pa.Table.from_pylist([stored("s1", vector), stored("s2", other)], schema=NO_STORIES.schema)
    result = assign(articles, candidates=one)
    assert story_of(result) == {"new": "s1"} and result.merges.num_rows == 0
    assert result.stories.column("story_id").to_pylist() == ["s1"]
    # two stored stories both close to it: the larger absorbs the smaller, and the bridge is recorded
    two = pa.Table.from_pylist([stored("s1", vector), stored("s2", vector, n_articles=3)], schema=NO_STORIES.schema)
    result = assign(articles, candidates=two)
    assert story_of(result) == {"new": "s2"}
    assert result.merges.select(["story_id", "merged_into", "article_id"]).to_pylist() == [
        {"story_id": "s1", "merged_into": "s2", "article_id": "new"}
    ]
    (centroid,) = result.stories.column("centroid").to_pylist()
    assert np.allclose(centroid, vector * 5, atol=1e-4)  # 1 + 3 + the new article


def test_a_new_version_of_a_stored_article_stays_in_its_story():
    articles = batch(("a", FUEL, DAY, None))
    old = np.roll(np.eye(stories.DIMENSIONS)[0], 3)
    candidates = pa.Table.from_pylist([stored("s1", old, n_articles=2)], schema=NO_STORIES.schema)
    members = pa.Table.from_pylist(
        [{"article_id": "a", "story_id": "s1", "duplicate_of": None, "vector": old.tolist()}], schema=NO_MEMBERS.schema
    )
    result = assign(articles, candidates=candidates, members=members)
    assert story_of(result) == {"a": "s1"}
    assert result.story_articles.column("joined_by").to_pylist() == ["kept"]
    (centroid,) = result.stories.column("centroid").to_pylist()
    new_vector = np.asarray(result.story_articles.column("vector").to_pylist()[0])
    assert np.allclose(centroid, old + new_vector, atol=1e-5)  # the old vector left, the new one came


def test_the_same_batch_gives_the_same_stories():
    articles = batch(("a", TALKS, DAY, None), ("b", TALKS_RETOLD, DAY, None), ("c", FUEL, DAY, None))
    first, second = assign(articles, TALKS_ENTITIES), assign(articles.take([2, 1, 0]), TALKS_ENTITIES)
    assert len(set(story_of(first).values())) == 2
    assert story_of(first) == story_of(second)


def test_parameters_come_from_a_runs_recorded_settings():
    assert StoryParameters.of({"story_window_days": 5.0, "db_path": "x"}) == StoryParameters(story_window_days=5.0)
    assert StoryParameters.of(None) == StoryParameters()
