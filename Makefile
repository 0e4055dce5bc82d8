# Cross-Entropy Lab: `make run` starts the app, `make test` runs every check.
# The heavy lifting lives in scripts/*.sh; this file only keeps the virtualenv up to date.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check

# Extra arguments: `make run ARGS="--server.port 8600"`, `make test PYTEST_ARGS="-k smoke -x"`.
ARGS        ?=
PYTEST_ARGS ?=
export PYTEST_ARGS

# `make classroom`: the port students open, where to listen (0.0.0.0 = every network interface,
# 127.0.0.1 = this machine only) and how many Streamlit processes (default: one per core).
PORT      ?= 8501
LISTEN    ?= 0.0.0.0
PROCESSES ?= $(shell nproc 2>/dev/null || echo 2)
# `make loadtest LOADTEST_ARGS="--students 1,10 --pages five,floor"`
LOADTEST_ARGS ?=

.PHONY: run test lint bench screenshots venv torch references clean classroom loadtest bench-browser

run: $(VENV)/.installed-runtime
	exec bash scripts/run.sh $(ARGS)

test: $(VENV)/.installed-dev
	bash scripts/test.sh

# A class on one machine: one Streamlit process per core behind HAProxy on one port (Ctrl-C stops).
classroom: $(VENV)/.installed-runtime
	XENT_PORT=$(PORT) XENT_LISTEN_ADDRESS=$(LISTEN) XENT_PROCESSES=$(PROCESSES) \
	    exec bash scripts/classroom.sh $(ARGS)

# Simulated students against one process and `make classroom`, back to back (loopback only).
loadtest: $(VENV)/.installed-dev
	$(PY) scripts/loadtest.py --target both --processes $(PROCESSES) $(LOADTEST_ARGS)

# Key press -> every chart redrawn in Chromium, each lesson page against the floor app.
bench-browser: $(VENV)/.installed-dev
	$(PY) scripts/bench_browser.py

# Retake the README's screenshots (docs/screenshots/) with the browser tests.
screenshots: $(VENV)/.installed-dev
	XENT_UPDATE_SCREENSHOTS=1 PYTEST_ARGS="-m browser" bash scripts/test.sh

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

bench: $(VENV)/.installed-dev
	@ran=0; \
	for s in scripts/bench_core.py scripts/bench_lessons.py scripts/bench_pages.py; do \
	  if [ -f "$$s" ]; then echo "== $$s"; $(PY) "$$s" || exit $$?; ran=1; fi; \
	done; \
	if [ "$$ran" = 0 ]; then echo "no benchmark scripts found (scripts/bench_core.py, scripts/bench_pages.py)"; fi

venv: $(VENV)/.installed-dev

# Optional: a CPU build of PyTorch for the live comparison with xent_core (CI installs it).
torch: $(VENV)/.installed-torch

# Rewrite tests/data/torch_references.json from PyTorch (after adding cases to the script).
references: $(VENV)/.installed-torch
	$(PY) scripts/make_torch_references.py

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when a requirements file is newer than the last successful install.
$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

$(VENV)/.installed-torch: requirements-torch.txt $(VENV)/.installed-dev
	$(PIP) install -r requirements-torch.txt
	touch $@

clean:
	rm -rf .pytest_cache .ruff_cache .hypothesis tests/artifacts
