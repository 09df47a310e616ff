"""Access-matrix rows of the export pages: an organisation-wide export is not the Sales manager's (404)."""

from __future__ import annotations

SEE = {"owner": 200, "manager": 404, "consultant": 200, "viewer": 200}


def _export(org, *, status="ready"):
    from django.core.files.base import ContentFile

    from assessments.models import Wave
    from reports.models import ReportExport
    from tests.factories import AssessmentFactory, WaveFactory

    wave = WaveFactory(assessment=AssessmentFactory(organisation=org), status=Wave.Status.CLOSED)
    export = ReportExport.objects.create(organisation=org, wave=wave, format="csv", language="en", status=status)
    if status == "ready":
        export.file.save(f"matrix-{export.pk}.csv", ContentFile(b"Scope\n"))
    return {"slug": "acme", "pk": export.pk}


ROWS = {
    "exports": ("get", {"owner": 200, "manager": 200, "consultant": 200, "viewer": 200}),
    "export_detail": ("get", SEE, _export),
    "export_download": ("get", SEE, _export),
    "export_retry": ("post", {"owner": 302, "manager": 404, "consultant": 302, "viewer": 302},
                     lambda org: _export(org, status="failed")),
}
