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

.PHONY: install run counterfactual test lint format bench lock golden strip browser clean

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

# Remove the outputs of the notebooks before committing them (tests/test_notebooks.py checks).
strip: $(STAMP)
	$(VENV)/bin/nbstripout notebooks/*.ipynb

# Chromium for the dashboard's browser test (tests/test_dashboard_browser.py): Debian's package,
# installed when missing (as root, or with a sudo that needs no password). GRADUASI_CHROMIUM
# names another Chromium; GRADUASI_SKIP_BROWSER=1 skips this step and the test.
browser:
	@if [ "$${GRADUASI_SKIP_BROWSER:-}" = 1 ] || [ -n "$${GRADUASI_CHROMIUM:-}" ] \
	  || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
	  exit 0; fi; \
	hint="install Chromium (Debian: apt-get install chromium), or set GRADUASI_SKIP_BROWSER=1"; \
	command -v apt-get >/dev/null 2>&1 || { echo "Chromium is missing: $$hint" >&2; exit 1; }; \
	sudo=; if [ "$$(id -u)" != 0 ]; then \
	  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	  else echo "Chromium is missing and this user cannot install it: $$hint" >&2; exit 1; fi; fi; \
	echo "Installing Debian's chromium for the dashboard's browser test"; \
	install="$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium"; \
	$$install >/dev/null 2>&1 || { $$sudo apt-get update -q && $$install; }

test: lint browser
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .venv-* .pytest_cache .mypy_cache .ruff_cache
