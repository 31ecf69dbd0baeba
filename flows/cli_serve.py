"""`newsetl ui` (a local Prefect server) and `newsetl serve` (the news_etl deployment on a schedule)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from flows.cli_common import BatchCharsOption, BatchSizeOption, DbOption, LakeOption, WorkersOption
from flows.cli_common import DEFAULTS
from flows.settings import EXAMPLES_DIR, RunSettings, configure_environment

DEFAULT_PREFECT_HOME = Path("data/prefect")
DEFAULT_UI_HOST = "127.0.0.1"
DEFAULT_UI_PORT = 4200
DEFAULT_CRON = "*/15 * * * *"
DEFAULT_DEPLOYMENT = "newsetl"


def _fail(message: str, code: int = 1) -> typer.Exit:
    from flows.cli_common import fail

    return fail(message, code)


def server_environment(home: Path, host: str, port: int) -> dict[str, str]:
    """The environment of `prefect server start`: its database lives under `home`."""
    return {
        **os.environ,
        "PREFECT_HOME": str(home.resolve()),
        "PREFECT_SERVER_API_HOST": host,
        "PREFECT_SERVER_API_PORT": str(port),
    }


def ui(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port of the server and its UI.")] = DEFAULT_UI_PORT,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = DEFAULT_UI_HOST,
    home: Annotated[
        Path, typer.Option("--home", help="PREFECT_HOME of the server: its SQLite database lives here.")
    ] = DEFAULT_PREFECT_HOME,
) -> None:
    """Start a local Prefect server and its UI (stop it with Ctrl-C).

    Runs started with PREFECT_API_URL=http://HOST:PORT/api show in the UI.

    Example: newsetl ui --port 4200
    """
    configure_environment()
    home.mkdir(parents=True, exist_ok=True)
    url = f"http://{host}:{port}"
    print(f"Prefect UI: {url}  (database under {home}/)", flush=True)
    print(f"In another shell: export PREFECT_API_URL={url}/api; newsetl run", flush=True)
    prefect = Path(sys.executable).with_name("prefect")
    command = [str(prefect), "server", "start", "--host", host, "--port", str(port)]
    try:
        code = subprocess.run(command, env=server_environment(home, host, port), check=False).returncode
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code)


def check_server() -> str:
    """The URL of the configured Prefect server; raise with a clear message when none answers."""
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        raise RuntimeError(
            "no Prefect server configured: start one with `newsetl ui` (or `make ui`), "
            "then export PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        raise RuntimeError(f"no Prefect server answers at {url} ({type(problem).__name__}): start one with `newsetl ui`")
    return url


def serve(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files, directories or http(s) URLs each run reads (default: the bundled examples)."),
    ] = None,
    cron: Annotated[str, typer.Option("--cron", help="When to run, as a cron expression (UTC).")] = DEFAULT_CRON,
    sources: Annotated[
        Path | None, typer.Option("--sources", help="Read the named sources of this sources.toml instead of PATHS.")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Name of the deployment.")] = DEFAULT_DEPLOYMENT,
    db: DbOption = Path(DEFAULTS.db_path),
    lake: LakeOption = DEFAULTS.lake_dir,
    batch_size: BatchSizeOption = DEFAULTS.batch_size,
    batch_chars: BatchCharsOption = DEFAULTS.batch_chars,
    workers: WorkersOption = None,
) -> None:
    """Serve the news_etl deployment on a cron schedule until stopped (Ctrl-C).

    Needs a running Prefect server (PREFECT_API_URL; start one with `newsetl ui`).

    Example: newsetl serve examples/articles --cron "*/15 * * * *" --name examples
    """
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron)
    except ValidationError:
        raise _fail(f"not a valid cron expression: {cron!r}", code=2) from None
    if sources and paths:
        raise _fail("give PATHs or --sources, not both", code=2)
    if sources is not None and not sources.is_file():
        raise _fail(f"sources file does not exist: {sources}", code=2)
    # stored with the deployment: absolute, so a run does not depend on where it starts
    inputs = [p if p.startswith(("http://", "https://")) else str(Path(p).resolve()) for p in paths or [str(EXAMPLES_DIR)]]
    missing = [p for p in inputs if not p.startswith(("http://", "https://")) and not Path(p).exists()]
    if missing and not sources:
        raise _fail(f"input path does not exist: {', '.join(missing)}", code=2)
    configure_environment()
    try:
        url = check_server()
    except RuntimeError as exc:
        raise _fail(str(exc)) from None
    from flows.etl import news_etl
    from warehouse.lake import absolute_root

    settings = RunSettings(
        **({"sources_file": str(sources.resolve())} if sources else {"inputs": inputs}),
        db_path=str(db.resolve()),
        lake_dir=absolute_root(lake),
        batch_size=batch_size,
        batch_chars=batch_chars,
        workers=workers,
    )
    parameters = {"settings": settings.as_parameters()}
    print(f"serving deployment {news_etl.name}/{name} on {cron!r} against {url}", flush=True)
    news_etl.serve(name=name, cron=cron, parameters=parameters)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(ui)
