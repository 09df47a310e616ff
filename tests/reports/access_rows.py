"""Access-matrix rows of the reports app: every member reads the dashboards (scoped to their units)."""

from __future__ import annotations

READ = {"owner": 200, "manager": 200, "consultant": 200, "viewer": 200}


def _unit_in_sales(org):
    return {"slug": "acme", "unit_pk": org.test_units["Sales/North"].pk}


ROWS = {
    "dashboard": ("get", READ),
    "dashboard_unit": ("get", READ, _unit_in_sales),
    "dashboard_heatmap": ("get", READ),
}
NOT_SCOPED: set[str] = set()

