"""Faults in the middle of a run: the lake or the warehouse failing to take a batch, a full disk, the Prefect
server dying. Each run ends failed, saying why, with whole batches only: those before the fault in both the
lake and the warehouse, nothing of the batch it hit in either, and `newsetl check` finds nothing wrong."""

import errno
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.stages import StageFailed
from warehouse import db, lake
from warehouse.integrity import check_warehouse

HIT = 2  # the batch each fault hits; batch 1 loads before it


def hit(path) -> bool:
    """Whether `path` is a file of batch HIT (batch keys end with the batch's number)."""
    return str(path).endswith(f"-{HIT:05d}.parquet")


def batch_keys_in_lake(lake_dir: Path) -> set[str]:
    """The batch of every batch file of the lake, any table (and '.tmp' for a half-written file)."""
    keys = set()
    for path in lake_dir.rglob("*"):
        if path.name.startswith(".tmp-"):
            keys.add(".tmp")
        elif (match := lake.BATCH_FILE.match(path.name)) and path.parent.name != "runs":
            keys.add(match["key"])
    return keys


def assert_only_batch_1(directory: Path) -> None:
    """The warehouse and the lake hold batch 1 and nothing of a later batch; every integrity check passes."""
    con = db.connect(directory / "w.duckdb", read_only=True)
    try:
        committed = {row[0] for row in con.execute("SELECT batch_key FROM batches").fetchall()}
        run = con.execute("SELECT status, n_read, n_loaded FROM runs").fetchall()
        checks = check_warehouse(con, str(directory / "lake"))
    finally:
        con.close()
    assert [key[-5:] for key in committed] == ["00001"]
    assert batch_keys_in_lake(directory / "lake") == committed
    assert [check.line() for check in checks if not check.passed] == []
    assert [status for status, *_ in run] == ["failed"] and run[0][1] > 0  # batch 1's counts, which add up


@pytest.fixture
def fault_settings(examples, tmp_path, run_settings):
    """The example articles in batches of 2 (batch 2 is the one hit)."""
    return run_settings(tmp_path, [examples], batch_size=2)


@pytest.mark.e2e
def test_a_lake_write_failing_mid_batch_leaves_that_batch_nowhere(prefect_server, fault_settings, tmp_path):
    from flows.etl import news_etl

    writes = []
    put = lake._put

    def failing_put(fs, table, path):
        if hit(path):
            writes.append(path)
            if len(writes) == 3:  # the batch's third file: two are in the lake already
                raise OSError(errno.EIO, os.strerror(errno.EIO), path)
        put(fs, table, path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lake, "_put", failing_put)
        with pytest.raises(StageFailed, match=r"^stage load failed: OSError: \[Errno 5\] Input/output error"):
            news_etl(fault_settings)
    assert len(writes) == 3
    assert_only_batch_1(tmp_path)

    again = news_etl(fault_settings)  # the next run loads what the failed one did not
    assert again["status"] == "completed" and again["n_loaded"] > 0
    con = db.connect(tmp_path / "w.duckdb", read_only=True)
    try:
        assert [c.line() for c in check_warehouse(con, str(tmp_path / "lake")) if not c.passed] == []
    finally:
        con.close()


@pytest.mark.e2e
def test_a_warehouse_write_failing_leaves_no_file_of_that_batch_in_the_lake(prefect_server, fault_settings, tmp_path):
    from flows.etl import news_etl
    from warehouse import integrity

    check_batch = integrity.check_batch
    batches = []

    def failing_check(con):  # inside the batch's transaction, after all its rows went in
        batches.append(con)
        if len(batches) == HIT:
            raise duckdb.IOException("Could not write to the write-ahead log: Input/output error")
        check_batch(con)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(integrity, "check_batch", failing_check)
        with pytest.raises(StageFailed, match="^stage load failed: IOException: Could not write to the write-ahead"):
            news_etl(fault_settings)
    assert len(batches) == HIT
    assert_only_batch_1(tmp_path)


