# Yuekang Code — two commands do all the set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: install run test test-fast test-e2e test-browser browser-deps bench lint clean deploy

$(STAMP): requirements.txt layers/common/requirements.txt
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
	$(PY) -m pytest -q -p no:cacheprovider -n 2

test-fast: install  ## unit + integration + template only
	$(PY) -m pytest -q -m "not e2e and not browser and not slow"

bench: install  ## benchmarks; results go to bench/results and are written up in docs/performance.md
	$(PY) -m bench

deploy: install  ## after `make build`: sam deploy, keys once, web/ to the site bucket, CloudFront invalidation (README)
	PY=$(PY) scripts/deploy.sh

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-results bench/results
