"""Staff pages for assessments and waves: list, create, schedule, open, close early, extend, live rates."""

from __future__ import annotations

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import Access, access_for_user
from assessments.models import Membership
from assessments.waves import WaveError, assessment_create, wave_close, wave_extend, wave_schedule
from surveys import fielding
from surveys import selectors_fielding as selectors
from surveys.forms_fielding import AssessmentForm, ExtendForm, WaveForm

RUN = {Membership.Role.OWNER, Membership.Role.CONSULTANT}


def _can_run(access: Access) -> bool:
    return access.role in RUN


def _base_url(request) -> str:
    return request.build_absolute_uri("/")[:-1]


@login_required
def assessment_list(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    return render(request, "surveys/fielding/assessment_list.html",
                  {"access": access, "assessments": selectors.assessments_for_user(access=access), "can_run": _can_run(access)})


@login_required
def assessment_create_view(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(_can_run(access))
    form = AssessmentForm(request.POST or None, organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_create(actor=request.user, organisation=access.organisation, **form.cleaned_data)
        except WaveError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Assessment created. Now schedule its first wave."))
            return redirect("wave_schedule", slug=slug, pk=assessment.pk)
    return render(request, "surveys/fielding/assessment_form.html", {"access": access, "form": form})


@login_required
def assessment_detail(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    assessment = selectors.assessment_get_for_user(access=access, pk=pk)
    return render(request, "surveys/fielding/assessment_detail.html",
                  {"access": access, "assessment": assessment, "waves": assessment.waves.order_by("number"), "can_run": _can_run(access)})


@login_required
def wave_schedule_view(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    assessment = selectors.assessment_get_for_user(access=access, pk=pk)
    access.require(_can_run(access))
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    form = WaveForm(request.POST or None, initial={"opens_at": tomorrow, "closes_at": tomorrow + datetime.timedelta(days=14)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            waves = wave_schedule(actor=request.user, assessment=assessment, opens_at=data["opens_at"], closes_at=data["closes_at"],
                                  reminder_days=data["reminder_days"], invitation_text={"nl": data["text_nl"], "en": data["text_en"]},
                                  repeat_months=data.get("repeat_months") or 0, count=data["count"])
        except WaveError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(n)s wave(s) scheduled.") % {"n": len(waves)})
            return redirect("assessment_detail", slug=slug, pk=assessment.pk)
    return render(request, "surveys/fielding/wave_form.html", {"access": access, "assessment": assessment, "form": form})


@login_required
def wave_detail(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    wave = selectors.wave_get_for_user(access=access, pk=pk)
    can_run = _can_run(access)
    context = {
        "access": access, "wave": wave, "assessment": wave.assessment, "can_run": can_run,
        "rates": selectors.wave_rates(access=access, wave=wave),
        "delivery": fielding.wave_delivery(wave=wave) if can_run else None,
        "extend_form": ExtendForm(initial={"closes_at": wave.closes_at}),
        "min_group_size": access.organisation.min_group_size,
    }
    return render(request, "surveys/fielding/wave_detail.html", context)


def _wave_action(request, slug, pk, action):
    access = access_for_user(user=request.user, slug=slug)
    wave = selectors.wave_get_for_user(access=access, pk=pk)
    access.require(_can_run(access))
    try:
        action(access, wave)
    except WaveError as exc:
        messages.error(request, str(exc))
    return redirect("wave_detail", slug=slug, pk=wave.pk)


@login_required
@require_POST
def wave_open_now(request, slug, pk):
    def action(access, wave):
        n = fielding.wave_open(actor=request.user, wave=wave, base_url=_base_url(request))
        messages.success(request, _("The wave is open: %(n)s invitations are on their way.") % {"n": n})
    return _wave_action(request, slug, pk, action)


@login_required
@require_POST
def wave_close_now(request, slug, pk):
    def action(access, wave):
        wave_close(actor=request.user, wave=wave)
        messages.success(request, _("The wave is closed. Nobody can answer any more."))
    return _wave_action(request, slug, pk, action)


@login_required
@require_POST
def wave_extend_view(request, slug, pk):
    def action(access, wave):
        form = ExtendForm(request.POST)
        if not form.is_valid():
            raise WaveError(" ".join(e for errors in form.errors.values() for e in errors))
        wave_extend(actor=request.user, wave=wave, closes_at=form.cleaned_data["closes_at"])
        messages.success(request, _("The closing time has moved."))
    return _wave_action(request, slug, pk, action)


@login_required
@require_POST
def wave_invite_late(request, slug, pk):
    def action(access, wave):
        n = fielding.invite_late(actor=request.user, wave=wave, base_url=_base_url(request))
        messages.success(request, _("%(n)s people were invited late.") % {"n": n})
    return _wave_action(request, slug, pk, action)


@login_required
@require_POST
def wave_open_link(request, slug, pk):
    """Create (or replace) the wave's open link and show it once, with a QR code; only its hash is kept."""
    access = access_for_user(user=request.user, slug=slug)
    wave = selectors.wave_get_for_user(access=access, pk=pk)
    access.require(_can_run(access))
    try:
        raw = fielding.wave_open_link_new(actor=request.user, wave=wave)
    except WaveError as exc:
        messages.error(request, str(exc))
        return redirect("wave_detail", slug=slug, pk=wave.pk)
    link = _base_url(request) + fielding.respond_url(raw)
    qr = segno.make(link, error="m").svg_inline(scale=5, dark="#1f4e79", title=_("QR code of the open link"))
    # segno writes the SVG of our own URL and escapes the title: safe markup (reviewed for bandit B308/B703)
    return render(request, "surveys/fielding/open_link.html",
                  {"access": access, "wave": wave, "link": link, "qr": mark_safe(qr)})  # nosec B308 B703
