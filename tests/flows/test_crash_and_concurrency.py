"""Whole runs in subprocesses: killed at random moments, two at once, read while they load.

Each `newsetl run` here is a real process on the example articles (batches of
one article, so there are many moments to kill it at); they share the session's
temporary Prefect server so none has to start its own, except where a run's own
temporary server is what is tested. Every process a run starts is watched: none
may outlive a run killed with SIGKILL.
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

import duckdb
import psutil
import pytest

from flows.settings import EXAMPLES_DIR
from warehouse import db, recovery
from warehouse.lock import writer_lock
from warehouse.query import run_query

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Columns that depend on which run loaded a row or when; everything else must match a clean run's.
COMPARED = {
    "articles": "article_id, source, url, title, published_at, published_date, language, text, content_hash, duplicate_of",
    "mentions": "article_id, start, stop, sentence, type, text, normal, entity_id",
    "entities": "entity_id, type, name",
    "quarantine": "quarantine_id, stage, source, record_key, reason, payload",
}


class Run:
    """`newsetl run` in a subprocess, its output collected line by line as it comes, and every process it starts
    (its descendants, looked for every 50 ms while it runs) kept in `started`."""

    def __init__(self, inputs, db_path, lake, env):
        command = [sys.executable, "-c", "from flows.cli import main; main()", "run", *map(str, inputs),
                   "--db", str(db_path), "--lake", str(lake), "--batch-size", "1", "--workers", "1"]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: list[str] = []
        self.started: dict[int, psutil.Process] = {}
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        threading.Thread(target=self._watch_descendants, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def _watch_descendants(self):
        try:
            root = psutil.Process(self.process.pid)
            while self.process.poll() is None:
                for child in root.children(recursive=True):
                    self.started.setdefault(child.pid, child)
                time.sleep(0.05)
        except psutil.NoSuchProcess:
            pass

    def kill(self) -> list[psutil.Process]:
        """SIGKILL the run's process; return the processes it had started (a last look first). The command
        lines of those running at that moment are kept in `running_at_kill` (a worker dies with its parent
        at once: looked at after the kill, it may be gone already)."""
        self.running_at_kill: list[str] = []
        try:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                self.started.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            pass
        for process in self.started.values():
            try:
                if alive(process):
                    self.running_at_kill.append(" ".join(process.cmdline()))
            except psutil.NoSuchProcess:
                pass
        self.process.send_signal(signal.SIGKILL)
        return list(self.started.values())

    def wait_for(self, text: str, timeout: float = 120) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.02)
        raise AssertionError(f"no {text!r} within {timeout} s:\n{''.join(self.lines)}")

    def finish(self, timeout: float = 300) -> str:
        self.process.wait(timeout=timeout)
        self.reader.join(timeout=10)
        return "".join(self.lines)


@pytest.fixture(scope="module")
def run_env(prefect_server):
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONUNBUFFERED": "1"}


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE  # is_running checks the start time too
    except psutil.NoSuchProcess:
        return False


def assert_none_survives(started: list[psutil.Process], why: str, timeout: float = 30) -> None:
    """Every process of a killed run ends within `timeout` seconds (the guard gives each 5 s after SIGTERM)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(p) for p in started):
        time.sleep(0.2)
    survivors = [" ".join(p.cmdline())[:160] for p in started if alive(p)]
    for p in started:  # leave nothing behind, whatever the outcome
        if alive(p):
            p.kill()
    assert not survivors, f"{why}: still running after the run was killed: {survivors}"


def rows(db_path, table):
    con = db.connect(db_path, read_only=True)
    try:
        return sorted(con.execute(f"SELECT {COMPARED[table]} FROM {table}").fetchall(), key=repr)  # noqa: S608 (fixed names)
    finally:
        con.close()


def check_whole_batches(db_path):
    """Every table holds exactly the batches recorded in `batches`: none half-loaded, none twice."""
    con = db.connect(db_path, read_only=True)
    try:
        loaded, mentions, articles, n_mentions, n_hashes = con.execute(
            "SELECT (SELECT coalesce(sum(CAST(counts->>'n_loaded' AS BIGINT)), 0) FROM batches),"
            " (SELECT coalesce(sum(CAST(counts->>'n_mentions' AS BIGINT)), 0) FROM batches),"
            " (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions), (SELECT count(DISTINCT content_hash) FROM articles)"
        ).fetchone()
    finally:
        con.close()
    assert (articles, n_mentions, n_hashes) == (loaded, mentions, loaded)


