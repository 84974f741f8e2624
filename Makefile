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
# The local demo (`make demo`, `make run`): links in mails and calendar files point to this
# server's own HOST and PORT unless SITE_URL is set, and mail (seed_demo's and the running
# site's) is written to files in DEMO_MAIL instead of the console.
SITE_URL ?= http://$(HOST):$(PORT)
DEMO_MAIL := .demo-mail
DEMO := $(DEV) SITE_URL=$(SITE_URL) EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=$(DEMO_MAIL)

.PHONY: install pango compiled-messages migrate demo run chromium test handbook-images lint format messages

# Only when there is no venv at all: create it (a fresh clone).
$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(STAMP) pango compiled-messages

# Decision letters are PDFs made by WeasyPrint, which needs Debian's Pango, a font (DejaVu
# Sans) and HarfBuzz's subsetter (without it WeasyPrint subsets the font with fontTools,
# which stamps the time of the render into the font: two renders a second apart differ);
# install them when one is missing.
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core libharfbuzz-subset0
pango:
	@if [ "$$(dpkg-query -W -f='$${Status}\n' $(PANGO_PACKAGES) 2>/dev/null | grep -c 'install ok installed')" != $(words $(PANGO_PACKAGES)) ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(PANGO_PACKAGES); \
	fi

compiled-messages: $(STAMP)
	@if [ -d locale ]; then $(DEV) $(PY) manage.py compilemessages --ignore=.venv -v0; fi

# Quiet (-v0): on a new database the list of applied migrations was 70 lines of make run's output.
migrate: install
	$(DEV) $(PY) manage.py migrate --noinput -v0

demo: migrate
	$(DEV) $(PY) manage.py seed_networks
	$(DEMO) $(PY) manage.py seed_demo

# The closing lines stay short, right under seed_demo's demo logins.
run: demo
	@echo
	@echo "The portal runs at http://$(HOST):$(PORT)/ (stop it with Ctrl+C)."
	@echo "Its mail, the demo's too, is written to files in $(DEMO_MAIL)/, not to this console."
	@echo "A real administrator account, if you need one: DEBUG=true $(PY) manage.py createsuperuser"
	@echo
	$(DEMO) $(PY) manage.py runserver $(HOST):$(PORT)

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

# The staff handbook's pictures (docs/handbok/bilder/), taken anew from the admin on the
# demo data; the browser tests fail when a page no longer looks like its picture.
handbook-images: install chromium
	HANDBOOK_IMAGES=docs/handbok/bilder $(VENV)/bin/pytest -p no:randomly -m browser tests/browser/test_handbook_images.py

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
