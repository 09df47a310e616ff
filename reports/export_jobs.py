"""Export jobs (issue 8): request → build in a Celery task → download; failures, retries, purging.

A request writes the job row, an audit event and an outbox row that starts the task, in one
transaction. The task claims the job with a conditional UPDATE (requested → running), so a job is
built once even when the task is delivered twice; it builds with the requester's access as it is
at build time (a manager who lost the unit gets a failed job, not the file). A job left running
by a killed worker is failed by `exports_maintain` after the task time limit, and can be retried.
Files older than TRUSTIER_EXPORT_KEEP_DAYS are deleted by the same maintenance task.
"""

from __future__ import annotations

import datetime
import importlib
import tempfile
import traceback
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.access import Access, Role, access_for_user
from assessments.models import Unit, Wave
from reports.exports import EXPORTABLE, ExportRefused, figures_table, respondents_table
from reports.models import ReportExport
from reports.tabular import csv_write, xlsx_write
from trustier.audit import audit_record
from trustier.outbox import outbox_enqueue_task

Status = ReportExport.Status
# Export contents built by a higher app (the ladder: reports never imports it at module level). The module has
# `export_allowed(*, user, export) -> bool` (the one access rule for the job, its page and its file) and
# `export_pdf(*, export, progress) -> bytes`.
CONTENT_HOOKS = {ReportExport.Content.PERSON360: "feedback.report_export"}


def content_hook(content: str):
    path = CONTENT_HOOKS.get(content)
    return importlib.import_module(path) if path else None


RESPONDENT_ROLES = {Role.OWNER, Role.CONSULTANT}
DASHBOARD_ROLES = {Role.OWNER, Role.CONSULTANT, Role.VIEWER, Role.MANAGER}


class ExportError(Exception):
    """A request that cannot be accepted; the message is for the user."""


def export_scope_allowed(*, access: Access, unit: Unit | None, content: str) -> bool:
    """May this user have an export of `unit` (None = organisation) with this content?"""
    if content == ReportExport.Content.RESPONDENTS and access.role not in RESPONDENT_ROLES:
        return False
    if access.role == Role.MANAGER:
        return unit is not None and access.units().filter(pk=unit.pk).exists()
    return access.role in DASHBOARD_ROLES and (unit is None or unit.organisation_id == access.organisation.pk)


def export_request(*, actor, access: Access, wave: Wave, unit: Unit | None, fmt: str, content: str,
                   language: str) -> ReportExport:
    if wave.assessment.organisation_id != access.organisation.pk:
        raise Http404
    if wave.status not in EXPORTABLE:
        raise ExportError(_("Reports are made for closed waves only."))
    if fmt == ReportExport.Format.PDF and content != ReportExport.Content.REPORT:
        raise ExportError(_("Answers per respondent are exported as CSV or XLSX, not as PDF."))
    if not export_scope_allowed(access=access, unit=unit, content=content):
        raise PermissionDenied
    with transaction.atomic():
        export = ReportExport.objects.create(organisation=access.organisation, wave=wave, unit=unit, format=fmt,
                                             content=content, language=language, requested_by=actor)
        audit_record(actor=actor, organisation=access.organisation, verb="export.requested", obj=export,
                     after={"wave": wave.pk, "unit": unit.path if unit else "", "format": fmt, "content": content,
                            "language": language})
        outbox_enqueue_task(name="reports.tasks.export_build", args=[export.pk])
    return export


def export_retry(*, actor, export: ReportExport) -> ReportExport:
    with transaction.atomic():
        if not ReportExport.objects.filter(pk=export.pk, status=Status.FAILED).update(
                status=Status.REQUESTED, progress=0, message=""):
            raise ExportError(_("Only a failed export can be tried again."))
        audit_record(actor=actor, organisation=export.organisation, verb="export.retried", obj=export)
        outbox_enqueue_task(name="reports.tasks.export_build", args=[export.pk])
    export.refresh_from_db()
    return export


def export_build(*, export_id: int) -> ReportExport | None:
    """Build one requested export; None when another worker has it or it is not requested."""
    claimed = ReportExport.objects.filter(pk=export_id, status=Status.REQUESTED).update(
        status=Status.RUNNING, started_at=timezone.now(), progress=5, attempts=F("attempts") + 1)
    if not claimed:
        return None
    export = ReportExport.objects.select_related("organisation", "wave__assessment", "unit", "requested_by").get(
        pk=export_id)
    try:
        with translation.override(export.language):
            path = _build_file(export)
        with path.open("rb") as handle:
            export.file.save(_file_name(export), File(handle), save=False)
        path.unlink(missing_ok=True)
        export.size, export.status, export.progress = export.file.size, Status.READY, 100
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "size", "status", "progress", "finished_at"])
        audit_record(actor=None, organisation=export.organisation, verb="export.ready", obj=export,
                     after={"size": export.size})
    except Exception as exc:  # noqa: BLE001 - every failure becomes a failed job with a message
        export.status, export.finished_at = Status.FAILED, timezone.now()
        export.message = _failure_message(exc)
        export.save(update_fields=["status", "finished_at", "message"])
        audit_record(actor=None, organisation=export.organisation, verb="export.failed", obj=export,
                     after={"error": type(exc).__name__, "trace": traceback.format_exc()[-1500:]})
    _notify(export)
    return export


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, ExportRefused | ExportError):
        return str(exc)
    if isinstance(exc, PermissionDenied | Http404):
        return _("You no longer have access to this part of the organisation.")
    return _("The export could not be made (%(error)s). Try again; if it fails again, tell your administrator.") % {
        "error": type(exc).__name__}


