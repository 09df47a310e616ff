"""In Debian Chromium: a consultant picks a client on the workspace, requests the wave's PDF, and downloads it
once the worker has built it (issue 8, "done when")."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.models import Wave
from reports.export_jobs import export_build
from reports.models import ReportExport
from reports.snapshots import snapshots_build
from tests.browser.helpers import log_in
from tests.factories import AssessmentFactory, MembershipFactory, WaveFactory
from tests.reports.test_snapshots import FAST
from tests.reports.test_wave_scoring import fill

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-results")


def test_consultant_requests_and_downloads_a_client_pdf(live_server, page, org, other_org, settings, tmp_path):
    # given a consultant of two clients; acme has a closed wave with built results
    settings.MEDIA_ROOT = tmp_path
    consultant = MembershipFactory(organisation=org, role="consultant").user
    MembershipFactory(user=consultant, organisation=other_org, role="consultant")
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org, name="Trust inside 2026"), status=Wave.Status.CLOSED)
    u = org.test_units
    fill(wave, [u["Sales/North"]] * 30 + [u["Operations"]] * 25)
    snapshots_build(settings=FAST)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    log_in(page, live_server.url, consultant)
    # when they pick Acme on the workspace and ask for the organisation PDF
    expect(page.get_by_role("heading", name="Acme")).to_be_visible()
    page.get_by_role("link", name="Acme", exact=True).first.click()
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("button", name="Make the export").click()
    # then the job page says it is being made and refreshes itself
    expect(page.get_by_role("progressbar")).to_be_visible()
    export = ReportExport.objects.get()
    assert export.organisation == org and export.format == "pdf" and export.unit is None
    # when the worker has built it (the task body; the Celery round trip is tested elsewhere)
    export_build(export_id=export.pk)
    page.reload()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "export-ready-1280.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    path = tmp_path / "downloaded.pdf"
    download.value.save_as(path)
    # then it is a valid PDF of Acme's wave, and nothing left localhost
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Trust report — Acme" in info and "Tagged:          yes" in info
    assert outside == []
