# One entry point for set-up, serving and testing. Every target installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages. The site needs a CJK font and the Pango that WeasyPrint lays the PDF sheets out with;
# the tests also need a real browser, emoji fonts for its screenshots, poppler (pdftotext, pdftoppm) to
# check the PDFs, and nginx, curl and lsof for the generated scripts' checks against real services.
SITE_APT := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
TEST_APT := chromium fonts-noto-color-emoji poppler-utils nginx curl lsof
# Installs the Debian packages in $(1) that are missing (with sudo unless root).
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test test-fast lint schema validate bench bench-site bench-search site-deps test-deps clean

setup: $(STAMP) $(NODE_STAMP) site-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The offline search shim the site ships comes from npm, pinned in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	command -v npm >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm)
	npm ci --no-audit --no-fund --ignore-scripts --silent
	touch $(NODE_STAMP)

site-deps:
	$(call apt_install,$(SITE_APT))

test-deps:
	$(call apt_install,$(TEST_APT))

# --dirty: after the first build, an edit rebuilds only the pages whose text it changed.
serve: setup
	@echo "Building the site, then serving it at http://127.0.0.1:8000/ (it reloads when a file changes). Stop with Ctrl+C."
	@$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

build: setup
	$(BIN)/mkdocs build --strict

schema: setup
	$(BIN)/kb schema

validate: setup
	$(BIN)/kb validate

lint: setup
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/ruff format --check generator tests benchmarks

test: setup test-deps lint
	$(BIN)/python -m pytest -q

# The fast subset: everything but real site builds, browsers, PDFs, services and shellcheck.
test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

bench: setup
	$(BIN)/python benchmarks/validate.py

bench-site: setup
	$(BIN)/python benchmarks/site_build.py

bench-search: setup
	$(BIN)/python benchmarks/search.py

clean:
	rm -rf $(VENV) node_modules site .kb-cache test-artifacts
