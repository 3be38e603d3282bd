# `make run` and `make test` do all the set-up on a fresh machine: they create
# .venv when it is missing, install the project with the CPU build of torch,
# and then run the app or the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install index run test lint eval bench

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c constraints.txt torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

index: install
	$(PY) -m assistant index

run: index
	$(PY) app.py

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint
	$(PY) -m pytest

eval: index
	$(PY) -m assistant eval ../shared/eval/dev.jsonl
