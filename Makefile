# The two commands: `make run` (Trustier on the embedded default) and `make test` (the whole suite).
PY := .venv/bin/python
STAMP := .venv/.installed

.PHONY: run test lint venv bench-import bench-score bench-submit bench-dashboard bench-exports

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
