"""The lake in S3-compatible object storage: moto's S3 server on 127.0.0.1, reached the way AWS's own tools reach
S3 (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); credentials are dummies set here only."""

import shutil

import pytest

from flows.settings import EXAMPLES_DIR
from tests.integration.helpers import BIN, answers, checksums, clean_environment, free_port, newsetl

pytestmark = pytest.mark.integration

BUCKET = "newsetl-test"
LAKE = f"s3://{BUCKET}/lake"
# What a rebuild without the old file cannot restore from the lake (warehouse/recovery.py): what the sources looked
# like when last read, and the near-duplicate index's band hashes (made again by the next run).
NOT_IN_THE_LAKE = {"source_state", "signature_bands"}


@pytest.fixture
def s3(services, tmp_path, monkeypatch):
    """moto's S3 server with one bucket; the AWS environment that reaches it (and nothing of this machine's)."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    aws = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "newsetl-test-key",
        "AWS_SECRET_ACCESS_KEY": "newsetl-test-secret",  # noqa: S105 (moto accepts any)
        "AWS_DEFAULT_REGION": "us-east-1",
        # no ~/.aws of whoever runs the tests
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }
    env = clean_environment(**aws)
    server = services("moto", [BIN / "moto_server", "-H", "127.0.0.1", "-p", port], env)
    server.wait_for(lambda: answers(f"{endpoint}/moto-api/"))
    for name in [k for k in list(__import__("os").environ) if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in aws.items():
        monkeypatch.setenv(name, value)
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()  # one made before this test would keep another endpoint
    fs = s3fs.S3FileSystem()
    fs.mkdir(BUCKET)
    yield fs, env
    s3fs.S3FileSystem.clear_instance_cache()


def test_a_lake_in_s3_is_written_rebuilt_from_compacted_and_queried(s3, prefect_server, tmp_path):
    from prefect.settings import PREFECT_API_URL

    fs, env = s3
    env = {**env, "PREFECT_API_URL": PREFECT_API_URL.value()}
    work = tmp_path / "work"  # the commands' working directory: nothing may land in a local data/lake
    work.mkdir()
    examples = shutil.copytree(EXAMPLES_DIR, tmp_path / "articles")
    db_path = work / "w.duckdb"

    # batches of 2: several files per table, for compaction to merge
    newsetl("run", examples, "--db", db_path, "--lake", LAKE, "--batch-size", 2, "--workers", 1, env=env, cwd=work)
    files = fs.find(f"{BUCKET}/lake")
    assert any("/articles/published_date=2026-01-06/" in f for f in files), files
    assert any(f.startswith(f"{BUCKET}/lake/batches/") for f in files) and any("/runs/" in f for f in files)
    assert not list(work.rglob("*.parquet")) and not list(tmp_path.glob("**/lake"))  # nothing of the lake is local
    before = checksums(db_path)
    assert before["articles"][0] >= 8 and before["mentions"][0] > 50

    # the warehouse lost: a new one from the lake in S3 alone; the rows not in the lake are derived or the sources' state
    rebuilt = newsetl("rebuild", "--db", work / "from-lake.duckdb", "--lake", LAKE, env=env, cwd=work)
    assert "rebuilt from" in rebuilt.stdout
    from_lake = checksums(work / "from-lake.duckdb")
    assert from_lake.pop("source_state")[0] == from_lake.pop("signature_bands")[0] == 0
    assert from_lake == {name: value for name, value in before.items() if name not in NOT_IN_THE_LAKE}

    # compaction merges the per-batch files in S3; the warehouse rebuilt from the compacted lake is the same, checksum for checksum
    n_files = len(fs.find(f"{BUCKET}/lake"))
    compacted = newsetl("lake", "compact", "--lake", LAKE, "--db", db_path, env=env, cwd=work)
    assert "files →" in compacted.stdout
    fs.invalidate_cache()
    remaining = fs.find(f"{BUCKET}/lake")
    assert len(remaining) < n_files and any("/compacted-" in f for f in remaining)
    newsetl("rebuild", "--db", db_path, "--lake", LAKE, env=env, cwd=work)
    assert checksums(db_path) == before

    # `newsetl sql` reads the lake's Parquet in S3 and the warehouse in one statement
    query = (
        f"SELECT count(*) AS lake_rows, count(a.article_id) AS matched "  # noqa: S608 (a test's query)
        f"FROM read_parquet('{LAKE}/articles/**/[!.]*.parquet', hive_partitioning = true) l "
        "LEFT JOIN articles a ON a.article_id = l.article_id AND a.text = l.text AND a.published_date = l.published_date"
    )
    result = newsetl("sql", query, "--db", db_path, "--lake", LAKE, "--format", "csv", env=env, cwd=work)
    n_articles = before["articles"][0]
    assert result.stdout.splitlines() == ["lake_rows,matched", f"{n_articles},{n_articles}"]
