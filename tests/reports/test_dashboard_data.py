"""Shared builders for the dashboard tests: closed waves with real responses, built into snapshots."""

from __future__ import annotations

import datetime

from django.utils import timezone

from assessments.incidents import incident_create
from assessments.models import Wave
from assessments.scoring import Settings
from reports.snapshots import snapshots_build
from tests.factories import AssessmentFactory, WaveFactory
from tests.reports.test_wave_scoring import fill

FAST = Settings(resamples=20)
START = datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC)


def closed_wave(assessment, number: int) -> Wave:
    opens = START + datetime.timedelta(days=60 * (number - 1))
    closes = opens + datetime.timedelta(days=14)
    return WaveFactory(assessment=assessment, number=number, status=Wave.Status.CLOSED, opens_at=opens,
                       closes_at=closes, closed_at=closes)


def build(org, *, waves: int = 2, sizes: dict[str, int] | None = None, name: str = "Employee trust"):
    """An assessment with `waves` closed waves; `sizes` maps unit path → respondents per wave."""
    sizes = sizes or {"Sales/North": 40, "Sales/South": 2, "Operations": 30}
    assessment = AssessmentFactory(organisation=org, name=name)
    made = []
    for number in range(1, waves + 1):
        wave = closed_wave(assessment, number)
        fill(wave, [org.test_units[path] for path, n in sizes.items() for _ in range(n)], seed=number)
        made.append(wave)
    snapshots_build(settings=FAST)
    return assessment, made


def incident_between(org, waves, *, units=None, title="Reorganisation announced"):
    day = timezone.localdate(waves[0].closed_at) + datetime.timedelta(days=10)
    return incident_create(actor=None, organisation=org, occurred_on=day, title=title,
                           dimensions=["reliability"], units=units or [])
