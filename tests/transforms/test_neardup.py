import pyarrow as pa
import pytest

from transforms.neardup import NearDuplicateIndex, find_near_duplicates, shingles, signature

STORY = (
    "Городской совет утвердил план строительства новой линии трамвая от вокзала до университета. "
    "Работы начнутся весной и займут около двух лет, сообщили в мэрии. Стоимость проекта оценивают "
    "в двенадцать миллиардов рублей, часть денег выделит областной бюджет. Жители окраин давно просили "
    "о быстром транспорте в центр города, и депутаты пообещали учесть их пожелания при выборе остановок."
)
REPOST = STORY.replace("сообщили в мэрии", "сообщила пресс-служба мэрии") + " Подписывайтесь на наш канал."
OTHER = (
    "Футбольный клуб из Казани обыграл соперников со счетом два один в последнем матче сезона. "
    "Главный тренер похвалил защитников и сказал, что команда готова к еврокубкам. Болельщики "
    "встречали игроков в аэропорту с флагами и песнями."
)


def batch(*rows):
    return pa.table(
        {
            "article_id": [r[0] for r in rows],
            "text": [r[1] for r in rows],
            "duplicate_of": pa.array([None] * len(rows), type=pa.string()),
        }
    )


def test_shingles_are_word_five_grams():
    assert shingles("Раз два три четыре пять шесть") == {
        "раз два три четыре пять".encode(),
        "два три четыре пять шесть".encode(),
    }
    assert shingles("Коротко, ясно") == {"коротко ясно".encode()}


def test_repost_scores_high_and_other_story_low():
    assert signature(STORY).jaccard(signature(REPOST)) > 0.6
    assert signature(STORY).jaccard(signature(OTHER)) < 0.1


def test_later_copy_points_to_the_kept_article_even_in_a_later_batch():
    index = NearDuplicateIndex(threshold=0.5)
    first, _ = find_near_duplicates(batch(("a", STORY), ("b", OTHER)), index)
    assert first.column("duplicate_of").to_pylist() == [None, None]
    # a copy of the copy points to the kept article, never to the copy
    second, signatures = find_near_duplicates(batch(("c", REPOST), ("d", REPOST + " Реклама.")), index)
    assert second.column("duplicate_of").to_pylist() == ["a", "a"]
    assert signatures.column("article_id").to_pylist() == ["c", "d"]
    assert len(signatures.column("signature")[0]) == 128


def stored(*rows):
    """A stand-in for the warehouse's lookup: every stored (article_id, text, kept) is a candidate of every query."""

    def lookup(signatures):
        return pa.Table.from_pylist(
            [
                {"query_id": query, "article_id": ident, "signature": signature(text).hashvalues.tolist(), "kept": kept}
                for query in signatures.column("article_id").to_pylist()
                for ident, text, kept in rows
            ]
        )

    return lookup


def test_stored_candidates_are_checked_and_give_their_kept_article():
    index = NearDuplicateIndex(threshold=0.5)
    lookup = stored(("a", STORY, "a"), ("b", OTHER, "b"), ("c", REPOST, "a"))
    marked, signatures = find_near_duplicates(batch(("e", REPOST), ("f", OTHER + " Новости спорта.")), index, lookup)
    assert marked.column("duplicate_of").to_pylist() == ["a", "b"]
    assert signatures.column("article_id").to_pylist() == ["e", "f"]
    assert len(index) == 2  # stored articles stay in the warehouse, not in memory


def test_an_article_held_in_memory_is_newer_than_its_stored_version():
    index = NearDuplicateIndex(threshold=0.5)
    find_near_duplicates(batch(("a", OTHER)), index)  # "a" changed in this run; its stored text was STORY
    again, _ = find_near_duplicates(batch(("e", REPOST)), index, stored(("a", STORY, "a")))
    assert again.column("duplicate_of").to_pylist() == [None]


def test_a_changed_article_is_not_its_own_duplicate():
    index = NearDuplicateIndex(threshold=0.5)
    find_near_duplicates(batch(("a", STORY)), index)
    again, _ = find_near_duplicates(batch(("a", REPOST)), index)
    assert again.column("duplicate_of").to_pylist() == [None]
    assert len(index) == 1


def test_removed_article_is_no_longer_found():
    index = NearDuplicateIndex(threshold=0.5)
    find_near_duplicates(batch(("a", STORY)), index)
    index.remove("a")
    again, _ = find_near_duplicates(batch(("c", REPOST)), index)
    assert again.column("duplicate_of").to_pylist() == [None]


@pytest.mark.parametrize("threshold", [0.0, 1.0, 1.5])
def test_threshold_must_be_a_fraction(threshold):
    with pytest.raises(ValueError, match="between 0 and 1"):
        NearDuplicateIndex(threshold)


def test_equally_similar_candidates_give_the_smallest_id():
    # stored in this order, a "last one wins" rule would pick "b"
    again, _ = find_near_duplicates(
        batch(("e", REPOST)), NearDuplicateIndex(threshold=0.5), stored(("a", STORY, "a"), ("b", STORY, "b"))
    )
    assert again.column("duplicate_of").to_pylist() == ["a"]
