"""Export jobs (issue 8): request → task → download; failure, retry, killed worker, access, disclosure."""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.access import access_for_user
from assessments.models import Wave
from reports import export_jobs, selectors
from reports.export_jobs import export_build, export_request, export_retry, exports_maintain
from reports.models import ReportExport
from reports.snapshots import snapshots_build
from tests.factories import AssessmentFactory, WaveFactory
from tests.reports.test_snapshots import FAST
from tests.reports.test_wave_scoring import fill
from trustier.models import AuditEvent, OutboxMessage

ARTIFACTS = Path("test-results")


@pytest.fixture
def wave(org, settings, tmp_path):
    # given a closed wave (40 Sales/North, 2 Sales/South, 30 Operations) with snapshots, files under tmp
    settings.MEDIA_ROOT = tmp_path
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org, name="Trust inside"), status=Wave.Status.CLOSED)
    u = org.test_units
    fill(wave, [u["Sales/North"]] * 40 + [u["Sales/South"]] * 2 + [u["Operations"]] * 30)
    snapshots_build(settings=FAST)
    return wave


def request(user, org, wave, *, unit=None, fmt="pdf", content="report", language="en") -> ReportExport:
    return export_request(actor=user, access=access_for_user(user=user, slug=org.slug), wave=wave, unit=unit,
                          fmt=fmt, content=content, language=language)


def last_email() -> dict:
    return OutboxMessage.objects.filter(kind="email").latest("id").payload


def pdf_text(path: str) -> str:
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


def test_consultant_gets_a_pdf_with_the_dashboards_figures(org, personas, wave) -> None:
    consultant = personas["consultant"]
    # when the consultant requests the organisation PDF
    export = request(consultant, org, wave)
    # then the request queued the task through the outbox and was audited
    task = OutboxMessage.objects.get(kind="task")
    assert task.payload == {"task": "reports.tasks.export_build", "args": [export.pk]}
    assert AuditEvent.objects.filter(verb="export.requested", object_id=str(export.pk)).exists()
    # when the worker builds it (twice: a duplicated delivery builds once)
    built = export_build(export_id=export.pk)
    assert export_build(export_id=export.pk) is None
    # then it is ready, a valid A4 PDF with a table of contents and the same Trust Index as the dashboard
    assert built.status == "ready" and built.progress == 100
    path = built.file.path
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 7 <= pages <= 14 and "(A4)" in info and "Tagged:          yes" in info
    text = pdf_text(path)
    for section in ("Contents", "Summary", "Trust Index and the four elements", "Trends and incidents",
                    "Units compared", "Strongest and weakest statements", "Comments", "Method"):
        assert section in text
    board = selectors.dashboard_get(access=access_for_user(user=consultant, slug=org.slug),
                                    params={"assessment": str(wave.assessment_id), "wave": str(wave.number)})
    index = board.figures["trust_index"]
    assert f"The Trust Index is {index.value_text} out of 100 (95% interval {index.interval_text}, n = {index.n})" \
        in " ".join(text.split())
    # and the hidden unit shows the word "hidden", never a figure
    south = [line.replace("Sales/South", "") for line in text.splitlines() if "Sales/South" in line]
    assert any("hidden" in line for line in south) and not any(re.search(r"\d", line) for line in south)
    # and the requester got an email with the link
    email = last_email()
    assert email["to"] == [consultant.email] and f"/exports/{export.pk}/" in email["body"]
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "4", path, str(ARTIFACTS / "report")], check=True)


def test_dutch_pdf(org, personas, wave) -> None:
    export = export_build(export_id=request(personas["owner"], org, wave, language="nl").pk)
    text = " ".join(pdf_text(export.file.path).split())
    assert "Vertrouwensrapport" in text and "Inhoud" in text and "De Vertrouwensindex is" in text


def test_a_template_error_fails_the_job_with_a_message_and_retry_works(org, personas, wave, monkeypatch) -> None:
    owner = personas["owner"]
    export = request(owner, org, wave)
    # given the report template breaks
    from django.template import TemplateSyntaxError

    def broken(**kwargs):
        raise TemplateSyntaxError("boom")

    monkeypatch.setattr("reports.pdf_report.report_html", broken)
    # when it is built / then it failed with a message for the user, and the requester was told
    failed = export_build(export_id=export.pk)
    assert failed.status == "failed" and "TemplateSyntaxError" in failed.message and not failed.file
    assert "could not be made" in last_email()["body"]
    # when the template is fixed and the user retries / then it is built
    monkeypatch.undo()
    export_retry(actor=owner, export=failed)
    assert OutboxMessage.objects.filter(kind="task").count() == 2
    assert export_build(export_id=export.pk).status == "ready"


