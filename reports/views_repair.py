"""Trust repair on the incident page (issue 7, point 4) and launching an after-incident pulse.

The incident page belongs to the assessments app, which may not import reports (the app ladder), so this
module's `repair_section` is registered as one of its sections in ReportsConfig.ready()."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import Access, access_for_user
from assessments.models import Incident
from assessments.views_incidents import EDIT_INCIDENTS, incident_get
from reports.selectors_repair import repair_get
from surveys.incident_pulse import incident_pulse_launch


def repair_section(request, access: Access, incident: Incident) -> str:
    block = repair_get(access=access, incident=incident)
    return render_to_string("reports/repair_section.html", {
        "access": access, "block": block, "can_launch": access.role in EDIT_INCIDENTS}, request=request)


@login_required
@require_POST
def incident_pulse(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    incident = incident_get(access=access, pk=pk)
    access.require(access.role in EDIT_INCIDENTS)
    assessment, created = incident_pulse_launch(actor=request.user, incident=incident)
    if created:
        messages.success(request, _("Pulse created. Now schedule its first wave, one or two weeks after the incident."))
    else:
        messages.info(request, _("This incident already has a pulse; here it is."))
    return redirect("assessment_detail", slug=slug, pk=assessment.pk)
