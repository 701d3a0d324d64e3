# Một Cửa: the README's commands. `make run` and `make test` set up a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Test processes (pytest-xdist): "auto" is one per CPU; 0 runs the suite in this process.
TEST_WORKERS ?= auto
export FLASK_APP := wsgi

.PHONY: run test bench bench-pdf bench-2g bench-queue bench-stats bench-reads load lint format assets install install-dev db-upgrade seed serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.dev-installed

# htmx is pinned in package.json and copied from the npm registry's package, never committed.
static/vendor/htmx.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

# Stylesheet and scripts precompressed (brotli 11, gzip 9) beside themselves, for the app to
# serve as they are (app/core/static_files.py); never committed, rebuilt when a source changes.
assets: install static/vendor/htmx.min.js
	$(BIN)/flask static compress

db-upgrade: install
	$(BIN)/flask db upgrade

seed: db-upgrade
	$(BIN)/flask seed

# The development server with the outbox worker beside it, so messages leave within seconds with
# no cron. Ctrl-C reaches both; when the server stops for any reason the trap stops the worker
# (SIGTERM: it finishes the message in hand) and waits for it.
SERVE_WITH_WORKER = $(BIN)/flask notifications worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker; trap - EXIT; exit' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

serve:
	$(SERVE_WITH_WORKER)

run: install assets seed
	$(SERVE_WITH_WORKER)

test: install-dev assets
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Page weights and render times, then the citizen's journey in Chromium on 2G (bench-2g).
bench: install-dev assets
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/reads.py
	$(BIN)/python bench/throttled.py

# The printed papers alone: ours (first render, stored) against a bare WeasyPrint page of the
# same HTML, in one run (also part of `make bench`).
bench-pdf: install-dev
	$(BIN)/python bench/pdf_bench.py

# The journey under CDP throttling (500 ms, 100 kbit/s), JavaScript on and off, beside the
# physical floor: ~1 minute with JavaScript, ~6 without (the phone photo goes up whole).
bench-2g: install-dev assets
	$(BIN)/python bench/throttled.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static/vendor
	find static -name '*.br' -delete -o -name '*.gz' -delete

# A million dossiers on a throw-away PostgreSQL database (BENCH_PG_URL, BENCH_ROWS).
bench-queue: install-dev
	$(BIN)/python bench/queue_bench.py

# The statistics dashboard's queries (app/reports) on a million dossiers, PostgreSQL only:
# milliseconds per query for the province and one unit, month, quarter and year, direct and from
# the summary tables; then the satisfaction and complaint counts. Never fails.
bench-stats: install-dev
	$(BIN)/python bench/stats_bench.py
	$(BIN)/python bench/feedback_bench.py

# Requests/s of /healthz, the look-up, the catalogue search and a procedure page on gunicorn
# (2 sync workers) and a throw-away PostgreSQL database (BENCH_PG_URL), beside hello-world.
bench-reads: install-dev
	$(BIN)/python bench/reads.py

# A province's Monday morning: its own PostgreSQL (initdb, a free port from 55432), gunicorn and
# the messages worker, locust headless with visitors, citizens applying, officers and post-office
# staff; LOAD_CHAOS=1 kills a worker and restarts PostgreSQL midway, then the database is checked.
# LOAD_USERS, LOAD_SPAWN_RATE, LOAD_DURATION (10m), LOAD_THINK, LOAD_PROFILE, LOAD_REPORT.
load: install-dev assets
	$(BIN)/python bench/load.py
