"""The demo shows reciprocal trust (issue 11): a felt-trust gap, a clear blind spot and the managers' leader bias."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from assessments.demo import LOGINS
from assessments.models import Assessment, Membership, Organisation
from assessments.scoring import Settings
from assessments.scoring.reciprocal import DIMENSIONS, OVERESTIMATE, average_gaps, blind_spot
from reports.models import TrendSnapshot
from reports.snapshots import snapshots_build
from surveys.models import ManagerPrediction, TeamRating
from tests.factories import core_version

pytestmark = pytest.mark.django_db
FAST = Settings(resamples=20)
MIRA = "manager.ops@demo.trustier.test"


def _seed() -> tuple[Organisation, Assessment]:
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    demo = Organisation.objects.get(slug="demo")
    return demo, Assessment.objects.get(organisation=demo, audience="inside")


def _rows(wave) -> dict[tuple[str, str], TrendSnapshot]:
    return {(r.unit.path if r.unit else "", r.measure): r
            for r in TrendSnapshot.objects.filter(wave=wave, cut="").select_related("unit")}


def _spots(wave, rows) -> dict[str, list]:
    """Manager email → blind spots of their prediction against their unit's published upward rows."""
    out = {}
    for prediction in ManagerPrediction.objects.filter(wave=wave).select_related("user", "unit"):
        spots = []
        for dimension in DIMENSIONS:
            actual = rows.get((prediction.unit.path, "upward:" + dimension))
            if actual is None or actual.suppressed:
                continue
            spots.append(blind_spot(dimension, prediction.values[dimension], {
                "mean_pomp": actual.mean_pomp, "ci_low_pomp": actual.ci_low_pomp, "ci_high_pomp": actual.ci_high_pomp,
                "n": actual.n}))
        out[prediction.user.email] = spots
    return out


def test_demo_wave_4_shows_a_felt_trust_gap_a_blind_spot_and_the_leader_bias():
    # given the seeded demo
    _demo, inside = _seed()
    # when its snapshots are built
    snapshots_build(settings=FAST)
    wave = inside.waves.get(number=4)
    rows = _rows(wave)
    # then Support/Finance feels clearly less trusted than it trusts its leadership: a felt-trust gap below 0
    finance = rows["Support/Finance", "felt_gap:trust_index"]
    assert not finance.suppressed and finance.n >= 5
    assert finance.verdict == "down" and finance.ci_high_pomp < 0, (finance.mean_pomp, finance.ci_high_pomp)
    # and Customer Care, its sibling, shows no gap: the highlight is specific
    care = rows["Support/Customer Care", "felt_gap:trust_index"]
    assert care.ci_low_pomp < 0 < care.ci_high_pomp
    # and every unit and the organisation carry upward, felt and downward figures with their n
    for path in ("", "Operations", "Support/Finance", "Sales/North"):
        assert rows[path, "upward:trust_index"].n >= 5 and rows[path, "felt:trust_index"].mean_pomp is not None
    assert rows["Support/Finance", "downward:trust_index"].mean_pomp is not None
    # and Mira Operations, whose team trusts the leadership least, clearly overestimates it: a blind spot
    spots = _spots(wave, rows)
    assert rows["Operations", "upward:trust_index"].mean_pomp < 50
    assert sum(s.label == OVERESTIMATE for s in spots[MIRA]) >= 2, [(s.measure, s.gap, s.label) for s in spots[MIRA]]
    # and some managers predict in line on every dimension
    assert sum(all(s.label == "in_line" for s in mine) and len(mine) == 4 for mine in spots.values()) >= 1
    # and the owners' aggregate has enough managers, and shows that managers overestimate empathy
    gaps = average_gaps([s for mine in spots.values() for s in mine])
    assert all(gaps[d].n >= 5 for d in DIMENSIONS), {d: gaps[d].n for d in DIMENSIONS}
    assert gaps["empathy"].verdict == "up" and gaps["empathy"].n_over >= 5


def test_every_demo_manager_predicted_before_each_wave_and_rated_their_team_in_each_closed_wave():
    # given the seeded demo
    demo, inside = _seed()
    waves = list(inside.waves.order_by("number"))
    team_form = core_version("module-manager-team")
    # then the inside assessment asks felt trust and the managers about their team
    assert inside.reciprocal and inside.instrument_version.instrument.key == "core-inside-felt-trust"
    # and every manager login manages a unit, each leaf unit and the top units have one
    managers = list(Membership.objects.filter(organisation=demo, role="manager").select_related("user", "unit"))
    assert {m.user.email for m in managers} == {email for email, _n, role, _u in LOGINS if role == "manager"}
    assert {m.unit.path for m in managers} >= {u.path for u in demo.units.all()}
    for membership in managers:
        predictions = {p.wave_id: p for p in ManagerPrediction.objects.filter(user=membership.user)}
        ratings = {r.wave_id: r for r in TeamRating.objects.filter(user=membership.user)}
        for wave in waves:
            # and each prediction was made before the wave opened, for the manager's unit, 0–100 per dimension
            prediction = predictions[wave.pk]
            assert prediction.unit_id == membership.unit_id
            assert prediction.created_at <= prediction.updated_at < wave.opens_at
            assert set(prediction.values) == set(DIMENSIONS) and all(0 <= v <= 100 for v in prediction.values.values())
            # and each closed wave has the manager's rating of their team on the shipped form, made while it was open
            if wave.status == "closed":
                rating = ratings[wave.pk]
                assert rating.version_id == team_form.pk and rating.unit_id == membership.unit_id
                assert wave.opens_at < rating.created_at < wave.closes_at
                assert len(rating.answers) == 13
                assert all(v is None or 1 <= v <= 7 for v in rating.answers.values())
    # and the open wave has at most one team rating so far
    assert TeamRating.objects.filter(wave=waves[-1]).count() <= 1
