"""`newsetl sql` over files, driven like a user would: formats, files, refusals."""

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()
QUERIES = Path(__file__).resolve().parents[2] / "warehouse" / "queries"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def empty_warehouse(tmp_path) -> Path:
    from warehouse import db

    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    con.close()
    return tmp_path / "w.duckdb"


def test_sql_refuses_a_write(tmp_path):
    result = invoke("sql", "DELETE FROM articles", "--db", empty_warehouse(tmp_path))
    assert result.exit_code == 2
    assert "refused: DELETE statements change the warehouse" in result.output


def test_sql_formats(tmp_path):
    db_path = empty_warehouse(tmp_path)
    query = "select 1 as n, 'Москва' as name"
    as_json = invoke("sql", query, "--db", db_path, "--format", "json")
    assert as_json.exit_code == 0 and json.loads(as_json.output) == {"n": 1, "name": "Москва"}
    as_csv = invoke("sql", query, "--db", db_path, "--format", "csv")
    assert as_csv.output.splitlines() == ["n,name", "1,Москва"]
    as_table = invoke("sql", query, "--db", db_path)
    assert "Москва" in as_table.output and "1 row" in as_table.output
    unknown = invoke("sql", query, "--db", db_path, "--format", "xml")
    assert unknown.exit_code == 2 and "'xml' is not one of 'table', 'csv', 'json', 'parquet'" in unknown.output


def test_sql_without_a_warehouse_says_so(tmp_path):
    result = invoke("sql", "select 1", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 1 and "no warehouse at" in result.output


def test_sql_reads_a_sql_file_and_writes_parquet(small_warehouse, tmp_path):
    db_path, _ = small_warehouse
    out = tmp_path / "top.parquet"
    result = invoke(
        "sql", QUERIES / "top_entities_per_day.sql", "--db", db_path, "--format", "parquet", "--output", out
    )
    assert result.exit_code == 0, result.output
    assert f"rows written to {out}" in result.output
    top = pq.read_table(out).to_pylist()
    assert [(r["rank"], r["name"], r["n_mentions"], r["n_articles"]) for r in top[:2]] == [
        (1, "Джаред Кушнер", 2, 2),
        (2, "Москва", 2, 2),
    ]


def test_sql_writes_csv_to_a_file(small_warehouse, tmp_path):
    db_path, _ = small_warehouse
    out = tmp_path / "pairs.csv"
    result = invoke("sql", QUERIES / "co_occurrence.sql", "--db", db_path, "--format", "csv", "--output", out)
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "type_a,name_a,type_b,name_b,n_articles,n_sentences"
    assert "PER,Джаред Кушнер,LOC,Москва,2,2" in lines or "LOC,Москва,PER,Джаред Кушнер,2,2" in lines


def test_sql_writes_its_table_to_a_file(small_warehouse, tmp_path):
    db_path, _ = small_warehouse
    out = tmp_path / "pairs.txt"
    result = invoke("sql", QUERIES / "co_occurrence.sql", "--db", db_path, "--output", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "name_a" in text and "Джаред Кушнер" in text and "rows" in text.splitlines()[-1]


# Queries with bound parameters ($name) are for programs, not for `newsetl sql`.
@pytest.mark.parametrize(
    "query", sorted(p.name for p in QUERIES.glob("*.sql") if "$" not in p.read_text(encoding="utf-8"))
)
def test_every_example_query_runs(small_warehouse, query):
    db_path, _ = small_warehouse
    result = invoke("sql", QUERIES / query, "--db", db_path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.output.splitlines()]  # each returns rows on this warehouse


def test_sql_refuses_writes_in_a_file_and_parquet_without_output(small_warehouse, tmp_path):
    db_path, _ = small_warehouse
    bad = tmp_path / "bad.sql"
    bad.write_text("DELETE FROM articles;", encoding="utf-8")
    assert invoke("sql", bad, "--db", db_path).exit_code == 2
    assert "--output" in invoke("sql", "select 1", "--db", db_path, "--format", "parquet").output
    assert "no such .sql file" in invoke("sql", tmp_path / "missing.sql", "--db", db_path).output


def test_sql_reads_a_lake_on_another_filesystem_beside_the_warehouse(small_warehouse, tmp_path):
    import uuid

    import fsspec

    db_path, lake_root = small_warehouse
    remote = f"memory://lake-{uuid.uuid4().hex}"  # not a local path: DuckDB reads it through fsspec
    fsspec.filesystem("memory").put(lake_root, remote.removeprefix("memory://"), recursive=True)
    query = (
        f"select count(*) as n from read_parquet('{remote}/articles/**/[!.]*.parquet', hive_partitioning = true) l "  # noqa: S608 (a test's query)
        "join articles a using (article_id) where l.published_date = a.published_date"
    )
    assert json.loads(invoke("sql", query, "--db", db_path, "--lake", remote, "--format", "json").output) == {"n": 2}
    without = invoke("sql", query, "--db", db_path, "--format", "json")
    assert without.exit_code == 1
