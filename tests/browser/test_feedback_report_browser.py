"""In Debian Chromium: after a 360° cycle has run (nominations, approval, raters answering through their emailed
links, close — tests/feedback/flow.py), the subject logs in, reads their report, opens the item detail with the
keyboard, requests the PDF and downloads it (issue 9, "done when"); the page also works at 390 px."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.export_jobs import export_build
from reports.models import ReportExport
from tests.browser.helpers import log_in
from tests.factories import MembershipFactory, UserFactory
from tests.feedback.flow import cycle_run_to_closed

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("test-results")


def test_subject_reads_the_report_and_downloads_the_pdf(live_server, page, org, settings, tmp_path):
    # given a closed cycle on Sam: manager, 3 peers, 3 reports, 3 customers answered via their emailed links;
    # reports see empathy lower (3) than everyone else (5, as Sam rates themself)
    settings.MEDIA_ROOT = tmp_path
    owner = MembershipFactory(organisation=org, role="owner").user
    empathy_low = {key: "3" for key in ("emp_interests", "emp_concerns", "emp_perspective", "emp_best_for")}
    subject = cycle_run_to_closed(org, owner, subject_email="sam@example.test",
                                  answer_values={"report": empathy_low})
    sam = MembershipFactory(organisation=org, role="viewer", user=UserFactory(email="sam@example.test")).user
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    # when Sam logs in and opens "My 360° reports"
    log_in(page, live_server.url, sam)
    page.goto(f"{live_server.url}/o/{org.slug}/feedback/reports/")
    page.get_by_role("link", name=str(subject)).click()
    # then the report shows each group with n, the manager attributed, and four dimension charts
    expect(page.get_by_role("heading", level=1)).to_contain_text("360° feedback for")
    for name in ("Where to start", "Competence", "Reliability", "Integrity", "Empathy", "Comments"):
        expect(page.get_by_role("heading", name=name, exact=False).first).to_be_visible()
    expect(page.locator("svg[role='img']")).to_have_count(4)
    table = page.get_by_role("table").first
    for text in ("Manager", "attributed", "Peers", "Direct reports", "Customers and partners", "All raters (except self)"):
        expect(table).to_contain_text(text)
    # the item detail opens from the keyboard
    summary = page.locator("summary").first
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details").first).to_have_attribute("open", "")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "feedback-report-1280.png"), full_page=True)
    # and at 390 px the page does not scroll sideways (charts scroll inside their own region)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "feedback-report-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    # when Sam asks for the PDF and the worker builds it
    page.get_by_role("button", name="Download PDF").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    export = ReportExport.objects.get()
    assert (export.content, export.subject_id) == ("person360", subject.pk)
    export_build(export_id=export.pk)
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    path = tmp_path / "report360.pdf"
    download.value.save_as(path)
    # then it is Sam's report as a tagged A4 PDF, and nothing left localhost
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info and "(A4)" in info
    assert "360° feedback for" in text and "Empathy" in text and "Direct reports" in text
    assert outside == []
