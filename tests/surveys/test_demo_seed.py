"""The demo organisation gives later dashboards something honest to show."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Avg

from assessments.models import Assessment, Organisation, Wave
from surveys.models import Answer, Response


def _mean(wave: Wave, dimension: str) -> float:
    return Answer.objects.filter(response__wave=wave, item__dimension=dimension).aggregate(a=Avg("value"))["a"]


@pytest.mark.django_db
def test_seed_demo_creates_trend_with_a_dip_after_the_incident_and_is_idempotent():
    # given a fresh database / when the demo is seeded twice
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    demo = Organisation.objects.get(slug="demo")
    inside = Assessment.objects.get(organisation=demo, audience="inside")
    waves = list(inside.waves.order_by("number"))
    # then there are four closed quarterly waves and one open wave, created once
    assert [w.status for w in waves] == ["closed", "closed", "closed", "closed", "open"]
    assert Assessment.objects.filter(organisation=demo).exclude(audience="person").count() == 2
    assert Assessment.objects.filter(organisation=demo, audience="person").count() == 2  # the 360° cycles (feedback/demo.py)
    assert Assessment.objects.get(organisation=demo, audience="outside").waves.get().responses.count() >= 40
    # and integrity dips after the incident (wave 3) and recovers partly (wave 4), competence does not dip
    integrity = [_mean(w, "integrity") for w in waves]
    assert integrity[2] < integrity[1] - 0.5 and integrity[2] < integrity[3] < integrity[1]
    assert abs(_mean(waves[2], "competence") - _mean(waves[1], "competence")) < 0.3
    # and units differ: Sales trusts more than Operations
    sales = Answer.objects.filter(response__wave=waves[0], response__unit__path__startswith="Sales").aggregate(a=Avg("value"))["a"]
    ops = Answer.objects.filter(response__wave=waves[0], response__unit__path__startswith="Operations").aggregate(a=Avg("value"))["a"]
    assert sales > ops + 0.5
    # and anonymous responses carry no invitation
    assert not Response.objects.filter(invitation__isnull=False).exists()
    # and every unit with respondents has at least the anonymity threshold in each closed wave
    for wave in waves[:4]:
        counts = {}
        for unit_id in wave.responses.values_list("unit_id", flat=True):
            counts[unit_id] = counts.get(unit_id, 0) + 1
        assert min(counts.values()) >= demo.min_group_size
