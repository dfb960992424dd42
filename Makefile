# The README's two commands: `make run` and `make test`. Everything else supports them.
VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.install-stamp
DEV_STAMP := $(VENV)/.dev-install-stamp
DB        ?= data/referrals.duckdb
PORT      ?= 8501
# Only this machine can reach the app unless told otherwise (`ADDRESS=0.0.0.0 make run`).
ADDRESS   ?= 127.0.0.1
# The team server (`make serve-team`, docs/deploy.md): the proxy's port and address.
TEAM_PORT    ?= 8500
TEAM_ADDRESS ?= 127.0.0.1

.PHONY: install install-dev run serve-team test lint format bench sample clean

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install-dev: $(DEV_STAMP)

run: $(STAMP)
	$(PY) -m analytics sample --db $(DB) --if-empty
	REFERRALS_DB=$(DB) $(PY) -m streamlit run dashboard.py --server.port $(PORT) \
		--server.address $(ADDRESS) \
		--server.headless true --browser.gatherUsageStats false

# PostgreSQL, two app servers and nginx with sticky sessions, until Ctrl-C.
serve-team: $(STAMP)
	$(PY) -m deploy.team --port $(TEAM_PORT) --address $(TEAM_ADDRESS)

test: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(DEV_STAMP)
	$(PY) -m bench.bench_ingest

sample: $(STAMP)
	$(PY) -m sample_data.generate

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
