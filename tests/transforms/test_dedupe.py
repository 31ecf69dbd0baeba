import pyarrow as pa

from transforms.dedupe import dedupe


def ids(table):
    return table.column("article_id").to_pylist()


def test_duplicates_within_batch_and_against_known():
    articles = pa.table({"article_id": ["a", "b", "c", "d"], "content_hash": ["h1", "h2", "h1", "h3"]})
    unique, duplicates, superseded = dedupe(articles, known_hashes={"h3"})
    assert (ids(unique), ids(duplicates), ids(superseded)) == (["a", "b"], ["c", "d"], [])


def test_nothing_known_nothing_repeated():
    articles = pa.table({"article_id": ["a", "b"], "content_hash": ["h1", "h2"]})
    unique, duplicates, superseded = dedupe(articles, known_hashes=set())
    assert unique.num_rows == 2 and duplicates.num_rows == 0 and superseded.num_rows == 0


def test_the_last_version_of_an_article_wins_and_the_earlier_are_superseded():
    """The same URL twice with another text: the later record is the article; a repeat of a text stays a duplicate."""
    articles = pa.table({"article_id": ["x", "y", "x", "x", "x"], "content_hash": ["v1", "h", "v2", "v2", "v3-known"]})
    unique, duplicates, superseded = dedupe(articles, known_hashes={"v3-known"})
    assert unique.column("content_hash").to_pylist() == ["h", "v2"]
    assert duplicates.column("content_hash").to_pylist() == ["v2", "v3-known"]
    assert superseded.column("content_hash").to_pylist() == ["v1"]
    assert unique.num_rows + duplicates.num_rows + superseded.num_rows == articles.num_rows
