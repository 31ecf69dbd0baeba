"""Stage errors: network errors are retried with backoff, parse failures are not; a failed stage names itself."""

import socket
import urllib.error

import duckdb
import pytest

from flows.stages import CAUSE_CHARS, StageFailed, batch_task, is_transient
from flows.tasks import EXTRACT_RETRIES


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (ConnectionResetError("reset by peer"), True),
        (TimeoutError("read timed out"), True),
        (socket.gaierror("name resolution failed"), True),
        (urllib.error.URLError("connection refused"), True),
        (urllib.error.HTTPError("https://example.test", 503, "Service Unavailable", {}, None), True),
        (urllib.error.HTTPError("https://example.test", 404, "Not Found", {}, None), False),
        (ValueError("invalid JSON"), False),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), False),
        (FileNotFoundError("gone"), False),
    ],
)
def test_only_network_errors_are_transient(error, transient):
    assert is_transient(error) is transient


def test_stage_failed_survives_pickling():
    import pickle

    error = pickle.loads(pickle.dumps(StageFailed("tag-entities", "MemoryError: ", transient=False)))
    assert str(error) == "stage tag-entities failed: MemoryError: " and error.stage == "tag-entities"


def test_a_failed_stage_quotes_the_start_of_a_long_cause_and_says_how_long_it_was():
    """The message goes to the Prefect server (state message, the run's error, a log line): an exception
    quoting a whole record must not take the record there."""

    @batch_task("normalize")
    def normalize(batch: list) -> list:
        raise ValueError(f"cannot parse {batch[0]}")

    with pytest.raises(StageFailed) as failed:
        normalize.fn(["x" * 5_000_000])
    assert str(failed.value).startswith("stage normalize failed: ValueError: cannot parse xxx")
    assert str(failed.value).endswith("… (5,000,025 characters)")
    assert len(failed.value.cause) < CAUSE_CHARS + 30


def flaky_extract(error: Exception, failures: int):
    """An extract task (the project's retry options, no delay) that raises `error` `failures` times."""
    calls = []

    @batch_task("extract", **{**EXTRACT_RETRIES, "retry_delay_seconds": 0, "retry_jitter_factor": None})
    def extract(chunk: list) -> list:
        calls.append(len(chunk))
        if len(calls) <= failures:
            raise error
        return chunk

    return extract, calls


@pytest.mark.e2e
def test_extract_retries_a_network_error(prefect_server):
    from prefect import flow

    extract, calls = flaky_extract(ConnectionResetError("connection reset by peer"), failures=2)
    assert flow(extract)(["a"]) == ["a"]
    assert len(calls) == 3


@pytest.mark.e2e
def test_extract_does_not_retry_a_parse_failure(prefect_server):
    from prefect import flow

    extract, calls = flaky_extract(ValueError("no ' date ' header"), failures=1)
    with pytest.raises(StageFailed, match=r"stage extract failed: ValueError: no ' date ' header"):
        flow(extract)(["a"])
    assert len(calls) == 1


@pytest.mark.e2e
def test_a_failed_stage_fails_the_run_naming_the_stage(prefect_server, examples, tmp_path, run_settings):
    from flows.etl import news_etl

    lake = tmp_path / "lake"
    lake.write_text("a file where the lake directory should be")
    with pytest.raises(StageFailed, match=r"^stage load failed: \w+Error"):
        news_etl(run_settings(tmp_path, [examples], lake_dir=str(lake)))
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    status, error = con.execute("SELECT status, error FROM runs").fetchone()
    con.close()
    assert status == "failed" and error.startswith("StageFailed: stage load failed:")


def test_every_task_is_named_after_a_stage_and_the_readme_shows_them_in_order():
    """One set of stage names (transforms.stages.Stage): the tasks, the README's diagram and the summary rows."""
    from collections import Counter

    from flows import reports, tagging, tasks
    from flows.settings import PROJECT_ROOT
    from transforms.stages import ARTICLE_STAGES, Stage

    task_names = {
        value.name for module in (tasks, tagging) for value in vars(module).values() if hasattr(value, "task_run_name")
    }
    assert set(ARTICLE_STAGES) <= task_names <= set(Stage)
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    (diagram,) = [line for line in readme.splitlines() if line.startswith("sources ─►")]
    assert diagram.split(" ─► ")[1:] == list(ARTICLE_STAGES)
    assert [row["stage"] for row in reports.stage_rows(Counter(), Counter())] == list(ARTICLE_STAGES)


def test_integrity_checks_join_the_validation_report_and_a_failed_one_fails_the_run():
    from flows.pipeline import ValidationLog
    from warehouse.integrity import Check, IntegrityViolated

    log = ValidationLog()
    log.add_integrity([Check("run_counts_add_up", 0)])
    assert log.report == [
        {
            "suite": "integrity",
            "expectation": "run_counts_add_up",
            "severity": "critical",
            "success": True,
            "unexpected_count": 0,
        }
    ]
    with pytest.raises(IntegrityViolated, match="after the run: entity_links_resolve: 2 violations, e.g. e1, e2"):
        log.add_integrity([Check("entity_links_resolve", 2, ("e1", "e2"))])
    assert [row["success"] for row in log.summary()] == [True, False]
