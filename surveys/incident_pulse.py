"""Launch an after-incident pulse (issue 7, point 4; measurement-science.md §6): a short inside assessment
on the pulse form of the shipped core-inside questionnaire, linked to the incident. Its waves are then
scheduled in the fielding pages (t₀ + 1–2 weeks, + 1, + 3, + 6 months).

Reuses the existing services: `instrument_pulse` + `version_publish` derive and freeze the pulse form once
per organisation and core-inside version, `assessment_create` makes the assessment (and audits it).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Assessment, Incident
from assessments.waves import assessment_create
from surveys.models import InstrumentVersion
from surveys.services import instrument_pulse, instruments_load_bundled, version_publish
from trustier.audit import audit_record

CORE_INSIDE = "core-inside"


def _core_inside() -> InstrumentVersion:
    version = (InstrumentVersion.objects.filter(instrument__organisation=None, instrument__key=CORE_INSIDE,
                                                status=InstrumentVersion.Status.PUBLISHED).order_by("-number").first())
    if version is None:
        instruments_load_bundled()
        return _core_inside()
    return version


def _pulse_version(*, actor, organisation) -> InstrumentVersion:
    """The organisation's published pulse form of the latest core-inside version; derived once, then reused."""
    core = _core_inside()
    existing = (InstrumentVersion.objects.filter(instrument__organisation=organisation, instrument__copied_from=core,
                                                 instrument__key__startswith=f"{CORE_INSIDE}-pulse",
                                                 status=InstrumentVersion.Status.PUBLISHED)
                .order_by("-instrument__created_at", "-number").first())
    if existing is not None:
        return existing
    draft = instrument_pulse(actor=actor, organisation=organisation, version=core)
    return version_publish(version=draft, actor=actor)


@transaction.atomic
def incident_pulse_launch(*, actor, incident: Incident) -> tuple[Assessment, bool]:
    """The incident's pulse assessment and whether it was created now; a second call returns the first one."""
    incident = Incident.objects.select_for_update().select_related("organisation").get(pk=incident.pk)
    existing = Assessment.objects.filter(incident=incident).first()
    if existing is not None:
        return existing, False
    organisation = incident.organisation
    version = _pulse_version(actor=actor, organisation=organisation)
    assessment = assessment_create(
        actor=actor, organisation=organisation, audience=Assessment.Audience.INSIDE,
        anonymity=Assessment.Anonymity.ANONYMOUS, instrument_version=version,
        name=(_("Pulse after: %(title)s") % {"title": incident.title})[:200],
        units=list(incident.units.all()), languages=list(version.languages or []))
    assessment.incident = incident
    assessment.save(update_fields=["incident"])
    audit_record(actor=actor, organisation=organisation, verb="incident.pulse_launched", obj=incident,
                 after={"assessment": assessment.pk, "instrument_version": version.pk})
    return assessment, True
