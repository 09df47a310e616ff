# The two commands: `make run` (Trustier on the embedded default) and `make test` (the whole suite).
PY := .venv/bin/python
STAMP := .venv/.installed

.PHONY: run test lint venv bench-import bench-score bench-submit bench-dashboard bench-exports chaos load

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv .venv
	.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	bash scripts/run.sh

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	.venv/bin/ruff check .

bench-import: $(STAMP)
	DJANGO_SETTINGS_MODULE=trustier.settings.test $(PY) benchmarks/people_import.py

bench-score: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/trustier_bench} $(PY) benchmarks/score_wave.py

bench-submit: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/trustier_bench} $(PY) benchmarks/submit_wave.py

bench-dashboard: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/trustier_bench} $(PY) benchmarks/dashboard.py

bench-exports: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/trustier_bench} $(PY) benchmarks/exports.py

# Reliability runs (issue 10, T8–T11; chaos/README.md): each starts its own PostgreSQL 15, Redis, gunicorn
# and Celery on free loopback ports, stops them at the end, and exits non-zero when a bar is missed.
chaos: $(STAMP)
	$(PY) chaos/run.py

load: $(STAMP)
	$(PY) chaos/load.py
