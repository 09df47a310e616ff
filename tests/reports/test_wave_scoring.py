"""reports.wave_scoring.wave_score: one wave from the database, in bulk, with suppression."""

from __future__ import annotations

import datetime
import uuid

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.scoring import Settings, score_dataset
from reports.wave_scoring import wave_score, wave_specs
from surveys.models import Answer, Invitation, Item, Response
from tests.factories import AssessmentFactory, PersonFactory, WaveFactory

FAST = Settings(resamples=20)


def fill(wave, units: list, *, seed: int = 0) -> np.ndarray:
    """Create one Response per entry of `units` with answers to every scored item; returns the values."""
    specs, item_ids = wave_specs(wave.assessment.instrument_version)
    rng = np.random.default_rng(seed)
    level = rng.normal(5, 1, size=(len(units), 1))
    values = np.clip(np.round(level + rng.normal(0, 1, size=(len(units), len(specs)))), 1, 7)
    values[rng.random(values.shape) < 0.05] = np.nan  # don't know
    responses = [Response(wave=wave, unit=unit, language="nl", submitted_on=datetime.date(2026, 1, 5),
                          submission_key=uuid.uuid4().hex) for unit in units]
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create([
        Answer(response=response, item_id=item_id, value=None if np.isnan(v) else int(v))
        for response, row in zip(responses, values, strict=True) for item_id, v in zip(item_ids, row, strict=True)
    ])
    return values


@pytest.fixture
def wave(org):
    return WaveFactory(assessment=AssessmentFactory(organisation=org))


def test_wave_score_equals_the_engine_on_the_same_matrix(org, wave) -> None:
    # given 40 responses in Sales/North, 30 in Operations, 2 in Sales/South and 5 without a unit
    u = org.test_units
    units = [u["Sales/North"]] * 40 + [u["Operations"]] * 30 + [u["Sales/South"]] * 2 + [None] * 5
    values = fill(wave, units)
    # and invitations: 50 people in Sales/North
    for _ in range(50):
        Invitation.objects.create(wave=wave, person=PersonFactory(organisation=org, unit=u["Sales/North"]),
                                  token_hash=uuid.uuid4().hex)
    # when the wave is scored
    out = wave_score(wave, settings=FAST)
    # then the organisation figures equal score_dataset on the same answers (order-independent)
    specs, _ = wave_specs(wave.assessment.instrument_version)
    labels = [x.path if x else None for x in units]
    expected = score_dataset(values, specs, units=labels, settings=FAST).to_dict()
    assert out["n"] == 77
    for dim in ("competence", "reliability", "integrity", "empathy"):
        for key in ("n", "mean", "sd", "ci_low", "ci_high", "alpha", "omega"):
            assert out["dimensions"][dim][key] == pytest.approx(expected["dimensions"][dim][key], rel=1e-9)
    # and Sales/South (2) is hidden, so is its complement, and hidden units carry no figures
    assert out["units"]["Sales/South"] == {"suppressed": True}
    assert out["units"]["Sales/North"] == {"suppressed": True} or out["units"]["Sales"] == {"suppressed": True}
    assert not out["units"]["Operations"]["suppressed"]
    # and invited counts flow into the organisation's response rate
    assert out["n_invited"] == 50


def test_min_group_size_of_the_organisation_is_used(org, wave) -> None:
    org.min_group_size = 10
    org.save()
    u = org.test_units
    fill(wave, [u["Operations"]] * 9 + [u["Sales/North"]] * 30)
    out = wave_score(wave, settings=FAST)
    assert out["units"]["Operations"] == {"suppressed": True}


def test_an_empty_wave_scores_to_nothing(wave) -> None:
    out = wave_score(wave, settings=FAST)
    assert out["suppressed"] is True and out["n"] == 0 and out["units"] == {}


def test_dont_know_is_missing(org, wave) -> None:
    # given 6 respondents who answer only don't know to com_expertise and 6 to the rest
    fill(wave, [org.test_units["Operations"]] * 6)
    item = Item.objects.get(version=wave.assessment.instrument_version, key="com_expertise")
    Answer.objects.filter(response__wave=wave, item=item).update(value=None)
    out = wave_score(wave, settings=FAST)
    competence = [i for k, i in out["items"].items() if k == "com_expertise"][0]
    assert competence["n_answered"] == 0 and competence["dont_know_rate"] == 1.0


def test_query_count_does_not_grow_with_responses(org) -> None:
    # given two waves with 10 and 100 responses
    counts = []
    for n in (10, 100):
        wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
        fill(wave, [org.test_units["Operations"]] * n)
        with CaptureQueriesContext(connection) as queries:
            wave_score(wave, settings=FAST)
        counts.append(len(queries))
    # then scoring them takes the same, small number of queries
    assert counts[0] == counts[1] <= 12, counts