def _build_file(export: ReportExport) -> Path:
    """Write the export to a temporary file and return its path."""
    user = export.requested_by
    if user is None:
        raise PermissionDenied
    hook = content_hook(export.content)
    if hook is not None:
        if not hook.export_allowed(user=user, export=export):
            raise PermissionDenied
    else:
        access = access_for_user(user=user, slug=export.organisation.slug)
        if not export_scope_allowed(access=access, unit=export.unit, content=export.content):
            raise PermissionDenied
    suffix = "." + export.format
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115 - closed below, path returned
    handle.close()
    path = Path(handle.name)
    if hook is not None:
        path.write_bytes(hook.export_pdf(export=export, progress=lambda p: _progress(export, p)))
        return path
    if export.format == ReportExport.Format.PDF:
        from reports.pdf_report import report_pdf

        path.write_bytes(report_pdf(access=access, export=export, progress=lambda p: _progress(export, p)))
        return path
    table = (respondents_table(export.wave, root=export.unit) if export.content == ReportExport.Content.RESPONDENTS
             else figures_table(export.wave, root=export.unit, attributed=access.role != Role.VIEWER))
    _progress(export, 30)
    if export.format == ReportExport.Format.CSV:
        with path.open("w", encoding="utf-8-sig", newline="") as target:
            csv_write(target, table.header, table.rows)
    else:
        xlsx_write(str(path), [(table.title, table.header, table.rows)])
    return path


def _progress(export: ReportExport, percent: int) -> None:
    ReportExport.objects.filter(pk=export.pk, status=Status.RUNNING).update(progress=percent)


def _file_name(export: ReportExport) -> str:
    if export.content == ReportExport.Content.PERSON360:
        return f"trustier-{export.organisation.slug}-360-{export.subject_id}-{export.pk}.{export.format}"
    scope = export.unit.path.replace("/", "-") if export.unit else "organisation"
    kind = "respondents" if export.content == ReportExport.Content.RESPONDENTS else "report"
    return f"trustier-{export.organisation.slug}-wave{export.wave.number}-{scope}-{kind}-{export.pk}.{export.format}"


def _notify(export: ReportExport) -> None:
    user = export.requested_by
    if user is None or not user.email:
        return
    link = f"{settings.TRUSTIER_SITE_URL.rstrip('/')}/o/{export.organisation.slug}/exports/{export.pk}/"
    with translation.override(export.language):
        if export.status == Status.READY:
            subject = _("Your Trustier export is ready")
            body = _("The export you asked for (%(what)s) is ready. Download it here:\n%(link)s\n\n"
                     "It is kept for %(days)s days.") % {"what": str(export), "link": link,
                                                        "days": settings.TRUSTIER_EXPORT_KEEP_DAYS}
        else:
            subject = _("Your Trustier export failed")
            body = _("The export you asked for could not be made: %(message)s\nYou can try again here:\n%(link)s") % {
                "message": export.message, "link": link}
    send_mail(subject, body, None, [user.email])


def export_get_for_user(*, access: Access, pk: int) -> ReportExport:
    """The one getter: another organisation's export or one outside the user's scope → 404."""
    export = (ReportExport.objects.select_related("wave__assessment", "unit", "requested_by")
              .filter(pk=pk, organisation=access.organisation).first())
    if export is None:
        raise Http404
    hook = content_hook(export.content)
    allowed = (hook.export_allowed(user=access.membership.user, export=export) if hook is not None
               else export_scope_allowed(access=access, unit=export.unit, content=export.content))
    if not allowed:
        raise Http404
    return export


def export_downloaded(*, actor, export: ReportExport) -> None:
    audit_record(actor=actor, organisation=export.organisation, verb="export.downloaded", obj=export)


def exports_maintain(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Fail jobs a killed worker left running; delete files past the retention period."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    failed = ReportExport.objects.filter(status=Status.RUNNING, started_at__lt=stale).update(
        status=Status.FAILED, finished_at=now,
        message=_("The export stopped unexpectedly (the worker was stopped). Try again."))
    purged = 0
    old = now - datetime.timedelta(days=settings.TRUSTIER_EXPORT_KEEP_DAYS)
    for export in ReportExport.objects.filter(finished_at__lt=old).exclude(file="").iterator():
        export.file.delete(save=False)
        ReportExport.objects.filter(pk=export.pk).update(file="", status=Status.PURGED)
        purged += 1
    return {"failed": failed, "purged": purged}
