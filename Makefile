# ctmonitor: `make run` serves the dashboard, `make test` runs the whole suite. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8050
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
# `make test` runs the suite on every core (pytest-xdist); JOBS=0 runs it in this one process
JOBS ?= auto

.PHONY: install run test lint bench clean translations

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/ctmonitor init
	$(BIN)/ctmonitor demo --if-empty
	$(BIN)/ctmonitor serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

# The guards CI runs before the suite: lint, format and types (settings in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Collect the strings marked for translation and bring every language's catalogue up to date with them.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -o indicators/locale/ctmonitor.pot --add-location=file \
		--sort-output --project=ctmonitor -w 110 .
	$(BIN)/pybabel update -i indicators/locale/ctmonitor.pot -d indicators/locale -D ctmonitor \
		--no-fuzzy-matching --ignore-obsolete -w 110

bench: install
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
