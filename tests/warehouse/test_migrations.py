"""Migrations: an empty file gets every one; a warehouse made by older code is upgraded in place."""

import duckdb

from warehouse import db


def columns(con, table):
    return [row[0] for row in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position", {"t": table}).fetchall()]


def test_an_empty_file_gets_every_migration(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    assert [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()] == [n for n, _ in db.migrations()]
    assert "005_lineage" in [n for n, _ in db.migrations()]
    assert "stage_seconds" in columns(con, "runs") and columns(con, "batches")[0] == "batch_key"
    con.close()


def test_an_older_warehouse_is_upgraded_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    # A warehouse as the foundation release left it: only 001_init applied, one finished run.
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)")
    name, statements = db.migrations()[0]
    assert name == "001_init"
    old.execute(statements)
    old.execute("INSERT INTO schema_migrations VALUES ('001_init', now())")
    old.execute("INSERT INTO runs (run_id, flow, started_at, status, n_read, n_loaded, n_duplicates, n_quarantined) VALUES ('r0', 'news_etl', now(), 'completed', 2, 1, 1, 0)")
    old.execute("INSERT INTO articles VALUES ('a1', 's', NULL, NULL, NULL, NULL, 'ru', 'Текст.', 'h1', NULL, 'r0')")
    old.close()

    con = db.connect(path)
    db.upgrade(con)
    applied = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]
    assert applied == [n for n, _ in db.migrations()]
    assert con.execute("SELECT run_id, status, n_read, stage_seconds FROM runs").fetchall() == [("r0", "completed", 2, None)]
    assert con.execute("SELECT article_id, text FROM articles").fetchall() == [("a1", "Текст.")]
    assert con.execute("SELECT count(*) FROM batches").fetchone() == (0,)
    assert db.migrate(con) == []  # nothing left to apply the second time
    con.close()
