"""Every write to trust incidents; each leaves an audit event."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from assessments.models import Incident, Organisation, Unit
from assessments.services import DomainError
from trustier.audit import audit_record

DIMENSIONS = {code for code, _label in Incident.Dimension.choices}


def _check(*, organisation: Organisation, occurred_on: datetime.date, title: str, dimensions: list[str], units: list[Unit]) -> None:
    if not title.strip() or len(title) > 200:
        raise DomainError("An incident needs a title of at most 200 characters.")
    if occurred_on > timezone.localdate():
        raise DomainError("An incident cannot be dated in the future.")
    if not dimensions or not set(dimensions) <= DIMENSIONS:
        raise DomainError("Choose at least one dimension the incident touched.")
    if any(unit.organisation_id != organisation.pk for unit in units):
        raise DomainError("A unit belongs to another organisation.")


def _state(incident: Incident) -> dict:
    return {"occurred_on": incident.occurred_on.isoformat(), "title": incident.title, "description": incident.description,
            "dimensions": list(incident.dimensions), "units": sorted(u.path for u in incident.units.all())}


@transaction.atomic
def incident_create(*, actor, organisation: Organisation, occurred_on: datetime.date, title: str, dimensions: list[str],
                    description: str = "", units: list[Unit] | tuple = ()) -> Incident:
    units = list(units)
    _check(organisation=organisation, occurred_on=occurred_on, title=title, dimensions=dimensions, units=units)
    incident = Incident.objects.create(organisation=organisation, occurred_on=occurred_on, title=title.strip(), description=description.strip(),
                                       dimensions=[d for d in Incident.Dimension.values if d in dimensions],
                                       created_by=actor if getattr(actor, "is_authenticated", False) else None)
    incident.units.set(units)
    audit_record(actor=actor, organisation=organisation, verb="incident.created", obj=incident, after=_state(incident))
    return incident


@transaction.atomic
def incident_update(*, actor, incident: Incident, occurred_on: datetime.date, title: str, dimensions: list[str],
                    description: str = "", units: list[Unit] | tuple = ()) -> Incident:
    units = list(units)
    _check(organisation=incident.organisation, occurred_on=occurred_on, title=title, dimensions=dimensions, units=units)
    before = _state(incident)
    incident.occurred_on, incident.title, incident.description = occurred_on, title.strip(), description.strip()
    incident.dimensions = [d for d in Incident.Dimension.values if d in dimensions]
    incident.save(update_fields=["occurred_on", "title", "description", "dimensions"])
    incident.units.set(units)
    audit_record(actor=actor, organisation=incident.organisation, verb="incident.updated", obj=incident, before=before, after=_state(incident))
    return incident


@transaction.atomic
def incident_delete(*, actor, incident: Incident) -> None:
    before = _state(incident)
    audit_record(actor=actor, organisation=incident.organisation, verb="incident.deleted", obj=incident, before=before)
    incident.delete()
