"""These tests are pure Python: neutralise the Django autouse fixtures of ``tests/conftest.py``.

A fixture of the same name in a closer conftest overrides the outer one, so nothing here touches
Django settings, translations or mail, and the disclosure package is tested without Django.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_by_default():
    yield


@pytest.fixture(autouse=True)
def _mail_through_the_outbox():
    yield
