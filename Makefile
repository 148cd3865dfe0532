# Yuekang Code — two commands do all the set-up on a fresh clone: `make run` and `make test`.
#
# Python: the Lambda runtime's own (template.yaml, Globals Runtime), so the tests, CI and `sam build` run what
# Lambda runs. Found under pyenv (`pyenv root`/versions/<minor>.*) or as python<minor> on PATH; without it the
# venv falls back to python3 (the code keeps working on 3.11), and `make build` refuses (the layer's bytecode
# must be compiled by the runtime's minor version).
RUNTIME := $(shell sed -n 's/^ *Runtime: *python\([0-9][0-9.]*\).*/\1/p' template.yaml | head -n 1)
PYENV_ROOT ?= $(or $(shell pyenv root 2>/dev/null),$(HOME)/.pyenv)
RUNTIME_PYTHON := $(strip $(or $(lastword $(wildcard $(PYENV_ROOT)/versions/$(RUNTIME).*/bin/python$(RUNTIME))),\
                               $(shell python$(RUNTIME) -c 'import sys; print(sys.executable)' 2>/dev/null)))
PYTHON ?= $(or $(RUNTIME_PYTHON),python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
STAMP := $(VENV)/.installed-$(PYTHON_VERSION)
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: install run test test-fast test-e2e test-browser browser-deps bench lint runtime-python build clean deploy

# The stamp names the Python version: a venv made by another one (an older default, or the runtime moved) is
# rebuilt from scratch.
$(STAMP): requirements.txt layers/common/requirements.txt
	@if [ -e $(PY) ] && [ "$$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$(PYTHON_VERSION)" ]; \
	then echo "$(VENV) was made by another Python than $(PYTHON) ($(PYTHON_VERSION)): rebuilding it"; rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check "pip<26.3"
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

run: install  ## the local stack with demo data on PORT (default 8000)
	$(PY) -m infra.local

browser-deps:  ## Debian's chromium for the browser tests (they skip when it cannot be installed)
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || \
	  ($(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null 2>&1 || \
	   ($(SUDO) apt-get update -qq >/dev/null 2>&1 && $(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null 2>&1) || \
	   echo "chromium could not be installed: browser tests will be skipped")

test: install browser-deps  ## lint, then the whole suite: unit, integration, template, e2e, browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile

test-fast: install  ## unit + integration + template only (no layer build either)
	$(PY) -m pytest -q -m "not e2e and not browser and not slow and not build"

bench: install  ## benchmarks; results go to bench/results and are written up in docs/performance.md
	$(PY) -m bench

deploy: install  ## after `make build`: sam deploy, keys once, web/ to the site bucket, CloudFront invalidation (README)
	PY=$(PY) scripts/deploy.sh

lint: install
	$(VENV)/bin/ruff check .

# sam build on the runtime's interpreter, no container. aws-sam-cli lives in its own venv: its pins are not the app's.
$(SAM): requirements-build.txt
	$(or $(RUNTIME_PYTHON),$(PYTHON)) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install -q --disable-pip-version-check -r requirements-build.txt
	touch $(SAM)

runtime-python:
	@[ -n "$(RUNTIME_PYTHON)" ] || { echo "make build needs python$(RUNTIME), the Lambda runtime of template.yaml:" \
	  "pyenv install $(RUNTIME), or put python$(RUNTIME) on PATH"; exit 1; }

build: runtime-python $(SAM)  ## sam build: functions, and the common layer with its bytecode (layers/common/Makefile), into .aws-sam/
	PATH="$(dir $(RUNTIME_PYTHON)):$$PATH" SAM_CLI_TELEMETRY=0 $(SAM) build --parallel

print-%:  ## the value of a make variable, e.g. `make -s print-RUNTIME_PYTHON`
	@echo '$($*)'

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .hypothesis test-results bench/results
