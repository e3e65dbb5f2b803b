# HoSo — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/hoso
PYTEST_ARGS ?=
STAMP  := $(VENV)/.installed

.PHONY: install run serve test lint test-sqlite test-postgres test-calendar worker demo-logins browser-deps system-deps bench bench-quick clean engine

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p hoso/static/build
	cp node_modules/htmx.org/dist/htmx.min.js hoso/static/build/htmx.min.js
	touch $(STAMP)

## engine: compile the assessment rule-set engine with mypyc (optional; pure Python when it cannot)
engine: $(STAMP)
	$(PY) -m hoso.assessment.build

## system-deps: Debian fonts with Vietnamese letters (Liberation Serif 2, Noto Serif for signature
## stamps), poppler-utils (pdftotext/pdftoppm in tests), SoftHSM2 (a PKCS#11 token for tests),
## LibreOffice Calc (the import tests read files saved by it), faketime (`faketime -f '+183d'`) and
## zbar-tools (zbarimg: the print tests decode the verification QR code at 150 dpi).
## Installed as root on Debian when missing; otherwise the command to run is printed.
SYSTEM_PKGS := fonts-liberation2 fonts-noto-core poppler-utils softhsm2 libreoffice-calc-nogui faketime zbar-tools
system-deps:
	@missing=""; for p in $(SYSTEM_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (sudo apt-get install$$missing)"; fi; fi

## install: virtualenv, Python and npm packages, built assets, migrated database
install: system-deps $(STAMP) engine
	$(PY) manage.py migrate --noinput -v 0

## run: install, load the demo schools and print their logins (HOSO_DEMO=0: no demo; print where
## each school's set-up stands, or on an empty database the command to create one), serve
HOSO_DEMO ?= 1
run: install
	@if [ "$(HOSO_DEMO)" = "0" ]; then \
	  $(PY) manage.py setup_status; \
	else \
	  $(PY) manage.py seed_demo && $(PY) manage.py demo_logins; \
	fi
	@echo "HoSo: http://127.0.0.1:$(PORT)/  (Ctrl+C để dừng)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

## serve: production-like run: DEBUG off, static files collected, migrated, the connection budget
## checked, gunicorn with deploy/gunicorn.conf.py on 127.0.0.1:$(PORT) (docs/DEPLOY.md)
serve: install
	HOSO_DEBUG=0 $(PY) manage.py collectstatic --noinput -v 0
	HOSO_DEBUG=0 $(PY) manage.py migrate --noinput -v 0
	HOSO_DEBUG=0 $(PY) manage.py check --database default
	@echo "HoSo (gunicorn): http://127.0.0.1:$(PORT)/  (Ctrl+C để dừng)"
	HOSO_DEBUG=0 $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:$(PORT)

## worker: runs background tasks (imports, PDF batches, reminders); no auto-reloader
worker: install
	$(PY) manage.py run_worker

demo-logins:
	$(PY) manage.py demo_logins

## browser-deps: Debian's chromium for the Playwright tests (root on Debian; skipped if present)
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: sudo apt-get install chromium"; fi; }

## lint: ruff, the architecture contracts (import-linter: [tool.importlinter] in pyproject.toml;
## tools/check_contracts.py), migrations in step with the models
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m hoso.assessment.check_codes
	$(VENV)/bin/lint-imports --no-cache
	$(PY) tools/check_contracts.py
	$(PY) manage.py makemigrations --check --dry-run -v 0

test-sqlite: $(STAMP) engine
	DATABASE_URL= $(VENV)/bin/pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

test-postgres: $(STAMP) engine
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

## test-calendar: the tests marked `calendar` (they depend on the day: the demo, deadlines, boards)
## on SQLite once per day of CALENDAR_DAYS (the suite's clock, HOSO_TEST_TODAY); a test file stays on
## one worker (--dist loadfile), so the demo is seeded once per run (≈ 45 s a day on 2 cores)
CALENDAR_DAYS ?= 2026-09-03 2027-01-14 2027-05-27 2027-07-15
test-calendar: $(STAMP) engine
	@for day in $(CALENDAR_DAYS); do \
	  echo "== pytest -m calendar, HOSO_TEST_TODAY=$$day"; \
	  DATABASE_URL= HOSO_TEST_TODAY=$$day $(VENV)/bin/pytest -n 2 --dist loadfile -p no:cacheprovider -q -m calendar $(PYTEST_ARGS) || exit 1; \
	done

## test: lint, the suite on SQLite, the calendar runs, the benchmarks in short mode, then the
## suite on PostgreSQL (when one answers on 127.0.0.1:5432)
test: system-deps $(STAMP) browser-deps lint test-sqlite test-calendar bench-quick
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
	  $(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL not answering on 127.0.0.1:5432: skipped the PostgreSQL run"; fi

bench: $(STAMP) engine
	$(PY) bench/rules.py
	$(PY) bench/gradebook.py --db postgres
	$(PY) bench/records.py --db postgres
	$(PY) bench/printing.py --db postgres
	$(PY) bench/signing.py
	$(PY) bench/imports.py
	$(PY) bench/load.py
	$(PY) bench/attendance.py --db postgres
	$(PY) bench/pages.py --db postgres
	$(PY) bench/parents.py --db postgres
	$(PY) bench/registers.py --db postgres

## bench-quick: every benchmark in its short mode (tiny counts, the real path, fails loudly), each
## on its own fresh SQLite database and demo seeded on the clock's today
bench-quick: $(STAMP) engine
	$(PY) bench/rules.py --quick
	$(PY) bench/gradebook.py --quick
	$(PY) bench/records.py --quick
	$(PY) bench/printing.py --quick
	$(PY) bench/signing.py --quick
	$(PY) bench/imports.py --quick
	$(PY) bench/load.py --quick
	$(PY) bench/attendance.py --quick
	$(PY) bench/parents.py --quick
	$(PY) bench/registers.py --quick

clean:
	rm -rf $(VENV) node_modules hoso/static/build var/staticfiles
	rm -f hoso/assessment/rules/_secondary_engine_compiled*