def test_runs_killed_at_random_moments_end_like_a_clean_run(run_env, tmp_path):
    # NEWSETL_KILL_SEED=<n> replays the kill moments of an earlier run (its seed is printed, and named by every assertion).
    seed = int(os.environ.get("NEWSETL_KILL_SEED") or random.randrange(1_000_000))
    print(f"kill test seed {seed} (set NEWSETL_KILL_SEED={seed} to run it again)")
    rng = random.Random(seed)
    inputs = tmp_path / "articles"
    shutil.copytree(EXAMPLES_DIR, inputs)

    clean = Run([inputs], tmp_path / "clean.duckdb", tmp_path / "clean-lake", run_env)
    assert clean.finish() and clean.process.returncode == 0, "".join(clean.lines)

    db_path, lake = tmp_path / "w.duckdb", tmp_path / "lake"
    # where each attempt is killed: at a random time after start, or at a random moment after batch k
    attempts = [("seconds", rng.uniform(3, 15)), ("batch", rng.randint(1, 4)), ("batch", rng.randint(2, 6))]
    killed = 0
    for how, when in attempts:
        run = Run([inputs], db_path, lake, run_env)
        if how == "seconds":
            time.sleep(when)
            running = run.process.poll() is None
        else:
            running = run.wait_for(f"batch {when}:")
            time.sleep(rng.uniform(0, 0.8))  # somewhere inside batch when+1: extract, tag, validate or load
        if running and run.process.poll() is None:
            started = run.kill()
            killed += 1
            assert_none_survives(started, f"seed {seed}, killed at {how} {when}")
        run.finish()
        if db_path.exists():
            check_whole_batches(db_path)
    assert killed >= 1, f"seed {seed}: the runs finished before they could be killed"

    final = Run([inputs], db_path, lake, run_env)
    output = final.finish()
    assert final.process.returncode == 0, output
    check_whole_batches(db_path)
    for table in COMPARED:
        assert rows(db_path, table) == rows(tmp_path / "clean.duckdb", table), f"{table} (seed {seed})"
    runs = duckdb.connect(str(db_path), read_only=True)
    statuses = runs.execute(
        "SELECT status, n_read, n_loaded, n_duplicates, n_quarantined FROM runs ORDER BY started_at"
    ).fetchall()
    total_loaded = runs.execute("SELECT sum(n_loaded) FROM runs").fetchone()[0]
    runs.close()
    assert statuses[-1][0] == "completed"
    assert {s[0] for s in statuses[:-1]} <= {"interrupted", "completed"}
    assert sum(s[0] == "interrupted" for s in statuses) >= 1
    for _, n_read, n_loaded, n_duplicates, n_quarantined in statuses:  # killed runs account for what they loaded
        assert n_read == n_loaded + n_duplicates + n_quarantined
    assert total_loaded == len(rows(db_path, "articles"))

    # the lake came through the crashes in step with the warehouse
    before = recovery.rebuild(db_path, str(lake), lock_timeout=30)["checksums"]
    con = db.connect(db_path, read_only=True)
    assert db.table_checksums(con) == before
    con.close()
    for table in COMPARED:
        assert rows(db_path, table) == rows(tmp_path / "clean.duckdb", table)


SERVER = "prefect.server.api.server:create_app"  # in the command line of Prefect's temporary server
WORKER = "multiprocessing.forkserver"  # in the command line of the workers' fork server, and of each worker it forks


def test_nothing_a_killed_run_started_survives_it_its_own_temporary_server_included(tmp_path):
    """A run with no PREFECT_API_URL starts Prefect's temporary server; killed, it takes it along (flows/guard.py)."""
    seed = int(os.environ.get("NEWSETL_KILL_SEED") or random.randrange(1_000_000))
    print(f"kill test seed {seed} (set NEWSETL_KILL_SEED={seed} to run it again)")
    rng = random.Random(seed)
    env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
    env.update(PYTHONUNBUFFERED="1", PREFECT_HOME=str(tmp_path / "prefect"))  # the server's database, its own
    # killed while its server starts, then while its workers tag
    for how, when in [("seconds", rng.uniform(0.5, 8)), ("batch", rng.randint(1, 4))]:
        run = Run([EXAMPLES_DIR], tmp_path / "w.duckdb", tmp_path / "lake", env)
        if how == "seconds":
            time.sleep(when)
        else:
            assert run.wait_for(f"batch {when}:", timeout=300), "".join(run.lines)
        assert run.process.poll() is None, f"seed {seed}: the run ended before it was killed"
        started = run.kill()
        if how == "batch":  # what the test is about was there to be killed
            commands = run.running_at_kill
            assert any(SERVER in c for c in commands) and any(WORKER in c for c in commands), commands
        assert_none_survives(started, f"seed {seed}, killed at {how} {when}")
        run.finish()


def test_two_runs_at_once_both_finish_and_readers_read_during_them(run_env, tmp_path):
    files = sorted(EXAMPLES_DIR.iterdir())
    halves = [tmp_path / "first", tmp_path / "second"]
    for half, part in zip(halves, (files[::2], files[1::2]), strict=True):
        half.mkdir()
        for f in part:
            shutil.copy(f, half / f.name)
    db_path, lake = tmp_path / "w.duckdb", tmp_path / "lake"
    db.upgrade(db.connect(db_path))

    # Hold the writer lock until both runs say they wait for it, so they surely meet; then they take turns.
    with writer_lock(db_path, "the test"):
        runs = [Run([half], db_path, lake, run_env) for half in halves]
        for run in runs:
            assert run.wait_for("waiting for the warehouse"), "".join(run.lines)
    seen = []
    while any(run.process.poll() is None for run in runs):
        (count,) = run_query(db_path, "SELECT count(*) AS n FROM articles").column("n").to_pylist()
        seen.append(count)
        time.sleep(0.1)
    outputs = [run.finish() for run in runs]
    assert [run.process.returncode for run in runs] == [0, 0], outputs
    assert all("the test (pid" in output for output in outputs)  # the message names who holds the lock
    assert len(seen) > 5 and seen == sorted(seen) and 0 < max(seen)  # readers got in while the runs loaded

    con = duckdb.connect(str(db_path), read_only=True)
    totals = con.execute(
        "SELECT count(*), sum(n_read), sum(n_loaded), sum(n_duplicates), sum(n_quarantined) FROM runs WHERE status = 'completed'"
    ).fetchone()
    n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    n_runs, n_read, n_loaded, n_duplicates, n_quarantined = totals
    assert (n_runs, n_read) == (2, len(files))
    assert n_read == n_loaded + n_duplicates + n_quarantined and n_loaded == n_articles
    assert n_duplicates >= 1 and n_quarantined >= 1  # the exact copy and the broken header, whichever run met them
