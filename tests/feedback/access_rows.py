"""Access-matrix rows of the 360° cycle pages (merged by tests/assessments/test_access_matrix.py).

Owners and consultants manage cycles; managers and viewers of the organisation get 403 on cycle pages and 404 on a
subject's pages unless they are that subject or the subject's manager (by email); outsiders get 404 everywhere.
"""

from __future__ import annotations

from feedback import groups
from feedback.services import nomination_propose
from tests.feedback.factories import new_cycle, people, subject_with_manager

MANAGE_GET = {"owner": 200, "manager": 403, "consultant": 200, "viewer": 403}
MANAGE_POST = {"owner": 302, "manager": 403, "consultant": 302, "viewer": 403}
SUBJECT_GET = {"owner": 200, "manager": 404, "consultant": 200, "viewer": 404}
SUBJECT_POST = {"owner": 302, "manager": 404, "consultant": 302, "viewer": 404}


def _cycle(org):
    return new_cycle(org, None, [subject_with_manager(org)[0]])


def _cycle_kwargs(org):
    return {"slug": "acme", "pk": _cycle(org).pk}


def _subject_kwargs(org):
    return {"slug": "acme", "pk": _cycle(org).subjects.get().pk}


def _nomination_kwargs(org):
    subject = _cycle(org).subjects.get()
    nomination = nomination_propose(actor=None, subject=subject, rater=people(org, 1)[0], group=groups.PEER)
    return {"slug": "acme", "pk": nomination.pk}


ROWS = {
    "feedback_cycles": ("get", {"owner": 200, "manager": 200, "consultant": 200, "viewer": 200}),
    "feedback_cycle_new": ("get", MANAGE_GET),
    "feedback_cycle": ("get", MANAGE_GET, _cycle_kwargs),
    # opening without approved nominations: a message, back to the cycle
    "feedback_cycle_open": ("post", MANAGE_POST, _cycle_kwargs),
    "feedback_cycle_close": ("post", MANAGE_POST, _cycle_kwargs),
    "feedback_nominations": ("get", SUBJECT_GET, _subject_kwargs),
    # an empty form: 400 with the errors for those who may nominate
    "feedback_nominate_external": ("post", {"owner": 400, "manager": 404, "consultant": 400, "viewer": 404}, _subject_kwargs),
    "feedback_subject_approve": ("post", SUBJECT_POST, _subject_kwargs),
    "feedback_progress": ("get", SUBJECT_GET, _subject_kwargs),
    "feedback_nomination_decide": ("post", SUBJECT_POST, _nomination_kwargs),
}
NOT_SCOPED: set[str] = set()
