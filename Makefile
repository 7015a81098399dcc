# One entry point for set-up, serving and testing. Every target installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv serve build test lint schema validate bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: venv
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: venv
	$(BIN)/mkdocs build --strict

schema: venv
	$(BIN)/kb schema

validate: venv
	$(BIN)/kb validate

lint: venv
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/ruff format --check generator tests benchmarks

test: venv lint
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python benchmarks/validate.py

clean:
	rm -rf $(VENV) site .kb-cache
