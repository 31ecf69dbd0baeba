import pyarrow as pa

from transforms.dedupe import exact_dedupe


def test_duplicates_within_batch_and_against_known():
    articles = pa.table({"article_id": ["a", "b", "c", "d"], "content_hash": ["h1", "h2", "h1", "h3"]})
    unique, duplicates = exact_dedupe(articles, known_hashes={"h3"})
    assert unique.column("article_id").to_pylist() == ["a", "b"]
    assert duplicates.column("article_id").to_pylist() == ["c", "d"]


def test_nothing_known_nothing_repeated():
    articles = pa.table({"article_id": ["a", "b"], "content_hash": ["h1", "h2"]})
    unique, duplicates = exact_dedupe(articles, known_hashes=set())
    assert unique.num_rows == 2 and duplicates.num_rows == 0
