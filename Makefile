# Two commands matter: `make run` and `make test`. Both install into .venv and start
# PostgreSQL and Redis when they are installed but not running. `make test` runs `make lint`
# first (ruff, and import-linter's layering contracts in pyproject.toml): a violation fails it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := wecasa.settings

.PHONY: run test lint format bench install services deps-system messages clean screenshots

# Keyed on pip, not python: a first run interrupted after `venv` made python but before pip
# would otherwise leave a .venv that every later run trusts.
$(BIN)/pip:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/pip
	$(BIN)/pip install --quiet -e ".[dev]"

# Debian packages the test suite needs (Chromium for Playwright, gettext for messages).
deps-system:
	@bash scripts/system-deps.sh

services:
	@bash scripts/services.sh

messages: install
	@bash scripts/compilemessages.sh

run: install services messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@bash scripts/run.sh $(PORT)

test: install lint deps-system services messages
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# The gallery of phone screenshots in docs/screenshots/ (every pro page on the demo world,
# each also checked with axe-core).
screenshots: install deps-system services messages
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -p no:cacheprovider -q tests/browser/test_pro_app_pages.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Each bench uses its own database; bench/sweep.py --full clears 10,000 due among 1,000,000.
bench: install services
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/bulk_insert.py
	$(BIN)/python bench/http_endpoints.py
	$(BIN)/python bench/payouts.py
	$(BIN)/python bench/score.py
	$(BIN)/python bench/live_dashboards.py
	$(BIN)/python bench/metrics.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
