# Two commands do everything on a machine with python3 (>= 3.11) and make:
#   make run   create .venv, install, migrate, serve http://127.0.0.1:8000 (data in ./instance)
#   make test  the whole suite (SQLite; and PostgreSQL too when WIKI_TEST_DATABASE_URL is set)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1

.PHONY: run test lint fmt bench messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/wiki init
	$(BIN)/wiki serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto
	@if [ -n "$$WIKI_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL ($$WIKI_TEST_DATABASE_URL) =="; \
		$(BIN)/python -m pytest -q -p no:cacheprovider -n auto -m "not browser"; \
	else \
		echo "(WIKI_TEST_DATABASE_URL is unset: PostgreSQL pass skipped; .ci/run sets it)"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check wiki tests bench alembic scripts
	$(BIN)/ruff format --check wiki tests bench alembic scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/import_cycles.py

fmt: $(STAMP)
	$(BIN)/ruff format wiki tests bench alembic scripts
	$(BIN)/ruff check --fix wiki tests bench alembic scripts

bench: $(STAMP)
	$(BIN)/python bench/diff_bench.py
	$(BIN)/python bench/http_bench.py

# Re-extract UI strings and update the English and Indonesian catalogues.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --project=Gotong -o wiki/translations/messages.pot .
	$(BIN)/pybabel update -i wiki/translations/messages.pot -d wiki/translations --no-fuzzy-matching --no-wrap --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
