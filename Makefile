# Relais — the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-test browser migrate frameworks demo-data serve lint format bench messages clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Re-install only when a requirements file changed.
$(VENV)/.installed: requirements.txt $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

# The real OpenID Connect provider the sign-in tests start (node's oidc-provider, pinned by its lock file).
OIDC_PROVIDER := tests/sso/provider
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund --loglevel=error
	touch $@

install-test: $(VENV)/.installed-test browser $(OIDC_PROVIDER)/node_modules/.installed

browser:
	bash scripts/install-browser.sh

migrate: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput

frameworks: migrate
	DJANGO_DEBUG=1 $(PY) manage.py load_frameworks

demo-data: frameworks
	DJANGO_DEBUG=1 $(PY) manage.py load_demo

serve:
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## demo: install everything, migrate, load the frameworks and a demo territory, serve on 127.0.0.1:8000
demo: demo-data serve

## test: install what the tests need and run the whole suite
test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: install-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: install
	cd lms && ../$(PY) ../manage.py compilemessages

## bench: performance benchmarks (PostgreSQL), prints a table
bench: install-test
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media/ staticfiles/
