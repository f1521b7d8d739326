# aiplus: `make run` serves the platform on the embedded SQLite database with demo data and a background worker
# (production-grade server, DEBUG off; `make dev`: Django's autoreloading server, DEBUG on);
# `make test` runs every check and the whole suite (again on PostgreSQL when DATABASE_URL points at one).
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

# The project's .python-version (3.12) selects the interpreter through pyenv; uv is installed with its pip,
# because uv cannot download interpreters here.
PYTHON ?= python3
UV := $(PYTHON) -m uv
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install browser media prepare run dev test lint test-sqlite test-postgres bench bench-web messages clean

install:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	@$(UV) sync --frozen --quiet

# Debian's Chromium for the Playwright browser tests (Playwright's own browser download cannot work here), and a
# small CJK font so that screenshots of the Chinese UI are readable.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk"; then \
	  echo "installing Debian's chromium and a CJK font for the browser tests…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

# ffmpeg/ffprobe and exiftool for the AIGC label engine's tests and benchmark (aiplus.algorithms.labels: video and
# audio containers, stamping; exiftool is the benchmark's baseline), installed from Debian like Chromium above.
media:
	@if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1 || ! command -v exiftool >/dev/null 2>&1; then \
	  echo "installing Debian's ffmpeg and exiftool for the AIGC label tests…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq ffmpeg libimage-exiftool-perl >/dev/null; \
	fi

# The database, reference data and demo data both servers need (the secret key, data/secret_key, is made on first use).
prepare: install
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) sync_reference
	@$(MANAGE) seed_demo --seed 2026

# Served as in production: gunicorn, DEBUG off, static files collected into staticfiles/ and served by WhiteNoise.
run: prepare
	@$(MANAGE) collectstatic --noinput -v 0
	@AIPLUS_DEMO=1 MODE=run HOST=$(HOST) PORT=$(PORT) UV="$(UV)" bash scripts/run.sh

# Django's autoreloading development server with DEBUG on, and the worker.
dev: prepare
	@AIPLUS_DEBUG=1 AIPLUS_DEMO=1 MODE=dev HOST=$(HOST) PORT=$(PORT) UV="$(UV)" bash scripts/run.sh

lint: install
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen mypy
	$(UV) run --frozen lint-imports
	$(MANAGE) check_packs
	$(MANAGE) makemigrations --check --dry-run -v 0

test-sqlite: install browser media
	env -u DATABASE_URL $(UV) run --frozen pytest

test-postgres: install browser media
	@if [[ "$${DATABASE_URL:-}" == postgres* ]]; then \
	  echo "== the suite again on PostgreSQL ($${DATABASE_URL%%@*}@…)"; \
	  $(UV) run --frozen pytest; \
	else echo "DATABASE_URL does not point at PostgreSQL: PostgreSQL run skipped"; fi

test: lint test-sqlite test-postgres

bench: install media
	@for script in bench/[a-z]*.py; do echo "== $$script"; $(UV) run --frozen python $$script --quick; done

# The web load benchmark at full volume (bench/web.py; `make bench` runs it --quick): needs PostgreSQL
# (AIPLUS_BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432) and takes about 15 minutes.
bench-web: install
	$(UV) run --frozen python bench/web.py

messages: install
	cd src/aiplus && ../../.venv/bin/python ../../manage.py makemessages -l en --no-obsolete && \
	  ../../.venv/bin/python ../../manage.py compilemessages -l en

clean:
	rm -rf data/ .venv/ staticfiles/
