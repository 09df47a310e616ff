"""The individual 360° report as a PDF through the export jobs of `reports` (the hook named in
`reports.export_jobs.CONTENT_HOOKS`): request, access rule, and the PDF itself."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.access import subject_report_get_for_user
from feedback.models import Subject
from feedback.selectors_report import report_context, subject_report_get
from reports.export_jobs import ExportError
from reports.models import ReportExport
from reports.pdf import pdf_from_html
from trustier.audit import audit_record
from trustier.outbox import outbox_enqueue_task


def report_export_request(*, actor, subject: Subject, language: str) -> ReportExport:
    """Ask for the PDF of a subject's report; the caller has checked access with `subject_report_get_for_user`."""
    wave = subject.cycle.wave
    if wave is None or wave.status not in ("closed", "released"):
        raise ExportError(_("The 360° report is made once the cycle is closed."))
    organisation = subject.cycle.assessment.organisation
    with transaction.atomic():
        export = ReportExport.objects.create(
            organisation=organisation, wave=wave, unit=None, subject_id=subject.pk, format=ReportExport.Format.PDF,
            content=ReportExport.Content.PERSON360, language=language, requested_by=actor)
        audit_record(actor=actor, organisation=organisation, verb="export.requested", obj=export,
                     after={"subject": subject.pk, "format": "pdf", "content": export.content, "language": language})
        outbox_enqueue_task(name="reports.tasks.export_build", args=[export.pk])
    return export


def _subject(user, export: ReportExport) -> Subject | None:
    if user is None or export.subject_id is None:
        return None
    try:
        return subject_report_get_for_user(user, export.organisation, export.subject_id)
    except Http404:
        return None


def export_allowed(*, user, export: ReportExport) -> bool:
    """The PDF (its job page and file) is readable by exactly those who may read the report on screen."""
    return _subject(user, export) is not None


def export_pdf(*, export: ReportExport, progress: Callable[[int], None] = lambda p: None) -> bytes:
    subject = _subject(export.requested_by, export)
    if subject is None:
        raise Http404
    data = subject_report_get(subject)
    if not data.ready:
        raise ExportError(_("The 360° report is made once the cycle is closed."))
    progress(40)
    context = report_context(data) | {"organisation": export.organisation, "generated_at": timezone.now(), "pdf": True}
    pdf, _refused = pdf_from_html(render_to_string("feedback/pdf/report.html", context))
    progress(90)
    return pdf
