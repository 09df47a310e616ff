from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.access import Role, access_for_user
from assessments.branding import branding_update
from assessments.forms_branding import BrandingForm
from assessments.services import DomainError


@login_required
def branding(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(access.role in {Role.OWNER, Role.CONSULTANT})
    organisation = access.organisation
    form = BrandingForm(request.POST or None, request.FILES or None,
                        initial={"brand_colour": organisation.brand_colour or "#0b4f71"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            branding_update(actor=request.user, organisation=organisation,
                            logo=data["logo"].read() if data["logo"] else None, remove_logo=data["remove_logo"],
                            colour=data["brand_colour"])
        except DomainError as exc:
            form.add_error("logo", str(exc))
        else:
            messages.success(request, _("Branding saved. New reports use it."))
            return redirect("branding", slug=slug)
    return render(request, "assessments/branding.html", {"access": access, "form": form})


@login_required
def branding_logo(request, slug):
    """The organisation's logo, for its members only (media files are not served publicly)."""
    access = access_for_user(user=request.user, slug=slug)
    if not access.organisation.logo:
        raise Http404
    return FileResponse(access.organisation.logo.open("rb"), content_type="image/png")
