"""`newsetl run`'s progress: a live line on a terminal (a pseudo-terminal here), plain lines per batch elsewhere."""

import gzip
import logging
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows import progress
from flows.cli.live import TerminalFilter, describe
from flows.settings import EXAMPLES_DIR
from transforms.sources.config import source_for_location

NEWSETL = str(Path(sys.executable).with_name("newsetl"))


def record(name: str, level: int = logging.INFO, **extra) -> logging.LogRecord:
    made = logging.LogRecord(name, level, __file__, 1, "message", (), None)
    made.__dict__.update(extra)
    return made


@pytest.mark.parametrize(
    ("made", "shown"),
    [
        (record("prefect.task_runs"), False),  # "done in 0.3 s", "Finished in state Completed()"
        (record("prefect.task_runs", logging.WARNING), True),
        (record("prefect.flow_runs", **{progress.BATCH_LINE: True}), False),  # the live line says it
        (record("prefect.flow_runs"), True),
        (record("prefect"), True),
    ],
)
def test_the_terminal_leaves_out_task_run_lines_and_the_batch_line(made, shown):
    assert TerminalFilter().filter(made) is shown


def test_the_line_says_what_became_of_the_records():
    state = progress.Progress(3, 600, 540, 40, 20, 30.0, expected=6000)
    assert describe(state) == "600 read · 540 loaded · 40 duplicates · 20 quarantined · 20.0 articles/s"


def test_records_expected_are_counted_where_that_is_cheap(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2026-01-14 Текст.", encoding="utf-8")
    (tmp_path / "b.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "dump.jsonl.gz").write_bytes(gzip.compress(b'{"text": "1"}\n{"text": "2"}\n\n{"text": "3"}\n'))
    assert progress.expected_records([source_for_location(str(tmp_path))]) == 5
    (tmp_path / "wire.csv").write_text("text\nодин\n", encoding="utf-8")
    assert progress.expected_records([source_for_location(str(tmp_path))]) is None  # CSV rows are not counted
    assert progress.expected_records([source_for_location("https://feed.example/rss")]) is None


def run_in_terminal(command: list[str], timeout: float) -> tuple[int, str]:
    """Run `command` with a pseudo-terminal as its stdin, stdout and stderr; return its exit code and output."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its terminal is the pty
        os.environ["COLUMNS"] = "160"
        os.execv(command[0], command)
    output, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not data:
                    break
                output += data
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


@pytest.mark.e2e
def test_on_a_terminal_a_live_line_shows_progress_and_task_runs_stay_off_it(tmp_path):
    code, output = run_in_terminal(
        [NEWSETL, "run", str(EXAMPLES_DIR), "--db", str(tmp_path / "w.duckdb"), "--lake", str(tmp_path / "lake"),
         "--workers", "1", "--batch-size", "4"],
        timeout=900,
    )  # fmt: skip
    assert code == 0, output[-3000:]
    # the line, redrawn after each batch: 11 example files, so the total is known and the line reaches 100%
    assert "4 read · " in output
    assert "11 read · 9 loaded · 1 duplicates · 1 quarantined · " in output and "articles/s" in output
    assert "100%" in output
    # Prefect's per-task-run lines (in this process and in the tagging worker) and the flow's per-batch line are not shown
    assert "Task run" not in output
    assert "batch 1:" not in output
    assert "run " in output and "completed" in output  # the summary follows


@pytest.mark.e2e
def test_elsewhere_plain_lines_per_batch_and_the_report_when_asked(tmp_path):
    report = tmp_path / "out" / "report.html"
    finished = subprocess.run(
        [NEWSETL, "run", str(EXAMPLES_DIR), "--db", str(tmp_path / "w.duckdb"), "--lake", str(tmp_path / "lake"),
         "--workers", "1", "--batch-size", "4", "--report", str(report)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "batch 1: 4 read" in finished.stderr and "batch 3: 3 read" in finished.stderr
    assert "Finished in state" in finished.stderr  # as before: the log's lines go to the log
    # the run started its own temporary server (flows/startup.py), and every thread used it: had one not,
    # Prefect would have started a second one (and, stopped at exit, tried it from its log thread)
    assert "Starting temporary server" not in finished.stderr and "Error logging to API" not in finished.stderr
    assert "━" not in finished.stderr  # no progress bar in a log
    assert f"report: {report}" in finished.stdout
    assert "newsetl: what the warehouse holds" in report.read_text(encoding="utf-8")
