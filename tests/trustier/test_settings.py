"""Settings fail fast, and the production-like environment passes `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "ALLOWED_HOSTS")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)


def test_refuses_to_start_without_a_secret_key_outside_debug(tmp_path):
    result = _manage("check", TRUSTIER_DATA_DIR=str(tmp_path))
    assert result.returncode != 0 and "SECRET_KEY is missing" in result.stderr


def test_production_environment_passes_check_deploy(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", TRUSTIER_DATA_DIR=str(tmp_path), SECRET_KEY="p" * 20 + "q" * 20 + "0123456789",
                     ALLOWED_HOSTS="trust.example.org", DATABASE_URL="postgres://127.0.0.1:5432/none")
    assert result.returncode == 0, result.stderr + result.stdout
