# Two commands do all set-up on a fresh machine:
#   make run   - create .venv, install projreg, ingest corpus/ into outputs/registry.db, print a summary
#   make test  - create .venv, install projreg with test tools, run ruff and the tests
# Optional: make pkuseg - build the pkuseg segmenter (with its shipped model) into .venv
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DB ?= outputs/registry.db

.PHONY: run test setup lint pkuseg

$(BIN)/projreg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# The package is byte-compiled as pip does for a regular install: where PYTHONDONTWRITEBYTECODE
# is set, every process would otherwise compile it again (0.1 s of start-up).
setup: $(BIN)/projreg
	$(BIN)/python -m compileall -q extract

run: setup
	$(BIN)/projreg ingest corpus/ --db $(DB)
	$(BIN)/projreg export --db $(DB) --jsonl outputs/export.jsonl
	$(BIN)/python -m extract.summary --db $(DB)

lint: setup
	$(BIN)/ruff check extract tests benchmarks tools
	$(BIN)/ruff format --check extract tests benchmarks tools

test: setup lint
	$(BIN)/pytest -q

# pkuseg 0.0.25's build imports numpy and Cython and needs bdist_wheel, so they go in first
# and the build uses this venv (--no-build-isolation). Its default model ships in the package.
pkuseg: setup
	$(BIN)/pip install --quiet numpy cython setuptools wheel
	$(BIN)/pip install --quiet --no-build-isolation pkuseg==0.0.25
