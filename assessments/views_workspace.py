"""The consultant's workspace: all client organisations on one page, and creating a new client."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.forms_workspace import ClientOrganisationForm
from assessments.models import Membership
from assessments.selectors_workspace import workspace_for_user
from assessments.services import DomainError, client_organisation_create


@login_required
def workspace(request):
    cards = workspace_for_user(user=request.user)
    can_create = any(card.role == Membership.Role.CONSULTANT for card in cards)
    return render(request, "assessments/workspace.html", {"cards": cards, "can_create": can_create})


@login_required
def client_create(request):
    if not request.user.memberships.filter(role=Membership.Role.CONSULTANT).exists():
        raise PermissionDenied
    form = ClientOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = client_organisation_create(actor=request.user, base_url=request.build_absolute_uri("/")[:-1],
                                                      **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(org)s is ready, and its owner %(email)s has been invited.")
                             % {"org": organisation.name, "email": form.cleaned_data["owner_email"].lower()})
            return redirect("organisation", slug=organisation.slug)
    return render(request, "assessments/workspace_client_form.html", {"form": form})
