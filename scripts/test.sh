#!/usr/bin/env bash
# Runs the whole suite. With DATABASE_URL / REDIS_URL set it uses PostgreSQL and Redis; without
# them SQLite and eager Celery, skipping only what truly needs a service (in CI nothing may skip).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null
fi
exec .venv/bin/pytest "$@"
