"""Erasure of a person (GDPR Art. 17) in 360° cycles; registered into reports.privacy.ERASURE_HOOKS.

As a rater: their nominations go (their anonymous answers stay: nothing links them to the person).
As a subject: the subject, its nominations, the invitations about them and every rating of them go —
ratings of a named person are that person's personal data, whoever gave them.
"""

from __future__ import annotations

from django.db.models import Q

from feedback.models import Nomination, Subject
from surveys.models import Answer, Invitation, Response


def erase(person) -> dict[str, int]:
    subjects = list(Subject.objects.filter(person=person).values_list("pk", flat=True))
    ratings = Response.objects.filter(attributes__subject__in=subjects)
    Answer.objects.filter(response__in=ratings).delete()
    return {
        "ratings_of_them": ratings.delete()[0] if subjects else 0,
        "invitations_about_them": Invitation.objects.filter(subject_key__in=[str(pk) for pk in subjects])
        .exclude(person=person).delete()[0],
        "nominations": Nomination.objects.filter(Q(rater=person) | Q(subject__person=person)).delete()[0],
        "feedback_subjects": Subject.objects.filter(person=person).delete()[0],
    }


def residue(person_id: int) -> dict[str, int]:
    subjects = list(Subject.objects.filter(person_id=person_id).values_list("pk", flat=True))
    return {
        "feedback_subjects": len(subjects),
        "nominations": Nomination.objects.filter(rater_id=person_id).count(),
        "ratings_of_them": Response.objects.filter(attributes__subject__in=subjects).count() if subjects else 0,
    }
