VENV ?= .venv

.PHONY: check lint types test

# What CI runs after installing: lint, types, the whole test suite.
check: lint types test

lint:
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts

types:
	$(VENV)/bin/mypy src/

test:
	$(VENV)/bin/pytest
