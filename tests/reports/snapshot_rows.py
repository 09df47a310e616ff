"""Snapshot rows written directly (the repair and inside/outside pages read nothing else), so a test controls
every figure: a wave of an assessment with one TrendSnapshot row per measure."""

from __future__ import annotations

import datetime

from django.utils import timezone

from assessments.models import Wave
from reports.models import TrendSnapshot
from tests.factories import AssessmentFactory, WaveFactory, core_version

START = datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC)


def assessment(org, *, audience="inside", name="Employee trust"):
    key = "core-outside" if audience == "outside" else "core-inside"
    return AssessmentFactory(organisation=org, audience=audience, name=name, instrument_version=core_version(key))


def wave(a, number: int, *, opens: datetime.datetime | None = None) -> Wave:
    opens = opens or START + datetime.timedelta(days=91 * (number - 1))
    closes = opens + datetime.timedelta(days=14)
    return WaveFactory(assessment=a, number=number, status=Wave.Status.CLOSED, opens_at=opens, opened_at=opens,
                       closes_at=closes, closed_at=closes)


def rows(w: Wave, figures: dict[str, float], *, unit=None, n: int = 60, sd: float = 15.0, fingerprint: str = "v1",
         suppressed: bool = False) -> None:
    """One snapshot row per measure: mean (POMP) from `figures`, a normal 95% interval, ~mean% favourable."""
    for measure, mean in figures.items():
        half = 1.96 * sd / n**0.5
        figures_ = {} if suppressed else {
            "n": n, "mean_pomp": mean, "sd_pomp": sd, "ci_low_pomp": mean - half, "ci_high_pomp": mean + half,
            "n_favourable": round(n * mean / 100)}
        TrendSnapshot.objects.create(organisation=w.assessment.organisation, assessment=w.assessment, wave=w, unit=unit,
                                     measure=measure, fingerprint=fingerprint, suppressed=suppressed,
                                     computed_at=timezone.now(), source_hash="test", **figures_)
