from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.access import Access, Role, access_for_user
from assessments.forms_incidents import IncidentForm
from assessments.incidents import incident_create, incident_delete, incident_update
from assessments.models import Incident
from assessments.services import DomainError

EDIT_INCIDENTS = {Role.OWNER, Role.CONSULTANT}
# Sections a higher app adds to the incident page, called as section(request, access, incident) → HTML.
# The app ladder forbids importing them here; reports registers its trust-repair block in its AppConfig.ready().
INCIDENT_SECTIONS: list[Callable[[HttpRequest, Access, Incident], str]] = []


def _can_edit(access: Access) -> bool:
    return access.role in EDIT_INCIDENTS


def incident_get(*, access: Access, pk: int) -> Incident:
    incident = (Incident.objects.filter(organisation=access.organisation, pk=pk)
                .select_related("created_by").prefetch_related("units").first())
    if incident is None:
        raise Http404
    return incident


@login_required
def incident_list(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    incidents = Incident.objects.filter(organisation=access.organisation).prefetch_related("units")
    return render(request, "assessments/incidents/list.html", {"access": access, "incidents": incidents, "can_edit": _can_edit(access)})


@login_required
def incident_detail(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    incident = incident_get(access=access, pk=pk)
    sections = [section(request, access, incident) for section in INCIDENT_SECTIONS]  # rendered templates: safe HTML
    return render(request, "assessments/incidents/detail.html",
                  {"access": access, "incident": incident, "can_edit": _can_edit(access), "sections": sections})


@login_required
def incident_create_view(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(_can_edit(access))
    form = IncidentForm(request.POST or None, organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_create(actor=request.user, organisation=access.organisation, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Incident logged."))
            return redirect("incident_detail", slug=slug, pk=incident.pk)
    return render(request, "assessments/incidents/form.html", {"access": access, "form": form, "incident": None})


@login_required
def incident_edit(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    incident = incident_get(access=access, pk=pk)
    access.require(_can_edit(access))
    form = IncidentForm(request.POST or None, organisation=access.organisation, initial=IncidentForm.initial_for(incident))
    if request.method == "POST" and form.is_valid():
        try:
            incident_update(actor=request.user, incident=incident, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Incident saved."))
            return redirect("incident_detail", slug=slug, pk=incident.pk)
    return render(request, "assessments/incidents/form.html", {"access": access, "form": form, "incident": incident})


@login_required
def incident_delete_view(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    incident = incident_get(access=access, pk=pk)
    access.require(_can_edit(access))
    if request.method == "POST":
        incident_delete(actor=request.user, incident=incident)
        messages.success(request, _("Incident deleted."))
        return redirect("incident_list", slug=slug)
    return render(request, "assessments/incidents/delete.html", {"access": access, "incident": incident})


