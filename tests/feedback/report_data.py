"""A closed 360° cycle with answers written directly (fast), for the report tests. Not a test module."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from assessments.models import Assessment, Wave
from feedback.models import Cycle, Subject
from surveys.models import Answer, Item, Response
from tests.factories import PersonFactory, core_version


def closed_cycle(org, *, subject_email="sam@example.test", manager_email="mona@example.test", report_access=None,
                 status=Wave.Status.CLOSED, min_raters=3):
    version = core_version("core-person")
    assessment = Assessment.objects.create(organisation=org, name="Leadership 360°", instrument_version=version,
                                           audience=Assessment.Audience.PERSON, languages=["nl", "en"])
    now = timezone.now()
    Wave.objects.create(assessment=assessment, number=1, opens_at=now - datetime.timedelta(days=15),
                        closes_at=now - datetime.timedelta(days=1), status=status)
    fields = {"report_access": report_access} if report_access else {}
    cycle = Cycle.objects.create(assessment=assessment, nomination_closes_at=now - datetime.timedelta(days=16),
                                 min_raters=min_raters, **fields)
    manager = PersonFactory(organisation=org, email=manager_email, first_name="Mona", last_name="Manager")
    person = PersonFactory(organisation=org, email=subject_email, first_name="Sam", last_name="Subject", manager=manager)
    return Subject.objects.create(cycle=cycle, person=person, status=Subject.Status.INVITED)


def add_responses(subject: Subject, group: str, n: int, value: int | dict, comment: str | None = None) -> None:
    """`n` responses of `group` with every scored item at `value` (or {dimension: value}); optional comment."""
    wave = subject.cycle.wave
    items = list(Item.objects.filter(version=wave.assessment.instrument_version))
    for _ in range(n):
        response = Response.objects.create(wave=wave, attributes={"subject": subject.pk, "group": group}, language="en",
                                           submitted_on=timezone.localdate(), submission_key=uuid.uuid4().hex)
        answers = []
        for item in items:
            if item.role == "dimension":
                v = value.get(item.dimension, 5) if isinstance(value, dict) else value
                answers.append(Answer(response=response, item=item, value=v))
            elif item.role == "comment" and comment and item.key == "open_keep_doing":
                answers.append(Answer(response=response, item=item, text=comment))
        Answer.objects.bulk_create(answers)


def full_subject(org, **kwargs) -> Subject:
    """Self 6, manager 5, 3 peers 5, 3 reports 4 (empathy 2), 2 customers 6 + 1 other 3 (pooled into "others")."""
    subject = closed_cycle(org, **kwargs)
    add_responses(subject, "self", 1, 6, "I listen well.")
    add_responses(subject, "manager", 1, 5, "Solid year.")
    add_responses(subject, "peer", 3, 5, "Reliable colleague.")
    add_responses(subject, "report", 3, {"competence": 4, "reliability": 4, "integrity": 4, "empathy": 2}, "Listen more.")
    add_responses(subject, "customer", 2, 6, "Great partner.")
    add_responses(subject, "other", 1, 3)
    return subject
