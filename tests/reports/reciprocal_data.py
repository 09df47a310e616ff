"""A reciprocal-trust wave with controlled answers (issue 11): the combined inside instrument with felt trust,
responses whose leadership items sit around one level and whose felt-trust items around another."""

from __future__ import annotations

import datetime
import uuid

import numpy as np
from django.utils import timezone

from assessments.models import Wave
from surveys.models import Answer, Item, Response, TeamRating
from tests.factories import AssessmentFactory, MembershipFactory, WaveFactory, core_version

INSTRUMENT = "core-inside-felt-trust"


def reciprocal_wave(org, *, status: str = Wave.Status.CLOSED, reciprocal: bool = True, number: int = 1) -> Wave:
    closed = status in (Wave.Status.CLOSED, Wave.Status.RELEASED)
    assessment = AssessmentFactory(organisation=org, instrument_version=core_version(INSTRUMENT), reciprocal=reciprocal)
    # closed waves in the past; a draft or open wave around now, so that it can still be opened and answered
    opens = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC) if closed else timezone.now() - datetime.timedelta(hours=1)
    return WaveFactory(assessment=assessment, number=number, status=status, opens_at=opens,
                       opened_at=None if status == Wave.Status.DRAFT else opens,
                       closes_at=opens + datetime.timedelta(days=14),
                       closed_at=opens + datetime.timedelta(days=14) if closed else None)


def item_groups(wave: Wave) -> tuple[list[Item], list[Item], list[Item]]:
    """(leadership dimension items, felt-trust items, every other closed item) of the wave's instrument."""
    items = list(Item.objects.filter(version=wave.assessment.instrument_version).exclude(role="comment").order_by("position", "pk"))
    leadership = [i for i in items if i.role == "dimension" and i.referent == "leadership"]
    felt = [i for i in items if i.role == "felt_trust"]
    other = [i for i in items if i not in leadership and i not in felt]
    return leadership, felt, other


def fill(wave: Wave, unit, n: int, *, upward: float, felt: float, seed: int = 0, dont_know: float = 0.0
         ) -> tuple[np.ndarray, np.ndarray]:
    """n responses in `unit`; leadership answers around `upward`, felt-trust answers around `felt` (1–7 scale).
    Returns the (leadership, felt) value matrices in item order (NaN = don't know)."""
    leadership, felt_items, other = item_groups(wave)
    rng = np.random.default_rng(seed)

    def draw(level: float, k: int) -> np.ndarray:
        values = np.clip(np.round(level + rng.normal(0, 0.8, size=(n, 1)) + rng.normal(0, 0.7, size=(n, k))), 1, 7)
        values[rng.random(values.shape) < dont_know] = np.nan
        return values

    up, ft, rest = draw(upward, len(leadership)), draw(felt, len(felt_items)), draw(5, len(other))
    responses = [Response(wave=wave, unit=unit, language="en", submitted_on=datetime.date(2026, 3, 5),
                          submission_key=uuid.uuid4().hex) for _ in range(n)]
    Response.objects.bulk_create(responses)
    answers = []
    for r, response in enumerate(responses):
        for items, values in ((leadership, up), (felt_items, ft), (other, rest)):
            answers += [Answer(response=response, item=item, value=None if np.isnan(v) else int(v))
                        for item, v in zip(items, values[r], strict=True)]
    Answer.objects.bulk_create(answers)
    return up, ft


SMALL_TEAMS = (("Sales/North", 3), ("Sales/South", 8), ("Operations", 10))


def small_teams(org) -> Wave:
    """A closed reciprocal wave with min_group_size 5: Sales/North 3 respondents (below it), Sales/South 8 and
    Operations 10, each with trust in the leadership ≈ 6 and felt trust ≈ 3."""
    org.min_group_size = 5
    org.save()
    wave = reciprocal_wave(org)
    for seed, (path, n) in enumerate(SMALL_TEAMS):
        fill(wave, org.test_units[path], n, upward=6, felt=3, seed=seed)
    return wave


def rate_team(wave: Wave, unit, user=None, value: int = 5) -> TeamRating:
    """`user` (a new manager of `unit` when None) rated the team with `value` on every item of the team form."""
    user = user or MembershipFactory(organisation=wave.assessment.organisation, role="manager", unit=unit).user
    version = core_version("module-manager-team")
    answers = {i.key: value for i in version.items.exclude(role="comment")}
    return TeamRating.objects.create(wave=wave, unit=unit, user=user, version=version, answers=answers)
