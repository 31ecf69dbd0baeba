"""What a run sends the Prefect server stays small however large its batch: no batch, record or text
travels in events, task runs, logs or artifacts.

Prefect 3 records a task run from the events its client emits (`prefect.task-run.*`: the task run with
its `task_inputs`, which name upstream task runs, never values; the state, whose result is not sent
with `persist_result=False`); the server also emits an event per artifact, carrying the artifact's data.
A run over one batch of several megabytes (the examples, and long composed articles over the articles
suite's maximum text, quarantined by validate) must send nothing near that size.
"""

import json
import logging
import random
from uuid import UUID

import pytest
from prefect.testing.fixtures import asserting_and_emitting_events_worker  # noqa: F401 (a fixture)

from expectations.articles import MAX_TEXT_CHARS
from flows.settings import EXAMPLES_DIR

pytestmark = pytest.mark.e2e

LIMIT = 20_000  # bytes: the most one event, task run, flow run, log line or artifact may take
WORDS = (
    "the council met on monday to discuss the new budget for roads schools and parks while residents asked "
    "about water prices bus routes and the long delayed library project downtown"
).split()


def composed_article(number: int, chars: int) -> dict:
    """An English article of about `chars` characters, of random sentences in our own words."""
    rng = random.Random(number)
    sentences, length = [], 0
    while length < chars:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
        sentences.append(sentence)
        length += len(sentence) + 1
    return {"id": f"long-{number}", "source": "composed", "url": f"https://example.test/long/{number}",
            "title": f"Council story {number}", "published": "2026-01-14T09:00:00", "text": " ".join(sentences)}  # fmt: skip


class MessageSizes(logging.Handler):
    """Sizes of the log messages of this process (the flow's; the workers' are read back from the server)."""

    def __init__(self):
        super().__init__()
        self.sizes: list[int] = []

    def emit(self, record):
        self.sizes.append(len(record.getMessage().encode()))


def test_a_run_over_a_large_batch_sends_the_server_nothing_of_its_size(
    prefect_server,
    asserting_and_emitting_events_worker,  # noqa: F811 (records every event, the workers' included, and sends it on)
    tmp_path,
    run_settings,
):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )

    from flows.etl import news_etl

    long_articles = tmp_path / "long.jsonl"
    with long_articles.open("w", encoding="utf-8") as out:
        for number in range(2):
            out.write(json.dumps(composed_article(number, MAX_TEXT_CHARS + 200_000)) + "\n")
    batch_bytes = long_articles.stat().st_size + sum(f.stat().st_size for f in EXAMPLES_DIR.iterdir())
    assert batch_bytes > 100 * LIMIT

    messages = MessageSizes()
    logging.getLogger("prefect").addHandler(messages)
    try:
        settings = run_settings(tmp_path, [EXAMPLES_DIR, long_articles], batch_size=1000, batch_chars=10**9)
        summary = news_etl(settings)
    finally:
        logging.getLogger("prefect").removeHandler(messages)
    assert summary["n_read"] == 13 and summary["n_quarantined"] >= 2  # one batch, the long articles quarantined
    asserting_and_emitting_events_worker.drain()

    events = asserting_and_emitting_events_worker._client.events
    run_id = UUID(summary["run_id"])
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))
        flow_run = client.read_flow_run(run_id)
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )
    assert {e.event for e in events} >= {"prefect.task-run.Running", "prefect.task-run.Completed"}
    assert {t.name.rsplit("-", 1)[0] for t in task_runs} >= {"extract", "tag-batch", "validate", "load"}
    assert len(artifacts) >= 3 and logs
    sizes = {
        "event": max(len(e.model_dump_json()) for e in events),
        "task run": max(len(t.model_dump_json()) for t in task_runs),
        "flow run": len(flow_run.model_dump_json()),
        "log line": max([len(log.message.encode()) for log in logs] + messages.sizes),
        "artifact": max(len(a.model_dump_json()) for a in artifacts),
    }
    print(f"sizes in bytes {sizes}, the batch {batch_bytes:,} bytes")
    assert all(size < LIMIT for size in sizes.values()), f"sizes in bytes {sizes}, the batch {batch_bytes:,} bytes"
