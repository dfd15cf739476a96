# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# XStatic-Bootstrap's build imports pkg_resources, gone from setuptools >= 81.
export PIP_BUILD_CONSTRAINT := $(CURDIR)/constraints-build.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

RUN_PACKAGES := fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0
# Node.js runs the test OpenID Connect provider; a node/npm already on PATH (e.g. from
# NodeSource) is used as it is, since Debian's npm package would replace it.
NODE_PACKAGES := $(if $(shell command -v node),,nodejs) $(if $(shell command -v npm),,npm)
TEST_PACKAGES := $(RUN_PACKAGES) postgresql redis-server chromium poppler-utils gettext git $(NODE_PACKAGES)
BENCH_PACKAGES := $(TEST_PACKAGES) wrk

.PHONY: run test bench restore-drill venv messages makemessages lint format clean

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints-build.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=25"
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

messages: venv
	$(BIN)/python scripts/compile_messages.py

run: venv messages
	@scripts/ensure-packages.sh $(RUN_PACKAGES)
	DEBUG=true DEMO_MODE=true $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=true DEMO_MODE=true $(BIN)/python manage.py seed_demo --render-latest-report
	DEBUG=true DEMO_MODE=true $(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv messages
	@scripts/ensure-packages.sh $(TEST_PACKAGES)
	scripts/with-services.sh scripts/run-tests.sh $(PYTEST_ARGS)

# Dump and copy, restore into fresh ones, compare, open a report PDF (also a step of make test).
restore-drill: venv messages
	@scripts/ensure-packages.sh $(TEST_PACKAGES)
	scripts/with-services.sh $(BIN)/python scripts/restore_drill.py

bench: venv messages
	@scripts/ensure-packages.sh $(BENCH_PACKAGES)
	scripts/with-services.sh $(BIN)/python scripts/bench.py

# Developer helpers (need GNU gettext).
makemessages: venv
	$(BIN)/python manage.py makemessages -l sv -l en --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=locale
	$(BIN)/python scripts/tidy_catalogues.py

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 private