def test_a_job_left_running_by_a_killed_worker_is_failed_then_retried(org, personas, wave) -> None:
    export = request(personas["owner"], org, wave, fmt="csv")
    # given a worker claimed the job and died (status running, started long ago)
    ReportExport.objects.filter(pk=export.pk).update(status="running", started_at=timezone.now() - datetime.timedelta(hours=1))
    # when maintenance runs / then the job is failed with a message and can be retried to ready
    assert exports_maintain()["failed"] == 1
    export.refresh_from_db()
    assert export.status == "failed" and "stopped unexpectedly" in export.message
    export_retry(actor=personas["owner"], export=export)
    assert export_build(export_id=export.pk).status == "ready"


def test_old_files_are_purged(org, personas, wave, settings) -> None:
    export = export_build(export_id=request(personas["owner"], org, wave, fmt="xlsx").pk)
    path = Path(export.file.path)
    assert path.exists()
    exports_maintain(now=timezone.now() + datetime.timedelta(days=settings.TRUSTIER_EXPORT_KEEP_DAYS + 1))
    export.refresh_from_db()
    assert export.status == "purged" and not export.file and not path.exists()


def test_download_only_for_people_who_may_see_it(client, org, personas, wave) -> None:
    export = export_build(export_id=request(personas["owner"], org, wave, fmt="csv").pk)
    url = reverse("export_download", kwargs={"slug": org.slug, "pk": export.pk})
    # the outsider (another organisation) and the Sales manager (organisation-wide file) get 404
    for persona in ("outsider", "manager"):
        client.force_login(personas[persona])
        assert client.get(url).status_code == 404
        assert client.get(url.replace(f"/o/{org.slug}/", "/o/other/")).status_code == 404
    # the owner downloads it, and the download is audited
    client.force_login(personas["owner"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\xef\xbb\xbfScope")
    assert AuditEvent.objects.filter(verb="export.downloaded", object_id=str(export.pk)).count() == 1


def test_manager_exports_only_their_subtree_and_never_respondent_rows(org, personas, wave) -> None:
    manager = personas["manager"]
    sales = org.test_units["Sales"]
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        request(manager, org, wave, unit=None)
    with pytest.raises(PermissionDenied):
        request(manager, org, wave, unit=org.test_units["Operations"])
    with pytest.raises(PermissionDenied):
        request(manager, org, wave, unit=sales, fmt="csv", content="respondents")
    export = export_build(export_id=request(manager, org, wave, unit=sales).pk)
    text = pdf_text(export.file.path)
    assert "Operations" not in text and "Sales" in text


def test_a_manager_who_lost_the_unit_gets_a_failed_job_not_the_file(org, personas, wave) -> None:
    manager = personas["manager"]
    export = request(manager, org, wave, unit=org.test_units["Sales"], fmt="csv")
    manager.memberships.update(unit=org.test_units["Operations"])
    built = export_build(export_id=export.pk)
    assert built.status == "failed" and "no longer have access" in built.message and not built.file


def test_open_waves_and_respondent_pdfs_are_refused_with_a_message(org, personas) -> None:
    open_wave = WaveFactory(assessment=AssessmentFactory(organisation=org), status=Wave.Status.OPEN)
    with pytest.raises(export_jobs.ExportError, match="closed waves only"):
        request(personas["owner"], org, open_wave)


def test_the_form_requests_an_organisation_pdf_and_shows_its_progress(client, org, personas, wave) -> None:
    # given the owner on the exports page
    client.force_login(personas["owner"])
    url = reverse("exports", kwargs={"slug": org.slug})
    assert client.get(url).status_code == 200
    # when they ask for the whole organisation's PDF in Dutch
    response = client.post(url, {"wave": wave.pk, "unit": "", "content": "report", "format": "pdf", "language": "nl"})
    # then they land on the job's page, which refreshes itself until the worker is done
    export = ReportExport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/exports/{export.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and export.unit is None and export.language == "nl"
    export_build(export_id=export.pk)
    assert "Download" in client.get(response["Location"]).content.decode()


def test_the_form_tells_a_manager_to_choose_a_unit(client, org, personas, wave) -> None:
    client.force_login(personas["manager"])
    url = reverse("exports", kwargs={"slug": org.slug})
    # a manager cannot pick the whole organisation, nor a unit outside Sales, nor respondent rows
    for data in ({"unit": ""}, {"unit": org.test_units["Operations"].pk}, {"content": "respondents", "format": "csv"}):
        form = {"wave": wave.pk, "unit": org.test_units["Sales"].pk, "content": "report", "format": "pdf",
                "language": "en", **data}
        assert client.post(url, form).status_code == 200
    assert not ReportExport.objects.exists()
    form["content"], form["format"] = "report", "pdf"
    assert client.post(url, form).status_code == 302
