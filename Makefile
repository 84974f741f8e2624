# Two commands for a newcomer: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: compiled-messages install run test lint format messages chromium migrate demo

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed compiled-messages

compiled-messages: $(VENV)/.installed
	@if [ -d locale ]; then DEBUG=true $(PY) manage.py compilemessages --ignore=.venv -v0; fi

migrate: install
	DEBUG=true $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=true $(PY) manage.py seed_networks
	DEBUG=true $(PY) manage.py seed_demo

run: demo
	@echo "Create an administrator with: DEBUG=true $(PY) manage.py createsuperuser"
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

test: install chromium
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	DEBUG=true $(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --no-obsolete
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv -v0

# Speed and scale (issue 6): a large data set on PostgreSQL, gunicorn, wrk; about five minutes.
# Quick check of the machinery: make bench BENCH_ARGS="--small --duration 2"
.PHONY: bench
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)
