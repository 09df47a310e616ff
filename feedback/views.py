"""360° cycles: list, create, detail (open, close), nominations and their approval, progress. Views stay short."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.access import access_for_user
from assessments.services import DomainError
from feedback import selectors, services
from feedback.access import (
    can_approve,
    can_manage_cycles,
    cycle_get_for_user,
    nomination_decide_get_for_user,
    subject_nominations_get_for_user,
    subject_progress_get_for_user,
)
from feedback.forms import CycleForm, ExternalRaterForm, NominateForm
from trustier.forms import search_text


@login_required
def cycle_list(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    manage = can_manage_cycles(access)
    return render(request, "feedback/cycle_list.html", {
        "access": access, "manage": manage, "cycles": selectors.cycles_for(access) if manage else [],
        "mine": selectors.my_subjects(access, request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_new(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(can_manage_cycles(access))
    query = search_text(request.GET.get("q"))
    form = CycleForm(request.POST or None, organisation=access.organisation, query=query)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.cycle_create(
                actor=request.user, organisation=access.organisation, name=data["name"], subjects=list(data["subjects"]),
                nomination_closes_at=data["nomination_closes_at"], opens_at=data["opens_at"], closes_at=data["closes_at"],
                reminder_days=data["reminder_days"], min_raters=data["min_raters"], group_limits=form.group_limits(),
                report_access=data["report_access"], coaches=list(data["coaches"]))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The cycle was created. Now the nominations."))
            return redirect("feedback_cycle", slug, cycle.pk)
    return render(request, "feedback/cycle_form.html", {"access": access, "form": form, "query": query})


@login_required
def cycle_detail(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    cycle = cycle_get_for_user(access=access, pk=pk)
    return render(request, "feedback/cycle_detail.html", {
        "access": access, "cycle": cycle, "wave": cycle.wave, "subjects": selectors.subjects_overview(cycle)})


@login_required
@require_POST
def cycle_open(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    cycle = cycle_get_for_user(access=access, pk=pk)
    try:
        n = services.cycle_open(actor=request.user, cycle=cycle, base_url=request.build_absolute_uri("/"))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The feedback is open: %(n)d invitations are on their way.") % {"n": n})
    return redirect("feedback_cycle", slug, cycle.pk)


@login_required
@require_POST
def cycle_close(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    cycle = cycle_get_for_user(access=access, pk=pk)
    try:
        services.cycle_close(actor=request.user, cycle=cycle)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The feedback is closed."))
    return redirect("feedback_cycle", slug, cycle.pk)


def _nominations_context(request, access, subject, **forms):
    query = search_text(request.GET.get("q"))
    return {"access": access, "subject": subject, "cycle": subject.cycle, "query": query,
            "may_approve": can_approve(access, request.user, subject), "manage": can_manage_cycles(access),
            "form": forms.get("form") or NominateForm(organisation=access.organisation, query=query),
            "external_form": forms.get("external_form") or ExternalRaterForm(),
            **selectors.nominations_page(subject)}


@login_required
@require_http_methods(["GET", "POST"])
def nominations(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    subject = subject_nominations_get_for_user(access, request.user, pk)
    form = None
    if request.method == "POST":
        form = NominateForm(request.POST, organisation=access.organisation, query=search_text(request.GET.get("q")))
        if form.is_valid():
            try:
                services.nomination_propose(actor=request.user, subject=subject, rater=form.cleaned_data["rater"],
                                            group=form.cleaned_data["group"], enforce_deadline=not can_manage_cycles(access))
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The rater was nominated."))
                return redirect("feedback_nominations", slug, subject.pk)
    status = 400 if form is not None else 200
    return render(request, "feedback/nominations.html", _nominations_context(request, access, subject, form=form), status=status)


@login_required
@require_POST
def nominate_external(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    subject = subject_nominations_get_for_user(access, request.user, pk)
    form = ExternalRaterForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rater = services.external_rater_create(actor=request.user, organisation=access.organisation, first_name=data["first_name"],
                                                   last_name=data["last_name"], email=data["email"], language=data["language"])
            services.nomination_propose(actor=request.user, subject=subject, rater=rater, group=data["group"],
                                        enforce_deadline=not can_manage_cycles(access))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The external rater was nominated."))
            return redirect("feedback_nominations", slug, subject.pk)
    return render(request, "feedback/nominations.html", _nominations_context(request, access, subject, external_form=form), status=400)


@login_required
@require_POST
def nomination_decide(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    nomination = nomination_decide_get_for_user(access, request.user, pk)
    subject = nomination.subject
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
        return redirect("feedback_nominations", slug, subject.pk)
    try:
        services.nomination_decide(actor=request.user, nomination=nomination, approve=decision == "approve")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("feedback_nominations", slug, subject.pk)


@login_required
@require_POST
def subject_approve(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    subject = subject_nominations_get_for_user(access, request.user, pk)
    if not can_approve(access, request.user, subject):
        raise Http404
    try:
        services.subject_approve(actor=request.user, subject=subject)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The nominations are approved."))
    return redirect("feedback_nominations", slug, subject.pk)


@login_required
def progress(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    subject = subject_progress_get_for_user(access, request.user, pk)
    return render(request, "feedback/progress.html", {
        "access": access, "subject": subject, "cycle": subject.cycle, "rows": selectors.progress(subject),
        "manage": can_manage_cycles(access)})
