"""Privacy pages for owners: retention setting, export of a person, erasure of a person (reports/privacy.py)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import access_for_user, person_get_for_user
from assessments.services import DomainError
from reports.forms_privacy import EraseForm, RetentionForm
from reports.privacy import person_erase, person_export, retention_set


def _owner(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(access.is_owner)
    return access


@login_required
def privacy_settings(request, slug):
    access = _owner(request, slug)
    organisation = access.organisation
    form = RetentionForm(request.POST or None, initial={"months": organisation.respondent_data_months})
    if request.method == "POST" and form.is_valid():
        try:
            retention_set(actor=request.user, organisation=organisation, months=form.cleaned_data["months"])
        except DomainError as exc:
            form.add_error("months", str(exc))
        else:
            messages.success(request, _("The retention period is saved."))
            return redirect("privacy_settings", slug=slug)
    return render(request, "reports/privacy/settings.html", {"access": access, "form": form})


@login_required
@require_POST
def person_export_view(request, slug, pk):
    access = _owner(request, slug)
    person = person_get_for_user(access=access, pk=pk)
    data = person_export(actor=request.user, person=person)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def person_erase_view(request, slug, pk):
    access = _owner(request, slug)
    person = person_get_for_user(access=access, pk=pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        counts = person_erase(actor=request.user, person=person)
        messages.success(request, _("The person is erased: %(i)s invitations and %(r)s confidential responses deleted.")
                         % {"i": counts["invitations"], "r": counts["responses"]})
        return redirect("people", slug=slug)
    return render(request, "reports/privacy/erase.html", {"access": access, "person": person, "form": form})
