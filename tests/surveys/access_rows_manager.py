"""Access-matrix rows for a manager's own pages of reciprocal waves (imported by tests/assessments/test_access_matrix.py).

The manager persona manages Sales; only managers have these pages (owner, consultant, viewer: 403)."""

from __future__ import annotations

from tests.factories import AssessmentFactory, WaveFactory, core_version

MANAGER_ONLY = {"owner": 403, "manager": 200, "consultant": 403, "viewer": 403}


def _reciprocal_wave(org):
    """An open reciprocal wave of acme whose scope (Sales) holds the manager persona's unit."""
    assessment = AssessmentFactory(organisation=org, reciprocal=True, instrument_version=core_version("core-inside-felt-trust"))
    assessment.units.set([org.test_units["Sales"]])
    return {"slug": org.slug, "pk": WaveFactory(assessment=assessment, status="open").pk}


ROWS = {
    "manager_team": ("get", MANAGER_ONLY),
    "manager_team_wave": ("get", MANAGER_ONLY, _reciprocal_wave),
}
NOT_SCOPED: set[str] = set()
