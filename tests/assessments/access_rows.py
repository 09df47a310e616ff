"""Access-matrix rows of incidents: everyone reads, owners and consultants write."""

from __future__ import annotations

READ = {"owner": 200, "manager": 200, "consultant": 200, "viewer": 200}
EDIT = {"owner": 200, "manager": 403, "consultant": 200, "viewer": 403}


def _incident(org):
    import datetime

    from assessments.incidents import incident_create
    from assessments.models import Incident

    existing = Incident.objects.filter(organisation=org).first()
    incident = existing or incident_create(actor=None, organisation=org, occurred_on=datetime.date(2026, 1, 5),
                                           title="Outage", dimensions=["reliability"])
    return {"slug": "acme", "pk": incident.pk}


ROWS = {
    "incident_list": ("get", READ),
    "incident_create": ("get", EDIT),
    "incident_detail": ("get", READ, _incident),
    "incident_edit": ("get", EDIT, _incident),
    "incident_delete": ("get", EDIT, _incident),
}
NOT_SCOPED: set[str] = set()

ROWS["branding"] = ("get", EDIT)
ROWS["branding_logo"] = ("get", {"owner": 404, "manager": 404, "consultant": 404, "viewer": 404})  # no logo yet
