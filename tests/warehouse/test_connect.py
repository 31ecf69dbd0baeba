"""`from warehouse import connect`: a read-only connection for analysts, with the views; pandas and Polars read it."""

import duckdb
import pytest

from warehouse import connect


def test_analysts_read_the_views_with_pandas_and_polars(small_warehouse):
    db_path, _ = small_warehouse
    con = connect(db_path)
    try:
        query = "SELECT name, sum(articles) AS articles FROM entity_daily GROUP BY name ORDER BY articles DESC, name"
        frame = con.sql(query).df()
        assert frame.to_dict("records")[:2] == [
            {"name": "Джаред Кушнер", "articles": 2},
            {"name": "Москва", "articles": 2},
        ]
        polars_frame = con.sql(query).pl()
        assert polars_frame.rows()[:2] == [("Джаред Кушнер", 2), ("Москва", 2)]
        authors = con.sql("SELECT article_id, author FROM articles ORDER BY article_id").fetchall()
        assert authors == [("a1", "Анна Петрова"), ("a2", None)]
        with pytest.raises(duckdb.InvalidInputException, match="read-only"):
            con.execute("DELETE FROM articles")
    finally:
        con.close()


def test_no_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no warehouse at"):
        connect(tmp_path / "nowhere.duckdb")
