#!/usr/bin/env bash
# Starts Trustier on the embedded default: SQLite, a filesystem broker, emails as files in .data/mail.
# Web (Django's server on :8000), a Celery worker and beat; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo
$PY manage.py snapshots_build
.venv/bin/celery -A trustier worker -B -l warning -c 1 --pidfile= --schedule "${TRUSTIER_DATA_DIR:-.data}/celerybeat-schedule" &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM
echo "Trustier runs at http://127.0.0.1:${PORT:-8000}/  (emails land in .data/mail/)"
$PY manage.py runserver "127.0.0.1:${PORT:-8000}" --noreload
