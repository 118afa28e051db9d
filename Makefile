# Webcare: `make run` opens the demo, `make test` runs every check. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test check lint typecheck imports pytest stress bench system-deps system-deps-test clean package

run: system-deps $(STAMP)
	$(BIN)/webcare demo

test: system-deps-test $(STAMP) check pytest

check: lint typecheck imports

lint: $(STAMP)
	$(BIN)/ruff format --check webcare tests
	$(BIN)/ruff check webcare tests

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports --no-logo

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -p no:cacheprovider --ignore=tests/benchmarks

stress: system-deps-test $(STAMP)
	WEBCARE_STRESS=1 QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -p no:cacheprovider tests/reliability tests/security -s

bench: system-deps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -p no:cacheprovider tests/benchmarks -s

# The one-folder desktop bundle dist/webcare/ (packaging/webcare.spec), started offscreen: it must
# render dist/bundle-check.png; build time and size go to dist/bundle-report.json. Then the wheel
# dist/webcare-*.whl, installed in a fresh venv, must run `webcare server`.
package: system-deps $(STAMP)
	./packaging/system-deps.sh --package
	$(BIN)/python -m pip install --quiet -e ".[dev,package]"
	$(BIN)/python packaging/build_bundle.py
	$(BIN)/python packaging/check_wheel.py

system-deps:
	./packaging/system-deps.sh

system-deps-test:
	./packaging/system-deps.sh --test

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Webcare needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
