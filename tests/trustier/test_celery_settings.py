"""Celery reliability settings (issue 10, reference §1.4): late acks, requeue on a killed worker,
prefetch 1, and a Redis visibility timeout above the longest task (else a slow task runs twice).

The settings module is executed afresh with a production-like environment, so the test sees what
`REDIS_URL` switches on, not what the test settings happen to use. `make chaos` (chaos/run.py, T8)
checks the same settings against real killed workers.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parents[2] / "trustier" / "settings" / "base.py"


def _settings(monkeypatch, tmp_path, **env) -> dict:
    for key in ("CELERY_VISIBILITY_TIMEOUT", "REDIS_URL", "DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("SECRET_KEY", "k" * 50)
    monkeypatch.setenv("TRUSTIER_DATA_DIR", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(BASE))


def test_tasks_survive_a_killed_worker_and_are_fetched_one_at_a_time(monkeypatch, tmp_path):
    # given a production-like environment with Redis as the broker
    settings = _settings(monkeypatch, tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    # then a task is acknowledged only after it ran, requeued when its process dies, and prefetched singly
    assert settings["CELERY_TASK_ACKS_LATE"] is True
    assert settings["CELERY_TASK_REJECT_ON_WORKER_LOST"] is True
    assert settings["CELERY_WORKER_PREFETCH_MULTIPLIER"] == 1


def test_visibility_timeout_is_above_the_task_time_limit_by_default(monkeypatch, tmp_path):
    # given Redis as the broker and no override
    settings = _settings(monkeypatch, tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    # then an unacked task is redelivered only after the longest task could have finished
    timeout = settings["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    assert timeout == 3600
    assert timeout > settings["CELERY_TASK_TIME_LIMIT"] > settings["CELERY_TASK_SOFT_TIME_LIMIT"]


@pytest.mark.parametrize("value", ["15", "7200"])
def test_visibility_timeout_follows_the_environment(monkeypatch, tmp_path, value):
    # given an operator (or the chaos run) setting CELERY_VISIBILITY_TIMEOUT
    settings = _settings(monkeypatch, tmp_path, REDIS_URL="redis://127.0.0.1:6379/0", CELERY_VISIBILITY_TIMEOUT=value)
    # then the broker uses it
    assert settings["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == int(value)
