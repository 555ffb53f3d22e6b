# BT-portalen. `make run`: the system with demo data on SQLite; `make test`: the whole suite.
# Every target is idempotent: a second run only does what changed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP_STAMP := $(VENV)/.requirements-installed
NPM_STAMP := node_modules/.package-installed
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
HOST ?= 127.0.0.1:8000

.PHONY: setup run worker test test-fast test-later test-ops migrate demo messages clean check-deploy lint lock screenshots walk-scale

setup: $(PIP_STAMP) $(NPM_STAMP) $(MO_FILES)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# requirements*.txt are lock files (exact pins) compiled from the ranges in requirements*.in: `make lock`.
$(PIP_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

lock: $(PIP_STAMP)
	$(VENV)/bin/pip-compile -q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links requirements.in -o requirements.txt
	$(VENV)/bin/pip-compile -q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links requirements-dev.in -o requirements-dev.txt

# Static checks: lint, formatting, and no model change without its migration.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --noinput

$(NPM_STAMP): package.json
	npm install --no-audit --no-fund --silent
	touch $@

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo "BT-portalen: http://$(HOST)/  (demo logins: see README, password demo-bt-2026)"
	@# The background worker (planning runs, reminders) runs beside the web server and stops with it
	@# (SIGTERM: it finishes the job in hand first). --no-reload: a code change must not cut a job off.
	@$(PY) manage.py db_worker --no-reload & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST)

# One more worker (several may run at once; each job runs once).
worker: migrate
	$(PY) manage.py db_worker --no-reload

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: setup
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

# The tests on a later day (LATER, default 200 days on): tests whose fixtures hold fixed dates fail here
# months before they would fail in CI (a Mini-CEX dated on the day the suite runs, a progress assessment
# falling due). Needs faketime (Debian package `faketime`); the clock moves on from there as usual. The job
# workers' tests are left out: they time worker processes to a tenth of a second, which faketime's clock in
# several processes does not keep.
LATER ?= +200d
test-later: setup
	@command -v faketime >/dev/null || { echo "test-later: install faketime (apt-get install faketime)"; exit 1; }
	faketime -f "$(LATER)" $(PY) -m pytest -m "not browser" --ignore=core/tests/test_jobs.py $(PYTEST_ARGS)

# Operations tests (btportal/tests/ops/): two gunicorn app servers and two job workers on one PostgreSQL database,
# and a PostgreSQL server of the test's own stopped and started under load. Minutes, not seconds, so not in
# `make test`. Needs a PostgreSQL server that may create databases (OPS_DATABASE_URL); skipped when it is not there.
OPS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/btportal_ops
test-ops: setup
	@if pg_isready -q -d "$(OPS_DATABASE_URL)"; then \
		BT_OPS_TESTS=1 DATABASE_URL="$(OPS_DATABASE_URL)" $(PY) -m pytest -m ops btportal/tests/ops $(PYTEST_ARGS); \
	else echo "test-ops: PostgreSQL at $(OPS_DATABASE_URL) is not reachable; skipped"; fi

# Each demo role's home and main job on a phone (375 px), as PNG files in screenshots/ (ignored by git).
screenshots: setup
	$(PY) -m pytest -q btportal/tests/browser/screenshots.py $(PYTEST_ARGS)
	@echo "Screenshots in $${BT_SCREENSHOT_DIR:-screenshots}/"

# The page walk of every demo role (phone and desktop, axe, layout) on region-scale data, in Swedish and English
# (btportal/tests/browser/walk_scale.py). Not part of `make test`: the data takes minutes, the walk ~15 more.
# The database (demo + generate_scale --preset region) is made once, in its own file; `rm` it to make it anew.
WALK_DB ?= /tmp/walk-scale.sqlite3
walk_env = DATABASE_URL=sqlite:///$(1) MEDIA_ROOT=$(WALK_DB).media DEBUG=1

# Written to a .tmp file first: an interrupted generation leaves no half-filled database behind.
$(WALK_DB): | setup
	rm -f $@.tmp
	$(call walk_env,$@.tmp) $(PY) manage.py migrate --noinput -v0
	$(call walk_env,$@.tmp) $(PY) manage.py seed_demo -v0
	$(call walk_env,$@.tmp) $(PY) manage.py generate_scale --preset region
	mv $@.tmp $@

walk-scale: setup $(WALK_DB)
	$(call walk_env,$(WALK_DB)) $(PY) -m btportal.tests.browser.walk_scale $(WALK_ARGS)

messages: setup
	$(PY) manage.py makemessages -l sv --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(MAKE) $(MO_FILES)

check-deploy: setup
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=bt.example.se \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 $(MO_FILES)
