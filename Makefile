# Two commands do all set-up on a fresh machine:
#   make run   - create .venv, install projreg, ingest corpus/ into outputs/registry.db, print a summary
#   make test  - create .venv, install projreg with test tools, run ruff and the tests
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DB ?= outputs/registry.db

.PHONY: run test setup lint

$(BIN)/projreg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

setup: $(BIN)/projreg

run: setup
	$(BIN)/projreg ingest corpus/ --db $(DB)
	$(BIN)/projreg export --db $(DB) --jsonl outputs/export.jsonl
	$(BIN)/python -m extract.summary --db $(DB)

lint: setup
	$(BIN)/ruff check extract tests benchmarks
	$(BIN)/ruff format --check extract tests benchmarks

test: setup lint
	$(BIN)/pytest -q
