"""The options of `run`, `serve` and `quarantine replay` follow the settings model (flows/settings.py):
each field is an option with the field's default and help, or is named below with why it is not."""

import pytest
import typer.main
from typer.testing import CliRunner

import flows.etl
import flows.replay
from flows.cli import app
from flows.cli import serve as serve_module
from flows.cli.common import OPTIONS
from flows.settings import EXAMPLES_DIR, ReplaySettings, RunSettings

runner = CliRunner()

# The fields `newsetl run` sets otherwise than by an option, and how.
RUN_SETS_OTHERWISE = {
    "inputs": "the PATH|URL arguments",
    "source_timezones": "a time zone per source comes with the source: sources.toml, or the Python API",
}
# The fields `newsetl serve` leaves to their defaults too, and why.
SERVE_LEAVES = {
    **RUN_SETS_OTHERWISE,
    "full": "every scheduled run would read everything again: run `newsetl run --full` by hand",
    "only": "a schedule reads every source of its --sources file",
    "lock_timeout": "a scheduled run waits the default hour for another writer",
}
# The fields `newsetl quarantine replay` leaves to their defaults, and why.
REPLAY_LEAVES = {
    "workers": "a replay holds a few records: one process per core is plenty",
    "dask_address": "as few records need no cluster",
    "lock_timeout": "a replay waits the default hour for another writer",
    "default_timezone": "records are replayed as the run that quarantined them read them, without sources.toml",
    "source_timezones": "the same",
    "near_duplicate_threshold": "the index of near copies is the warehouse's, with its default threshold",
    "report_path": "a replay changes a few rows: `newsetl report` (or the next run's --report) shows them",
    "story_window_days": "replayed articles join stories with the default window and threshold",
    "story_threshold": "the same",
    "max_file_bytes": "a replay reads no file: its records come from the quarantine table",
    "max_lines_per_file": "the same",
    "max_article_chars": "a record over a limit kept only the start of its payload and is not replayed; "
    "the others are checked against the default limits",
    "max_json_depth": "the same",
}
COMMANDS = [
    (("run",), RunSettings, RUN_SETS_OTHERWISE),
    (("serve",), RunSettings, SERVE_LEAVES),
    (("quarantine", "replay"), ReplaySettings, REPLAY_LEAVES),
]


def command(path):
    found = typer.main.get_command(app)
    for name in path:
        found = found.commands[name]
    return found


def options_of(path) -> dict[str, object]:
    return {flag: param for param in command(path).params for flag in param.opts}


@pytest.mark.parametrize(
    ("path", "model", "otherwise"), COMMANDS, ids=lambda value: " ".join(value) if isinstance(value, tuple) else ""
)
def test_each_setting_is_an_option_with_its_default_and_help(path, model, otherwise):
    options = options_of(path)
    for field, info in model.model_fields.items():
        flag = OPTIONS.get(field, (None,))[0]
        if field in otherwise:
            assert flag not in options, f"{field} is listed as set otherwise, yet {flag} is an option"
            continue
        assert flag in options, (
            f"the setting {field} is no option of `newsetl {' '.join(path)}`: add one, or list why not"
        )
        option = options[flag]
        default = info.get_default(call_default_factory=True)
        assert (list(option.default) if isinstance(default, list) else option.default) == default, field
        assert option.help == info.description, field
    unknown = set(otherwise) - set(model.model_fields)
    assert not unknown, f"listed but no field of {model.__name__}: {unknown}"


def test_the_inputs_are_the_path_arguments():
    (argument,) = [param for param in command(("run",)).params if param.param_type_name == "argument"]
    assert argument.metavar == "PATH|URL" and argument.help == RunSettings.model_fields["inputs"].description


def handed_to(monkeypatch, module, flow_name, args):
    """The settings a command hands its flow (stopped there)."""
    handed = []

    def flow(settings):
        handed.append(settings)
        raise RuntimeError("stop here")

    monkeypatch.setattr(module, flow_name, flow)
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "stop here" in result.output, result.output
    return handed[0]


def test_run_without_options_hands_the_flow_the_default_settings(monkeypatch):
    assert handed_to(monkeypatch, flows.etl, "news_etl", ["run"]) == RunSettings()


