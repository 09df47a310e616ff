"""In Debian Chromium: a manager opens the incident list and an incident, at phone and desktop width."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.incidents import incident_create
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots")


def test_manager_reads_an_incident(live_server, page, org):
    # given an incident touching two dimensions in Sales/North, and a manager
    manager = MembershipFactory(organisation=org, role="manager", unit=org.test_units["Sales"]).user
    incident = incident_create(actor=None, organisation=org, occurred_on=datetime.date(2026, 3, 2),
                               title="Customer data sent to the wrong recipients", dimensions=["integrity", "reliability"],
                               units=[org.test_units["Sales/North"], org.test_units["Sales/South"]],
                               description="A mail merge sent invoices to the wrong addresses.\n\nEvery customer was called.")
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(live_server.url + "/")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # when they open Incidents from the navbar and then the incident
    page.get_by_role("link", name="Incidents", exact=True).click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    expect(page.get_by_role("link", name="Log an incident")).to_have_count(0)
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"incident-list-{width}.png"), full_page=True)
    page.get_by_role("link", name=incident.title).click()
    # then the detail shows the facts and the honest note, without edit buttons
    expect(page.get_by_text("The trend around this incident appears here once trend snapshots exist.")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"incident-detail-{width}.png"), full_page=True)
    assert outside == []


def test_owner_logs_an_incident_in_the_browser(live_server, page, org):
    owner = MembershipFactory(organisation=org, role="owner").user
    page.goto(live_server.url + "/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
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
