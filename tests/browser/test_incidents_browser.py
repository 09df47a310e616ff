"""In Debian Chromium: a manager opens the incident list and an incident, an owner reads the repair after a
demo-like incident and launches the after-incident pulse, at phone and desktop width. Screenshots go to
test-results/ (or $SCREENSHOTS_DIR); no request leaves localhost."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.incidents import incident_create
from assessments.models import Assessment
from tests.browser.helpers import log_in
from tests.factories import MembershipFactory
from tests.reports import snapshot_rows as snap

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "test-results")



def test_manager_reads_an_incident(live_server, page, org):
    # given an incident touching two dimensions in Sales/North, and a manager
    manager = MembershipFactory(organisation=org, role="manager", unit=org.test_units["Sales"]).user
    incident = incident_create(actor=None, organisation=org, occurred_on=datetime.date(2026, 3, 2),
                               title="Customer data sent to the wrong recipients", dimensions=["integrity", "reliability"],
                               units=[org.test_units["Sales/North"], org.test_units["Sales/South"]],
                               description="A mail merge sent invoices to the wrong addresses.\n\nEvery customer was called.")
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    log_in(page, live_server.url, manager)
    # when they open Incidents from the navbar and then the incident
    page.get_by_role("link", name="Incidents", exact=True).click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    expect(page.get_by_role("link", name="Log an incident")).to_have_count(0)
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"incident-list-{width}.png"), full_page=True)
    page.get_by_role("link", name=incident.title).click()
    # then the detail shows the facts and, per affected unit, the honest note that no wave before exists yet
    expect(page.get_by_text("No wave closed before this incident").first).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"incident-detail-{width}.png"), full_page=True)
    assert outside == []


def test_owner_logs_an_incident_in_the_browser(live_server, page, org):
    owner = MembershipFactory(organisation=org, role="owner").user
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + "/o/acme/incidents/new/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("Title").fill("Outage")
    page.get_by_label("Date").fill("2026-01-05")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Choose at least one dimension")).to_be_visible()
    page.get_by_label("reliability").check()
    page.screenshot(path=str(SHOTS / "incident-form-390.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Outage")).to_be_visible()


def test_owner_reads_the_repair_and_launches_a_pulse(live_server, page, org):
    # given four closed quarterly waves (as in the demo), a data leak between wave 2 and 3 touching integrity and
    # reliability: they drop by 14 points in wave 3 and are 5 below in wave 4
    base = {"competence": 74, "reliability": 69, "integrity": 71, "empathy": 66, "trust_index": 70}
    shift = {1: 1, 2: 0, 3: -14, 4: -5}
    a = snap.assessment(org)
    for number in range(1, 5):
        figures = {m: v + (shift[number] if m in ("integrity", "reliability") else shift[number] / 2)
                   for m, v in base.items()}
        snap.rows(snap.wave(a, number), figures, n=84, sd=17)
    incident = incident_create(actor=None, organisation=org, occurred_on=datetime.date(2025, 5, 12),
                               title="Customer data sent to the wrong recipients", dimensions=["integrity", "reliability"],
                               description="A mail merge sent invoices to the wrong addresses.")
    owner = MembershipFactory(organisation=org, role="owner").user
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    log_in(page, live_server.url, owner)
    # when the owner opens the incident
    page.goto(f"{live_server.url}/o/acme/incidents/{incident.pk}/")
    # then before, drop and recovery are shown with their intervals, and the chart has a table alternative
    section = page.locator("section", has=page.get_by_role("heading", name="Trust before and after the incident"))
    table = section.get_by_role("table", name="Level before, drop and recovery so far")
    expect(table.get_by_role("columnheader", name="Before (wave 2)")).to_be_visible()
    expect(table.get_by_role("row", name="Integrity")).to_contain_text("−14.0")
    expect(table.get_by_role("row", name="Integrity")).to_contain_text("a clear drop")
    expect(table.get_by_role("row", name="Integrity")).to_contain_text("recovered 64% of the drop")
    expect(section.get_by_role("img", name="Trust around the incident")).to_be_visible()
    section.get_by_text("Show the trend as a table").click()
    expect(section.get_by_role("table", name="Scores per wave around the incident")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"incident-repair-{width}.png"), full_page=True)
    # and when they launch the after-incident pulse, they land on the new assessment to schedule its wave
    page.get_by_role("button", name="Launch an after-incident pulse").click()
    expect(page.get_by_text("Pulse created.")).to_be_visible()
    pulse = Assessment.objects.get(incident=incident)
    assert page.url.endswith(f"/o/acme/assessments/{pulse.pk}/")
    # and the incident page now links to that pulse instead of offering a second one
    page.goto(f"{live_server.url}/o/acme/incidents/{incident.pk}/")
    expect(page.get_by_role("link", name=pulse.name)).to_be_visible()
    expect(page.get_by_role("button", name="Launch an after-incident pulse")).to_have_count(0)
    assert outside == []
