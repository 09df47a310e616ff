"""A database that is restarting is a 503 with Retry-After, not a 500 (issue 10, T10: clients retry safely)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_a_lost_database_connection_is_a_503_that_asks_to_retry():
    # given a database that refuses connections (as during `pg_ctl restart`)
    client = Client(raise_request_exception=False)
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor",
                    side_effect=OperationalError("server closed the connection unexpectedly")):
        # when a load balancer asks for the health endpoint
        response = client.get("/health/")
    # then it is told to come back: 503, Retry-After, in both languages, never cached
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert "try again" in response.content.decode() and "opnieuw" in response.content.decode()


@pytest.mark.django_db
def test_any_other_error_stays_a_500():
    client = Client(raise_request_exception=False)
    with mock.patch("trustier.views.connection.cursor", side_effect=ValueError("a bug")):
        response = client.get("/health/")
    assert response.status_code == 500 and "Retry-After" not in response
