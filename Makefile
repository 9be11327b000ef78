# Two commands do everything on a fresh machine: `make run` and `make test`.
# PYTHON chooses the interpreter (3.11, 3.12 or 3.13): `make run PYTHON=python3.12`.
PYTHON ?= python3
VENV ?= .venv
# The install takes the exact versions in requirements/lock.txt (one lock for every supported
# Python, refreshed by `make lock`); LOCK=none takes the newest versions pyproject.toml allows.
LOCK ?= requirements/lock.txt
PY := $(VENV)/bin/python
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
# One stamp per interpreter and install mode: changing either rebuilds the environment.
STAMP := $(VENV)/.installed-py$(PYVER)-$(if $(filter none,$(LOCK)),latest,locked)

.PHONY: install run counterfactual test lint format bench lock golden clean

$(STAMP): pyproject.toml $(filter-out none,$(LOCK))
	@test -n "$(PYVER)" || { echo "PYTHON=$(PYTHON) does not run; choose an interpreter with PYTHON=python3.12 or a path" >&2; exit 1; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
ifeq ($(LOCK),none)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[dev]'
else
	$(PY) -m pip install --quiet -c $(LOCK) pip
	PIP_CONSTRAINT=$(abspath $(LOCK)) $(PY) -m pip install --quiet -e '.[dev]'
endif
	$(PY) -m pip check
	touch $(STAMP)

install: $(STAMP)

# Refresh the lock: the newest versions pyproject.toml allows, resolved by uv for every supported
# Python and platform (a package may be pinned per Python); commit requirements/lock.txt.
lock: $(STAMP)
	$(PY) -m pip install --quiet 'uv>=0.5'
	$(VENV)/bin/uv pip compile pyproject.toml requirements/tools.in --all-extras --universal \
	  --upgrade --python-version 3.11 --custom-compile-command 'make lock' --quiet -o requirements/lock.txt

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

# Rewrite the golden datasets of tests/test_golden.py (only when results are meant to change).
golden: $(STAMP)
	$(PY) -m tests.golden

test: lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .venv-* .pytest_cache .mypy_cache .ruff_cache
