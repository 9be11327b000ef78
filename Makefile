# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run counterfactual test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The default 2025 comparison: 5 scenarios x 5 replicates, 20,000 households, 60 months;
# finished jobs are skipped when run again. Results and report under outputs/compare_2025/.
run: $(STAMP)
	$(VENV)/bin/graduasi experiment=compare_2025 progress=false
	$(VENV)/bin/graduasi-report outputs/compare_2025 --baseline baseline_2025

# The benchmark suite (not part of make test): figures next to their targets, recorded in
# benchmarks/results.json; benchmarks/README.md holds the table.
bench: $(STAMP)
	$(PY) -m benchmarks.bench

counterfactual: $(STAMP)
	$(PY) -m experiments.counterfactual

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
