"""`newsetl serve` and `newsetl ui`: what can be checked without serving forever."""

import inspect
import itertools
from collections import Counter

import yaml
from typer.testing import CliRunner

from flows import reports
from flows.cli import app
from flows.settings import PROJECT_ROOT

runner = CliRunner()


def test_serve_says_when_no_server_answers(tmp_path):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        result = runner.invoke(app, ["serve", "--cron", "*/5 * * * *"])
    assert result.exit_code == 1
    assert "no Prefect server answers at http://127.0.0.1:9/api" in result.output
    assert "newsetl ui" in result.output


def test_serve_refuses_a_bad_cron():
    result = runner.invoke(app, ["serve", "--cron", "every five minutes"])
    assert result.exit_code == 2 and "not a valid cron expression" in result.output


def test_serve_takes_paths_or_sources_not_both(tmp_path):
    (tmp_path / "sources.toml").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["serve", str(tmp_path), "--sources", str(tmp_path / "sources.toml")])
    assert result.exit_code == 2 and "give PATHs or --sources, not both" in result.output


def test_prefect_yaml_declares_the_flow_with_valid_parameters():
    from flows.etl import news_etl
    from flows.settings import RunSettings

    config = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (deployment,) = config["deployments"]
    path, name = deployment["entrypoint"].split(":")
    assert (PROJECT_ROOT / path).is_file() and name == news_etl.fn.__name__
    assert list(deployment["parameters"]) == list(inspect.signature(news_etl.fn).parameters) == ["settings"]
    settings = RunSettings(**deployment["parameters"]["settings"])  # a field that does not exist is refused
    assert (settings.db_path, settings.lake_dir) == (RunSettings().db_path, RunSettings().lake_dir)
    assert deployment["schedules"][0]["cron"] == "*/15 * * * *"
    assert deployment["work_pool"]["name"] == "newsetl-process"


def test_summary_rows_follow_the_articles_through_the_stages():
    counts = Counter(
        n_read=10, n_quarantined_extract=1, n_quarantined_normalize=1, n_duplicates=2, n_quarantined_tag=1,
        n_quarantined_validate=1, n_loaded=4, n_mentions_tagged=30, n_mentions=25, n_mentions_quarantined=3,
    )  # fmt: skip
    rows = reports.stage_rows(counts, Counter({"tag-entities": 2.5}))
    assert [(r["stage"], r["articles_in"], r["articles_out"]) for r in rows] == [
        ("extract", 10, 9), ("normalize", 9, 8), ("dedupe", 8, 6), ("find-near-duplicates", 6, 6), ("detect-language", 6, 6),
        ("tag-entities", 6, 5), ("tag-dates", 5, 5), ("tag-events", 5, 5), ("validate", 5, 4), ("load", 4, 4),
    ]  # fmt: skip
    tagging = rows[5]
    assert tagging["seconds"] == 2.5 and tagging["left_or_added"] == "1 quarantined, 30 mentions"
    # each stage's output is the next one's input
    assert all(a["articles_out"] == b["articles_in"] for a, b in itertools.pairwise(rows))


def test_serve_checks_its_inputs_before_asking_for_a_server(tmp_path):
    missing = runner.invoke(app, ["serve", str(tmp_path / "missing")])
    assert missing.exit_code == 2 and "input path does not exist" in missing.output
    no_file = runner.invoke(app, ["serve", "--sources", str(tmp_path / "none.toml")])
    assert no_file.exit_code == 2 and "cannot read" in no_file.output


def test_the_flow_validates_its_settings_once_pickled_as_serve_hands_it_to_a_run():
    # A served run's process gets the flow cloudpickled (Prefect's DirectSubprocessStarter): its parameters must
    # still validate there (a string annotation, `from __future__ import annotations`, failed every served run).
    import cloudpickle

    from flows.etl import news_etl
    from flows.settings import RunSettings

    flow = cloudpickle.loads(cloudpickle.dumps(news_etl))
    settings = RunSettings(workers=3)
    assert flow.validate_parameters({"settings": settings.as_parameters()}) == {"settings": settings}