def test_run_hands_each_option_to_its_setting(monkeypatch, tmp_path):
    args = [
        "run", str(EXAMPLES_DIR), "--full", "--db", str(tmp_path / "w.duckdb"), "--lake", "memory://newsetl/lake",
        "--batch-size", "3", "--batch-chars", "4000", "--workers", "2", "--dask-address", "tcp://scheduler:8786",
        "--wait", "5", "--timezone", "Europe/Moscow", "--near-duplicate-threshold", "0.7",
        "--max-article-chars", "5000", "--max-file-bytes", "6000", "--max-lines-per-file", "7", "--max-json-depth", "8",
    ]  # fmt: skip
    assert handed_to(monkeypatch, flows.etl, "news_etl", args) == RunSettings(
        inputs=[str(EXAMPLES_DIR)], full=True, db_path=str(tmp_path / "w.duckdb"), lake_dir="memory://newsetl/lake",
        batch_size=3, batch_chars=4000, workers=2, dask_address="tcp://scheduler:8786", lock_timeout=5,
        default_timezone="Europe/Moscow", near_duplicate_threshold=0.7,
        max_article_chars=5000, max_file_bytes=6000, max_lines_per_file=7, max_json_depth=8,
    )  # fmt: skip
    config = str(EXAMPLES_DIR.parent / "sources.toml")
    with_sources = handed_to(
        monkeypatch, flows.etl, "news_etl", ["run", "--sources", config, "--only", "wire", "--only", "seed"]
    )
    assert (with_sources.sources_file, with_sources.only) == (config, ["wire", "seed"])


def test_replay_hands_its_options_to_its_settings(monkeypatch, tmp_path):
    (tmp_path / "w.duckdb").touch()
    args = ["quarantine", "replay", "--stage", "tag-events", "--db", str(tmp_path / "w.duckdb"), "--batch-size", "7"]
    assert handed_to(monkeypatch, flows.replay, "quarantine_replay", args) == ReplaySettings(
        stage="tag-events", db_path=str(tmp_path / "w.duckdb"), batch_size=7
    )


def test_serve_stores_its_settings_with_the_deployment(monkeypatch, tmp_path):
    """Paths, --db and a local --lake absolute, a lake URL as it is; the rest as given."""
    served = {}
    monkeypatch.setattr(serve_module, "check_server", lambda: "http://127.0.0.1:9/api")
    monkeypatch.setattr(flows.etl.news_etl, "serve", lambda **kwargs: served.update(kwargs))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    args = [
        "serve",
        "in",
        "--db",
        "w.duckdb",
        "--lake",
        "lake",
        "--timezone",
        "Europe/Moscow",
        "--near-duplicate-threshold",
        "0.6",
    ]
    result = runner.invoke(app, [*args, "--cron", "0 * * * *", "--name", "hourly"])
    assert result.exit_code == 0, result.output
    assert (served["name"], served["cron"]) == ("hourly", "0 * * * *")
    settings = RunSettings(**served["parameters"]["settings"])
    assert settings == RunSettings(
        inputs=[str(tmp_path / "in")], db_path=str(tmp_path / "w.duckdb"), lake_dir=str(tmp_path / "lake"),
        default_timezone="Europe/Moscow", near_duplicate_threshold=0.6,
    )  # fmt: skip
    result = runner.invoke(app, ["serve", "--lake", "memory://newsetl/lake"])
    assert result.exit_code == 0, result.output
    assert served["parameters"]["settings"]["lake_dir"] == "memory://newsetl/lake"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--timezone", "Mars/Olympus"], "error: --timezone: unknown time zone 'Mars/Olympus'"),
        (
            ["run", "--near-duplicate-threshold", "1.5"],
            "error: --near-duplicate-threshold: Input should be less than 1",
        ),
        (
            ["run", "--near-duplicate-threshold", "0"],
            "error: --near-duplicate-threshold: Input should be greater than 0",
        ),
        (["serve", "--timezone", "Europe/Nowhere"], "error: --timezone: unknown time zone 'Europe/Nowhere'"),
        (["quarantine", "replay", "--stage", "extract"], "error: --stage: cannot replay stage 'extract'"),
        (["run", "--batch-size", "0"], "--batch-size"),
        (["run", "--wait", "-1"], "--wait"),
        (["run", "--max-article-chars", "1000001"], "--max-article-chars"),
        (["run", "--max-file-bytes", "0"], "--max-file-bytes"),
    ],
)
def test_a_bad_setting_is_a_usage_error_naming_its_option(args, message, tmp_path):
    result = runner.invoke(app, [*args, "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    if message.startswith("error:"):
        assert result.output.strip().count("\n") == 0, "one line"
    assert not (tmp_path / "w.duckdb").exists()
