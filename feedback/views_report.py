"""The individual 360° report (screen + PDF request) and the owners' aggregate view. Views stay short."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import access_for_user
from feedback.access import can_manage_cycles, cycle_get_for_user, subject_report_get_for_user, subjects_for_user
from feedback.report_export import report_export_request
from feedback.selectors_report import closed_cycles, cycle_overview_get, report_context, subject_report_get
from reports.export_jobs import ExportError


@login_required
def report_list(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    subjects = subjects_for_user(request.user, access.organisation).select_related("person", "cycle__assessment")
    return render(request, "feedback/report_list.html", {"access": access, "subjects": subjects})


@login_required
def report_detail(request, slug, subject_pk):
    access = access_for_user(user=request.user, slug=slug)
    subject = subject_report_get_for_user(request.user, access.organisation, subject_pk)
    context = report_context(subject_report_get(subject))
    return render(request, "feedback/report.html", {"access": access, **context})


@login_required
@require_POST
def report_pdf(request, slug, subject_pk):
    access = access_for_user(user=request.user, slug=slug)
    subject = subject_report_get_for_user(request.user, access.organisation, subject_pk)
    try:
        export = report_export_request(actor=request.user, subject=subject, language=(get_language() or "en")[:2])
    except ExportError as exc:
        messages.error(request, str(exc))
        return redirect("feedback_report", slug=slug, subject_pk=subject.pk)
    messages.success(request, _("The PDF is being made; you get an email when it is ready."))
    return redirect("export_detail", slug=slug, pk=export.pk)


@login_required
def report_overview(request, slug):
    """Owners and consultants: the cycle's disclosure-controlled aggregates (no individual report)."""
    access = access_for_user(user=request.user, slug=slug)
    access.require(can_manage_cycles(access))
    cycles = list(closed_cycles(access.organisation))
    chosen = request.GET.get("cycle")
    cycle = cycle_get_for_user(access=access, pk=chosen) if chosen else (cycles[0] if cycles else None)
    overview = cycle_overview_get(cycle) if cycle else None
    return render(request, "feedback/report_overview.html",
                  {"access": access, "cycles": cycles, "chosen": cycle, "overview": overview})
