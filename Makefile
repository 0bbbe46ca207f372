# Every target creates and uses .venv itself: a fresh clone needs nothing but Python 3.10+.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run quickstart test test-slow bench lint unasync docs clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,lint]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/azimuth serve --data-dir ./azimuth_data

quickstart: $(STAMP)
	$(BIN)/python -m azimuth.quickstart ./azimuth_data

test: $(STAMP)
	$(BIN)/python scripts/unasync.py --check
	$(BIN)/python -m pytest

test-slow: $(STAMP)
	AZIMUTH_THOROUGH=1 $(BIN)/python -m pytest -m 'slow or not slow'

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,lint,bench]'
	$(BIN)/python benchmarks/run_all.py

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir site

lint: $(STAMP)
	$(BIN)/ruff check azimuth tests scripts benchmarks
	$(BIN)/python scripts/unasync.py --check

unasync: $(STAMP)
	$(BIN)/python scripts/unasync.py

clean:
	rm -rf $(VENV) build site *.egg-info
