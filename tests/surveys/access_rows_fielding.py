"""Access-matrix rows for the assessment and wave pages (imported by tests/assessments/test_access_matrix.py)."""

from __future__ import annotations

from tests.factories import AssessmentFactory, WaveFactory

ALL = {"owner": 200, "manager": 200, "consultant": 200, "viewer": 200}
RUN_GET = {"owner": 200, "manager": 403, "consultant": 200, "viewer": 403}
RUN_POST = {"owner": 302, "manager": 403, "consultant": 302, "viewer": 403}


def _assessment(org):
    return {"slug": "acme", "pk": AssessmentFactory(organisation=org).pk}


def _wave(org):
    return {"slug": "acme", "pk": WaveFactory(assessment=AssessmentFactory(organisation=org)).pk}


ROWS = {
    "assessment_list": ("get", ALL),
    "assessment_create": ("get", RUN_GET),
    "assessment_detail": ("get", ALL, _assessment),
    "wave_schedule": ("get", RUN_GET, _assessment),
    "wave_detail": ("get", ALL, _wave),
    "wave_open": ("post", RUN_POST, _wave),
    "wave_close": ("post", RUN_POST, _wave),
    "wave_extend": ("post", RUN_POST, _wave),
    "wave_invite_late": ("post", RUN_POST, _wave),
    "wave_open_link": ("post", RUN_POST, _wave),  # an inside wave: refused with a message (302)
}
NOT_SCOPED: set[str] = set()
