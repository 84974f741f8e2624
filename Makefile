# Two commands for a newcomer: `make run` serves the portal, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The stamp lives outside the venv, so a shared or symlinked venv is never written to by make.
STAMP := .make-installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEV := DEBUG=true

.PHONY: install pango compiled-messages migrate demo run chromium test lint format messages

# Only when there is no venv at all: create it (a fresh clone).
$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(STAMP) pango compiled-messages

# Decision letters are PDFs made by WeasyPrint, which needs Debian's Pango and a font
# (DejaVu Sans); install them when one is missing.
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
pango:
	@if [ "$$(dpkg-query -W -f='$${Status}\n' $(PANGO_PACKAGES) 2>/dev/null | grep -c 'install ok installed')" != 3 ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(PANGO_PACKAGES); \
	fi

compiled-messages: $(STAMP)
	@if [ -d locale ]; then $(DEV) $(PY) manage.py compilemessages --ignore=.venv -v0; fi

migrate: install
	$(DEV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV) $(PY) manage.py seed_networks
	$(DEV) $(PY) manage.py seed_demo

run: demo
	@echo
	@echo "The portal runs at http://$(HOST):$(PORT)/ (stop it with Ctrl+C)."
	@echo "Create an administrator account (in another terminal):"
	@echo "    DEBUG=true $(PY) manage.py createsuperuser"
	@echo "Then log in at http://$(HOST):$(PORT)/admin/. To make someone a steering-group member:"
	@echo "    Admin > Users > the user: tick 'Staff status' and add the group 'Styrgrupp'."
	@echo "A coordinator: tick 'Staff status', add the group 'Samordnare', and add the user"
	@echo "    under Admin > Networks > the network > Coordinators."
	@echo
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

# The suite in two passes: most tests on TEST_WORKERS processes (pytest-xdist; each has a
# test database of its own), then in one process the browser tests (the HTML validator runs
# after them over every page they visited) and the tests marked serial (several real servers
# held to time limits). Both passes run, and either failing fails. PYTEST_ARGS goes to both
# (.ci/run: --durations=25). The order is random (pytest-randomly) and each pass prints its
# seed: PYTEST_ARGS=--randomly-seed=N repeats an order, PYTEST_ARGS="-p no:randomly" keeps
# the file order.
TEST_WORKERS ?= auto
PYTEST_ARGS ?=
SERIAL_TESTS := browser or serial
test: install chromium
	@status=0; \
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not ($(SERIAL_TESTS))" $(PYTEST_ARGS) || status=$$?; \
	$(VENV)/bin/pytest -m "$(SERIAL_TESTS)" $(PYTEST_ARGS) || status=$$?; \
	exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(DEV) $(PY) manage.py makemessages -l en -l fi -l ar --ignore=.venv --ignore=tests --ignore=bench --no-obsolete --add-location=file
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv -v0

# Speed and scale (issue 6): a large data set on PostgreSQL, gunicorn, wrk; about five minutes.
# Quick check of the machinery: make bench BENCH_ARGS="--small --duration 2"
.PHONY: bench
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)
