# Two commands do all the set-up: `make run` (the app on the demo workspace) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench dist clean

# System packages (Qt's xcb and font libraries; for the tests also Xvfb, D-Bus, gnome-keyring,
# PostgreSQL, Dovecot) come from one list, packaging/debian-packages.txt, that .ci/run uses too:
# scripts/system-packages installs what is missing when it can (root, or sudo without a
# password) and otherwise prints the one command to run.
$(STAMP): pyproject.toml
	@scripts/system-packages --required run
	@echo "repdesk: creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@echo "repdesk: installing repdesk and its Python packages into $(VENV) (a few minutes the first time)"
	$(PY) -m pip install --progress-bar on --upgrade pip
	$(PY) -m pip install --progress-bar on -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@scripts/system-packages --required run
	$(PY) -m repdesk --demo

test: $(STAMP)
	@scripts/system-packages run test
	scripts/with-keyring $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check repdesk tests resources setup.py
	$(PY) -m ruff format --check repdesk tests resources setup.py
	$(PY) -m mypy --strict repdesk/core repdesk/formats repdesk/store repdesk/services

# Every benchmark runs (each prints its floors, ratios and targets); the exit status says whether
# all of them held.
bench: $(STAMP)
	status=0; for b in tests/bench/bench_*.py; do echo "== $$b"; $(PY) $$b || status=1; done; \
	exit $$status

# The installable one-folder app in dist/repdesk/ (PyInstaller from PyPI; see packaging/README.md).
dist: $(STAMP)
	$(PY) -m pip install -q -e '.[test,dist]'
	packaging/build.sh $(PY)

clean:
	rm -rf $(VENV) build dist *.egg-info
