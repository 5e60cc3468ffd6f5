# Two entry points that set everything up on a fresh machine:
#   make lab   -> isolated environment, then JupyterLab on the start notebook
#   make test  -> isolated environment, Debian's chromium for the browser tests, JupyterHub's
#                 proxy and PostgreSQL for the multi-user tests, the whole suite
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
START ?= notebooks/00.00-Start-Here.ipynb
# Jupyter refuses to run as root unless told; CI and containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: lab instructor test lint install chromium sandbox toolchains hub-deps check clean lite

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(STAMP)

# The browser tests drive Debian's chromium through playwright (which cannot download its own).
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Install Chromium (the browser tests need it) and put it on PATH as 'chromium'." >&2; exit 1; fi

# `course grade` runs each student's notebook inside bubblewrap (docs/design.md, "Grading trust").
sandbox:
	@if command -v bwrap >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; \
	else echo "Install bubblewrap (bwrap): course grade runs student code inside it." >&2; exit 1; fi

# Exercise proofs in other languages (docs/exercise-format.md, "Proofs"): Node's built-in test
# runner (node --test, Node 18 or later) and go test (Debian's golang-go).
toolchains:
	@missing=""; \
	node -e 'process.exit(+process.versions.node.split(".")[0] < 18)' >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v go >/dev/null 2>&1 || missing="$$missing golang-go"; \
	if [ -z "$$missing" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "Install$$missing (Node.js 18+ and Go: the JavaScript and Go exercise proofs run with them)." >&2; exit 1; fi

# The multi-user tests (tests/hub) start JupyterHub, which needs configurable-http-proxy from
# npm (installed into tests/hub/node_modules, git-ignored), and a PostgreSQL server (Debian's).
HUB_PROXY := tests/hub/node_modules/.bin/configurable-http-proxy

$(HUB_PROXY): tests/hub/package.json tests/hub/package-lock.json
	@command -v npm >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; } || \
		{ echo "Install Node.js and npm (JupyterHub's proxy comes from npm)." >&2; exit 1; }
	@npm ci --prefix tests/hub --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

hub-deps: $(HUB_PROXY)
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else echo "Install PostgreSQL's server (the gradebook tests start one)." >&2; exit 1; fi

# The practice track as a static JupyterLite site in lite/_output (docs/design.md, "JupyterLite"):
# its own pinned environment (lite/requirements.txt) and Pyodide's core from npm (lite/package.json).
LITE_STAMP := lite/.venv/.installed-stamp
PYODIDE_CORE := lite/node_modules/pyodide/pyodide.mjs

$(LITE_STAMP): lite/requirements.txt
	$(PY) -m venv lite/.venv
	lite/.venv/bin/python -m pip install -q --upgrade pip
	lite/.venv/bin/python -m pip install -q -r lite/requirements.txt
	touch $@

$(PYODIDE_CORE): lite/package.json lite/package-lock.json
	@command -v npm >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; } || \
		{ echo "Install Node.js and npm (Pyodide's core comes from npm)." >&2; exit 1; }
	@npm ci --prefix lite --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

lite: $(LITE_STAMP) $(PYODIDE_CORE)
	lite/.venv/bin/python lite/build.py

# A learner's JupyterLab: no nbgrader tooling in the way (jupyter/learner/, see jupyter/README.md).
# The course's notebooks ship without outputs; trusting them (a signature in the learner's
# Jupyter data folder) keeps Notebook 7 from calling them "Not Trusted" before a first run.
lab: $(STAMP)
	$(BIN)/jupyter trust notebooks/*.ipynb >/dev/null
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/learner $(BIN)/jupyter lab $(ROOT_FLAG) $(START)

# The instructor's JupyterLab: formgrader, Create Assignment, Validate, in instructor/.
instructor: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) instructor/90.01-Instructor-Class-Report.ipynb

# Lint, format, types and the import contracts (the student side cannot reach a key).
LINTED := course tests benchmarks scripts
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy
	$(BIN)/lint-imports

# Two workers: the browser tests on one, one at a time; the rest shared out (tests/conftest.py).
test: $(STAMP) chromium sandbox toolchains hub-deps lite lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

check: $(STAMP) toolchains
	$(BIN)/course check

clean:
	rm -rf $(VENV) .pytest_cache autograded submitted feedback gradebook.db lite/.venv lite/node_modules lite/_build lite/_output
