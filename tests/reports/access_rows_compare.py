"""Access-matrix rows of the inside/outside page and the after-incident pulse (merged by access_rows.py)."""

from __future__ import annotations

from tests.assessments.access_rows import _incident

ROWS = {
    # organisation-wide: managers see their subtree only
    "inside_outside": ("get", {"owner": 200, "manager": 403, "consultant": 200, "viewer": 200}),
    "incident_pulse": ("post", {"owner": 302, "manager": 403, "consultant": 302, "viewer": 403}, _incident),
}
NOT_SCOPED: set[str] = set()
