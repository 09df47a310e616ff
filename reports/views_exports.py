from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import Role, access_for_user
from reports.export_jobs import ExportError, export_downloaded, export_get_for_user, export_request, export_retry
from reports.forms_exports import ExportForm
from reports.models import ReportExport

LIST_LIMIT = 50


@login_required
def exports(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    form = ExportForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            export = export_request(actor=request.user, access=access, wave=data["wave"], unit=data["unit"],
                                    fmt=data["format"], content=data["content"], language=data["language"])
        except ExportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Export requested. It is being made; you get an email when it is ready."))
            return redirect("export_detail", slug=slug, pk=export.pk)
    jobs = ReportExport.objects.filter(organisation=access.organisation).select_related(
        "wave__assessment", "unit", "requested_by").exclude(content=ReportExport.Content.PERSON360)  # own page
    if access.role == Role.MANAGER:
        jobs = jobs.filter(unit__tree_path__startswith=access.membership.unit.tree_path)
    if access.role not in {Role.OWNER, Role.CONSULTANT}:
        jobs = jobs.exclude(content=ReportExport.Content.RESPONDENTS)
    return render(request, "reports/exports.html", {"access": access, "form": form, "jobs": jobs[:LIST_LIMIT]})


@login_required
def export_detail(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    export = export_get_for_user(access=access, pk=pk)
    return render(request, "reports/export_detail.html", {"access": access, "export": export})


@login_required
def export_download(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    export = export_get_for_user(access=access, pk=pk)
    if export.status != ReportExport.Status.READY or not export.file:
        raise Http404
    export_downloaded(actor=request.user, export=export)
    name = export.file.name.rsplit("/", 1)[-1]
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def export_retry_view(request, slug, pk):
    access = access_for_user(user=request.user, slug=slug)
    export = export_get_for_user(access=access, pk=pk)
    try:
        export_retry(actor=request.user, export=export)
    except ExportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The export is being made again."))
    return redirect("export_detail", slug=slug, pk=pk)
