# One entry point for set-up, serving and testing. Every target installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages: a real browser for the tests, fonts so Chinese renders in screenshots and PDFs, the
# Pango that WeasyPrint lays sheets out with, and poppler (pdftotext, pdftoppm) to check the PDFs.
APT_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test lint schema validate bench bench-site system-deps clean

# system-deps: the PDF sheets need a CJK font and Pango, installed from Debian when missing.
setup: $(STAMP) $(NODE_STAMP) system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The offline search shim the site ships comes from npm, pinned in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	command -v npm >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm)
	npm ci --no-audit --no-fund --ignore-scripts --silent
	touch $(NODE_STAMP)

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: setup
	$(BIN)/mkdocs build --strict

schema: setup
	$(BIN)/kb schema

validate: setup
	$(BIN)/kb validate

lint: setup
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/ruff format --check generator tests benchmarks

test: setup system-deps lint
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/validate.py

bench-site: setup
	$(BIN)/python benchmarks/site_build.py

clean:
	rm -rf $(VENV) node_modules site .kb-cache test-artifacts
