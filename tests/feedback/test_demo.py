"""The demo's 360° cycles: a closed one with raters in every group and a realistic blind spot, an open one to nominate in."""

from __future__ import annotations

import time

import pytest
from django.db.models import Avg

from assessments.demo import demo_organisation_seed
from feedback.demo import CLOSED_NAME, OPEN_NAME, SUBJECT_EMAIL, seed_feedback_demo
from feedback.models import Cycle
from surveys.models import Answer, Response


def _mean(subject, groups_, dimension):
    return Answer.objects.filter(response__wave=subject.cycle.wave, response__attributes__subject=subject.pk,
                                 response__attributes__group__in=groups_, item__dimension=dimension).aggregate(a=Avg("value"))["a"]


@pytest.mark.django_db
def test_demo_has_a_closed_cycle_with_every_group_and_an_open_one_quickly_and_once():
    # given the demo organisation
    organisation = demo_organisation_seed()
    # when the 360° demo is seeded (twice)
    started = time.perf_counter()
    assert seed_feedback_demo(organisation) is True
    seconds = time.perf_counter() - started
    assert seed_feedback_demo(organisation) is False
    # then it is fast and there are two cycles: one closed, one waiting for nominations
    assert seconds < 3, seconds
    closed = Cycle.objects.get(assessment__name=CLOSED_NAME)
    assert closed.wave.status == "closed"
    mark = closed.subjects.get(person__email=SUBJECT_EMAIL)
    counts = {}
    for group in Response.objects.filter(attributes__subject=mark.pk).values_list("attributes__group", flat=True):
        counts[group] = counts.get(group, 0) + 1
    assert counts == {"self": 1, "manager": 1, "peer": 5, "report": 6, "customer": 4}
    # and the second subject has groups below the threshold only (2 peers, 2 reports)
    assert closed.subjects.count() == 6
    second = closed.subjects.exclude(pk=mark.pk).order_by("pk").first()
    groups_of_second = list(Response.objects.filter(attributes__subject=second.pk).values_list("attributes__group", flat=True))
    assert groups_of_second.count("peer") == 2 and groups_of_second.count("report") == 2
    # and Mark rates his empathy higher than others do; customers rate his competence higher than he does
    others = ["manager", "peer", "report", "customer"]
    assert _mean(mark, ["self"], "empathy") > _mean(mark, others, "empathy") + 0.5
    assert _mean(mark, ["customer"], "competence") > _mean(mark, ["self"], "competence") + 0.5
    # and there are comments; no response carries a unit or an invitation
    assert Answer.objects.filter(response__attributes__subject=mark.pk).exclude(text="").exists()
    assert not Response.objects.filter(wave=closed.wave).exclude(unit=None).exists()
    assert not Response.objects.filter(wave=closed.wave, invitation__isnull=False).exists()
    # and the open cycle has proposed nominations waiting for approval
    pending = Cycle.objects.get(assessment__name=OPEN_NAME)
    assert pending.wave.status == "draft"
    assert pending.subjects.filter(nominations__status="proposed").exists()
