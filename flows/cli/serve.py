"""`newsetl serve` (the news_etl deployment on a schedule) and `newsetl ui` (a local Prefect server)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import build, check_inputs, fail, inputs_argument, setting
from flows.settings import RunSettings, configure_environment

app = typer.Typer()

DEFAULT_PREFECT_HOME = Path("data/prefect")
DEFAULT_UI_HOST = "127.0.0.1"
DEFAULT_UI_PORT = 4200
DEFAULT_CRON = "*/15 * * * *"
DEFAULT_DEPLOYMENT = "newsetl"


@app.command()
def serve(  # each settings parameter named after its field (see `build`)
    inputs: list[str] | None = inputs_argument(),
    sources_file: Path | None = setting("sources_file"),
    cron: Annotated[
        str, typer.Option("--cron", metavar="EXPR", help="When to run, as a cron expression (UTC).")
    ] = DEFAULT_CRON,
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="Name of the deployment.")] = DEFAULT_DEPLOYMENT,
    db_path: Path = setting("db_path"),
    lake_dir: str = setting("lake_dir"),
    batch_size: int = setting("batch_size"),
    batch_chars: int = setting("batch_chars"),
    workers: int | None = setting("workers"),
    dask_address: str | None = setting("dask_address"),
    warm_workers: Annotated[
        bool,
        typer.Option(
            "--warm-workers/--no-warm-workers",
            help="Keep tagging workers, models loaded, between runs: a local Dask cluster living as long as serve "
            "(a second or two faster per run on 2 cores: docs/performance.md); ignored with --dask-address.",
        ),
    ] = False,
    default_timezone: str = setting("default_timezone"),
    near_duplicate_threshold: float = setting("near_duplicate_threshold"),
    report_path: Path | None = setting("report_path"),
    story_window_days: float = setting("story_window_days"),
    story_threshold: float = setting("story_threshold"),
    max_article_chars: int = setting("max_article_chars"),
    max_file_bytes: int = setting("max_file_bytes"),
    max_lines_per_file: int = setting("max_lines_per_file"),
    max_json_depth: int = setting("max_json_depth"),
) -> None:
    """Serve the news_etl deployment on a cron schedule until stopped (Ctrl-C).

    Each run reads what is new since the last one. Paths, --db and a local
    --lake are stored absolute. Needs a running Prefect server
    (PREFECT_API_URL; start one with `newsetl ui`).

    Example: newsetl serve examples/articles --cron "*/15 * * * *" --name examples
    """
    configure_environment()  # before Prefect is imported
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    from transforms.sources.config import is_url
    from warehouse.lake import absolute_root

    try:
        CronSchedule(cron=cron)
    except ValidationError:
        raise fail(f"not a valid cron expression: {cron!r}", code=2) from None
    if sources_file and inputs:
        raise fail("give PATHs or --sources, not both", code=2)
    # stored with the deployment: absolute, so a run does not depend on where it starts
    inputs = [p if is_url(p) else str(Path(p).resolve()) for p in inputs] if inputs else None
    sources_file = sources_file.resolve() if sources_file else None
    db_path = db_path.resolve()
    report_path = report_path.resolve() if report_path else None
    lake_dir = absolute_root(lake_dir)
    settings = build(RunSettings, locals())
    check_inputs(settings)
    try:
        url = check_server()
    except RuntimeError as exc:
        raise fail(str(exc)) from None
    from flows.etl import news_etl

    with warm_tagging_workers(settings.workers) if warm_workers and not dask_address else nullcontext() as address:
        if address:
            settings = settings.model_copy(update={"dask_address": address})
        print(f"serving deployment {news_etl.name}/{name} on {cron!r} against {url}", flush=True)
        news_etl.serve(name=name, cron=cron, parameters={"settings": settings.as_parameters()})


@contextmanager
def warm_tagging_workers(workers: int | None) -> Iterator[str]:
    """A local Dask cluster for the runs serve starts: its address while it lasts (closed with serve).

    Prefect runs each scheduled run in a fresh process, whose own tagging pool
    would start and load natasha's models again (most of a small run's time).
    These workers live as long as serve instead: one single-threaded process
    per core (or `workers`), each loading the models once as it starts
    (`flows.dask_worker`), on 127.0.0.1, no dashboard. A worker dies with
    serve (Dask's worker processes end when their parent does).
    """
    import dask
    from distributed import Client, LocalCluster

    from flows.runners import machine_cores

    n_workers = workers or machine_cores()
    print(f"starting {n_workers} tagging workers (natasha's models load once, kept between runs)", flush=True)
    # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in its workers: glibc then hands memory back at every
    # free, and natasha ran at 10.8 articles/s there against 16.4 without it (11.1 in a plain process given
    # it). Not set here (None unsets it); Dask's statistical profiler is off too (no dashboard shows it).
    unslowed = {
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
        "distributed.worker.profile.enabled": False,
    }
    with (
        dask.config.set(unslowed),
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            preload=["flows.dask_worker"],
        ) as cluster,
    ):
        with Client(cluster) as client:
            client.wait_for_workers(n_workers)
        print(f"tagging workers ready at {cluster.scheduler_address}", flush=True)
        yield cluster.scheduler_address


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
        raise RuntimeError(
            f"no Prefect server answers at {url} ({type(problem).__name__}): start one with `newsetl ui`"
        )
    return url


@app.command()
def ui(
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", min=1, max=65535, help="Port of the server and its UI.")
    ] = DEFAULT_UI_PORT,
    host: Annotated[str, typer.Option("--host", metavar="HOST", help="Address to listen on.")] = DEFAULT_UI_HOST,
    home: Annotated[
        Path, typer.Option("--home", metavar="DIR", help="PREFECT_HOME of the server: its SQLite database lives here.")
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


def server_environment(home: Path, host: str, port: int) -> dict[str, str]:
    """The environment of `prefect server start`: its database lives under `home`."""
    return {
        **os.environ,
        "PREFECT_HOME": str(home.resolve()),
        "PREFECT_SERVER_API_HOST": host,
        "PREFECT_SERVER_API_PORT": str(port),
    }