@pytest.mark.e2e
def test_a_full_disk_is_reported_as_such(prefect_server, fault_settings, tmp_path):
    """The lake's filesystem (fsspec's local files) fills up while batch 2 is written: the run stops with one line
    saying so, naming the file, and neither the lake nor the warehouse keeps anything of that batch."""
    from fsspec.implementations.local import LocalFileOpener

    from flows.cli import app

    full = []
    write = LocalFileOpener.write

    def write_until_full(self, data):
        if full or hit(self.path):
            full.append(self.path)  # and it stays full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.path)
        return write(self, data)

    settings = fault_settings
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LocalFileOpener, "write", write_until_full)
        result = CliRunner().invoke(
            app,
            [
                "run",
                *settings.inputs,
                "--db",
                settings.db_path,
                "--lake",
                settings.lake_dir,
                "--batch-size",
                "2",
                "--workers",
                "1",
            ],  # fmt: skip
        )
    assert result.exit_code == 1 and full, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert line.startswith(
        "error: the run failed: StageFailed: stage load failed: the disk is full (no space left on device while "
        f"writing {settings.lake_dir}/"
    )
    assert line.endswith("): free space and run again"), line
    assert_only_batch_1(tmp_path)


def test_the_server_check_between_batches_tells_a_server_gone_from_one_that_answers():
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.runners import PrefectServerGone, check_server_answers
    from tests.transforms.test_http import Server

    served = Server()
    served.thread.start()
    try:
        served.route("/api/health", (200, {}, b"true"), (401, {}, b"a key is needed"), (503, {}, b"down"))
        with temporary_settings(updates={PREFECT_API_URL: f"{served.url}/api"}):
            check_server_answers()  # up
            check_server_answers()  # up, though it wants a key for this
            with pytest.raises(
                PrefectServerGone, match=rf"^the Prefect server at {served.url}/api stopped answering \(HTTP 503\)"
            ):
                check_server_answers()
    finally:
        served.httpd.shutdown()
        served.httpd.server_close()
    with temporary_settings(updates={PREFECT_API_URL: f"{served.url}/api"}):  # nothing listens there now
        with pytest.raises(
            PrefectServerGone, match=r"stopped answering \(ConnectError: .*\); the batches loaded before"
        ):
            check_server_answers()
    assert [path for path, _ in served.requests] == ["/api/health"] * 3


@pytest.mark.e2e
@pytest.mark.slow
def test_the_prefect_server_dying_mid_run_ends_the_run_with_a_clear_message(examples, tmp_path):
    """`newsetl run` against a Prefect server of its own, killed (SIGKILL) once batch 2 has loaded: the run ends,
    soon, saying that the server stopped answering, and every batch it loaded is whole."""
    import prefect.settings
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.testing.utilities import _find_available_port

    with prefect.settings.temporary_settings(
        updates={prefect.settings.PREFECT_SERVER_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{tmp_path}/prefect.db"}
    ):
        server = SubprocessASGIServer(port=_find_available_port())
        server.start(timeout=180)
    lines: list[str] = []
    command = [sys.executable, "-c", "from flows.cli import main; main()", "run", str(examples),
               "--db", str(tmp_path / "w.duckdb"), "--lake", str(tmp_path / "lake"), "--batch-size", "1",
               "--workers", "1"]  # fmt: skip
    env = {**os.environ, "PREFECT_API_URL": server.api_url, "PYTHONUNBUFFERED": "1", "COLUMNS": "300"}
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    reader = threading.Thread(target=lambda: lines.extend(run.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 300
        while not any(line.startswith("batch 2:") or " batch 2: " in line for line in lines):
            assert run.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.05)
        server.server_process.kill()
        killed = time.monotonic()
        run.wait(timeout=180)
        ended_in = time.monotonic() - killed
    finally:
        if run.poll() is None:
            run.kill()
        server.stop()
    reader.join(timeout=10)
    output = "".join(lines)
    assert run.returncode == 1, output
    (line,) = [line for line in output.splitlines() if line.startswith("error:")]
    assert line.startswith("error: the run failed: the Prefect server at ") and "stopped answering" in line, line
    print(f"the run ended {ended_in:.1f} s after its server was killed: {line}")
    assert ended_in < 180  # the check's 10 s, then Prefect's client retrying the flow run's state (about a minute)
    con = db.connect(tmp_path / "w.duckdb", read_only=True)
    try:
        n_batches, status = con.execute("SELECT (SELECT count(*) FROM batches), status FROM runs").fetchone()
        checks = check_warehouse(con, str(tmp_path / "lake"))
    finally:
        con.close()
    assert n_batches >= 2 and status == "failed"
    assert [check.line() for check in checks if not check.passed] == []
