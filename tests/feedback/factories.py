"""Factories and builders for 360° tests (tests/factories.py stays untouched)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from feedback.services import cycle_create
from tests.factories import PersonFactory


def people(org, n: int, *, unit="Sales/North", **fields):
    return [PersonFactory(organisation=org, unit=org.test_units[unit] if unit else None, language="en", **fields) for _ in range(n)]


def subject_with_manager(org, *, email=None):
    manager = PersonFactory(organisation=org, unit=org.test_units["Sales"], language="en", first_name="Mona", last_name="Manager")
    extra = {"email": email} if email else {}
    subject = PersonFactory(organisation=org, unit=org.test_units["Sales/North"], manager=manager, language="en",
                            first_name="Sam", last_name="Subject", **extra)
    return subject, manager


def new_cycle(org, actor, subjects, *, opens_in=datetime.timedelta(days=1), **fields):
    now = timezone.now()
    opens = now + opens_in
    defaults = {"name": "Leadership 360°", "nomination_closes_at": opens, "opens_at": opens,
                "closes_at": opens + datetime.timedelta(days=14), "reminder_days": [3, 7], "languages": ["nl", "en"],
                "group_limits": {"peer": [3, 8], "report": [0, 10], "customer": [0, 5], "other": [0, 5]}}
    return cycle_create(actor=actor, organisation=org, subjects=subjects, **{**defaults, **fields})
