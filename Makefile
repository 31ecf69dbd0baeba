# newsetl: `make demo` runs the pipeline on the bundled examples; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Telemetry off for everything started from here.
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := False
export DO_NOT_TRACK := 1

.PHONY: install demo test test-slow test-integration lint bench bench-memory bench-report retagger event-model ui clean

install: $(STAMP)

# Re-installs only when the declared or pinned dependencies change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,lint,train]'
	touch $(STAMP)

demo: install
	$(BIN)/newsetl run examples/articles

# The integration tests (tests/integration/: S3, a Dask cluster, a work pool, PostgreSQL) run apart: a few minutes each.
# So do the slow ones (runs killed at random moments, a server dying mid-run, tagging on worker processes and
# on a local Dask cluster: about seven minutes together),
# to keep `make test` under ten minutes; .ci/run runs all three.
test: install
	$(BIN)/python -m pytest -m "not integration and not slow"

test-slow: install
	$(BIN)/python -m pytest -m "slow and not integration"

test-integration: install
	$(BIN)/python -m pytest -m integration tests/integration

# The layout's guard rails: ruff (lint and format, configured in pyproject.toml) and the import contracts (lint-imports).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Benchmarks read the shared corpora (not part of the repository); override CORPORA to point elsewhere.
# Throughput: bare natasha vs the pipeline on every core over the first N articles of the bulk corpus;
# extraction quality: bench/extract_eval.py over the HTML corpus.
CORPORA ?= ../shared/corpora
N ?= 2000
# The warehouse benchmark reads the warehouse and lake of an earlier run (e.g. of the bulk corpus).
BENCH_DB ?= data/news.duckdb
BENCH_LAKE ?= data/lake
bench: install
	$(BIN)/python -m bench.throughput --jsonl $(CORPORA)/news_bulk_dev.jsonl.gz --n $(N)
	$(BIN)/python bench/extract_eval.py $(CORPORA)/html
	$(BIN)/python -m bench.bench_dates $(CORPORA)/news_bulk_dev.jsonl.gz --limit 400
	$(BIN)/python -m bench.bench_neardup $(CORPORA)/news_bulk_dev.jsonl.gz
	$(BIN)/python bench/ner_quality.py $(CORPORA)/factru/devset.jsonl --nerel $(CORPORA)/nerel
	$(BIN)/python bench/entities_speed.py $(CORPORA)/news_bulk_dev.jsonl.gz 300
	$(BIN)/python bench/events.py $(CORPORA)/news_bulk_dev.jsonl.gz --limit 300
	@if [ -e $(BENCH_DB) ]; then $(BIN)/python bench/warehouse_bench.py --db $(BENCH_DB) --lake $(BENCH_LAKE); \
	else echo "warehouse benchmark skipped: no $(BENCH_DB) (run newsetl first, or set BENCH_DB and BENCH_LAKE)"; fi
	$(BIN)/python bench/validation.py $(CORPORA)/news_bulk_dev.jsonl.gz --articles 500
	$(BIN)/python -m bench.increments $(CORPORA)/news_bulk_dev.jsonl.gz

# Peak memory against the articles read: the first 1,000, one in every 6 (the whole file's mix of short and long),
# the last 1,000 (long ones), all 6,000 (about 8 minutes).
bench-memory: install
	$(BIN)/python -m bench.throughput --jsonl $(CORPORA)/news_bulk_dev.jsonl.gz --pipeline-only --n 1000
	$(BIN)/python -m bench.throughput --jsonl $(CORPORA)/news_bulk_dev.jsonl.gz --pipeline-only --n 1000 --every 6
	$(BIN)/python -m bench.throughput --jsonl $(CORPORA)/news_bulk_dev.jsonl.gz --pipeline-only --n 1000 --skip 5000
	$(BIN)/python -m bench.throughput --jsonl $(CORPORA)/news_bulk_dev.jsonl.gz --pipeline-only --n 6000

# The entity re-tagger (transforms/retagger.npz, shipped in the package) learned again from the tune parts of
# NEREL train and factRu dev (evaluation/retagger_training.py); the same corpora give the same file.
retagger: install
	$(BIN)/python -m evaluation.retagger_training $(CORPORA)

# The event confidence model (transforms/event_confidence.json), trained on the tune part of the real-news gold
# (tests/gold/events_news_bulk.toml, which points into the bulk corpus); scikit-learn comes with `make install`.
event-model: install
	$(BIN)/python bench/train_event_confidence.py $(CORPORA)/news_bulk_dev.jsonl.gz

# Every benchmark run recorded in bench/results/history.jsonl (commit, machine, figures), oldest first.
bench-report: install
	$(BIN)/python -m bench.history

# A local Prefect server with its UI on http://127.0.0.1:4200 (database under data/prefect/).
ui: install
	$(BIN)/newsetl ui

clean:
	rm -rf $(VENV) data *.egg-info
