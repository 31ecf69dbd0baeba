"""One writer at a time, readers in between: checked with a second process."""

import subprocess
import sys
import textwrap
import time

import pytest

from warehouse import db
from warehouse.lock import WarehouseLocked, writer_lock
from warehouse.query import run_query


def hold(code: str) -> subprocess.Popen:
    """Run `code` in another Python process; it prints 'ready' once it holds what it takes."""
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    return process


def test_a_second_writer_waits_for_the_lock_then_gets_it(tmp_path):
    path = tmp_path / "w.duckdb"
    other = hold(f"""
        import time
        from warehouse.lock import writer_lock
        with writer_lock({str(path)!r}, "run r1"):
            print("ready", flush=True)
            time.sleep(1.5)
    """)
    messages = []
    started = time.monotonic()
    with writer_lock(path, "run r2", timeout=30, on_wait=messages.append):
        waited = time.monotonic() - started
    other.wait(timeout=30)
    assert waited > 0.5
    assert len(messages) == 1 and "run r1 (pid" in messages[0] and "is writing to it" in messages[0]


def test_a_writer_gives_up_after_its_timeout(tmp_path):
    path = tmp_path / "w.duckdb"
    other = hold(f"""
        import time
        from warehouse.lock import writer_lock
        with writer_lock({str(path)!r}, "run r1"):
            print("ready", flush=True)
            time.sleep(5)
    """)
    try:
        with pytest.raises(WarehouseLocked, match="gave up after 0.3 s"):
            with writer_lock(path, "run r2", timeout=0.3):
                pass
    finally:
        other.kill()
        other.wait()


def test_a_killed_writer_leaves_no_lock_behind(tmp_path):
    path = tmp_path / "w.duckdb"
    other = hold(f"""
        import time
        from warehouse.lock import writer_lock
        with writer_lock({str(path)!r}, "run r1"):
            print("ready", flush=True)
            time.sleep(60)
    """)
    other.kill()  # SIGKILL: no cleanup code runs
    other.wait()
    with writer_lock(path, "run r2", timeout=2):
        pass


def test_a_reader_waits_while_a_writer_has_the_file_open(tmp_path):
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    db.upgrade(con)
    con.execute("INSERT INTO runs (run_id, flow, started_at, status) VALUES ('r1', 'news_etl', now(), 'running')")
    con.close()
    writer = hold(f"""
        import time
        from warehouse import db
        con = db.connect({str(path)!r})
        print("ready", flush=True)
        time.sleep(1.5)
        con.execute("UPDATE runs SET status = 'completed'")
        con.close()
    """)  # noqa: S608 (Python for a subprocess, not SQL)
    with pytest.raises(db.WarehouseBusy, match="stayed in use by another process"):
        db.connect(path, read_only=True, wait_seconds=0.2)
    started = time.monotonic()
    result = run_query(path, "SELECT status FROM runs")  # waits for the writer to close the file
    assert time.monotonic() - started > 0.3
    assert result.to_pylist() == [{"status": "completed"}]
    writer.wait(timeout=30)


def test_a_writer_waits_while_a_reader_has_the_file_open(tmp_path):
    path = tmp_path / "w.duckdb"
    with db.Warehouse(str(path)).connection() as con:
        db.upgrade(con)
    reader = hold(f"""
        import time
        from warehouse import db
        con = db.connect({str(path)!r}, read_only=True)
        print("ready", flush=True)
        time.sleep(1)
        con.close()
    """)
    with db.Warehouse(str(path), wait_seconds=30).connection() as con:
        con.execute("INSERT INTO runs (run_id, flow, started_at, status) VALUES ('r1', 'news_etl', now(), 'running')")
    reader.wait(timeout=30)
