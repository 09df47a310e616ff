"""Pages of two-factor authentication: the account's security page, set-up, the code after login, and the
organisation's requirement (owners). The rules live in trustier/two_factor.py."""

from __future__ import annotations

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.access import access_for_user
from trustier import two_factor
from trustier.two_factor import CodeRefused


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off", "spellcheck": "false",
               "class": "form-control"}))


class RequirementForm(forms.Form):
    required = forms.BooleanField(label=gettext_lazy("Require two-factor authentication for owners and consultants"),
                                  required=False, help_text=gettext_lazy(
                                      "They must set it up before they can open this organisation. "
                                      "Managers and viewers are not affected."))


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _codes_page(request, codes):
    return render(request, "account/recovery_codes.html", {"codes": codes, "codes_text": "\n".join(codes)})


@login_required
def security(request):
    return render(request, "account/security.html", {
        "enabled": two_factor.has_two_factor(request.user),
        "codes_left": two_factor.recovery_codes_left(request.user),
        "form": CodeForm(),
    })


@login_required
def setup(request):
    if two_factor.has_two_factor(request.user):
        return redirect("two_factor")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = two_factor.two_factor_confirm(actor=request.user, code=form.cleaned_data["code"])
        except CodeRefused as exc:
            form.add_error("code", str(exc))
        else:
            request.session.cycle_key()
            django_otp.login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return _codes_page(request, codes)
    device = two_factor.setup_start(user=request.user)
    return render(request, "account/setup.html", {"form": form, **two_factor.provisioning(device)})


@login_required
@require_POST
def recovery(request):
    try:
        codes = two_factor.recovery_codes_regenerate(actor=request.user)
    except CodeRefused as exc:
        messages.error(request, str(exc))
        return redirect("two_factor")
    messages.success(request, _("New recovery codes are made; the old ones no longer work."))
    return _codes_page(request, codes)


@login_required
@require_POST
def disable(request):
    form = CodeForm(request.POST)
    try:
        two_factor.two_factor_disable(actor=request.user, code=form.data.get("code", ""))
    except CodeRefused as exc:
        messages.error(request, _("Two-factor authentication is still on. %(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("two_factor")


@login_required
def verify(request):
    """The second step of logging in. django-otp remembers the device that verified this session."""
    if request.user.is_verified() or not two_factor.has_two_factor(request.user):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify(user=request.user, code=form.cleaned_data["code"])
        except CodeRefused as exc:
            form.add_error("code", str(exc))
        else:
            request.session.cycle_key()
            django_otp.login(request, device)
            if device.persistent_id.startswith("otp_static."):
                messages.warning(request, _("You used a recovery code; %(n)s are left.")
                                 % {"n": two_factor.recovery_codes_left(request.user)})
            return redirect(_next_url(request))
    return render(request, "account/verify.html", {"form": form, "next": _next_url(request)})


@login_required
def organisation_security(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(access.is_owner)
    organisation = access.organisation
    form = RequirementForm(request.POST or None, initial={"required": organisation.require_two_factor})
    if request.method == "POST" and form.is_valid():
        two_factor.requirement_set(actor=request.user, organisation=organisation, required=form.cleaned_data["required"])
        messages.success(request, _("Saved."))
        return redirect("organisation_security", slug=slug)
    return render(request, "account/organisation_security.html", {"access": access, "form": form})
