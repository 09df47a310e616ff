"""In Debian Chromium: a manager reads their dashboard, drills into a unit and opens the heatmap, at
desktop and phone width; screenshots are kept under test-results/; no request leaves localhost."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.snapshots import snapshots_build
from tests.browser.helpers import log_in
from tests.factories import MembershipFactory
from tests.reports.test_dashboard_data import FAST, build, incident_between
from tests.reports.test_snapshot_details import comment_on

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "test-results")
SIZES = ((1280, 900), (390, 844))


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"dashboard-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})



def test_manager_reads_dashboard_drills_down_opens_heatmap_and_incident(live_server, page, org):
    # given three waves for Sales/North, Sales/South and Operations, an incident, and the manager of Sales
    assessment, waves = build(org, waves=3, sizes={"Sales/North": 30, "Sales/South": 14, "Operations": 25})
    incident_between(org, waves, title="New commission plan announced")
    manager = MembershipFactory(organisation=org, role="manager", unit=org.test_units["Sales"]).user
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    log_in(page, live_server.url, manager)
    # when they open the dashboard from the navigation
    page.goto(live_server.url + "/o/acme/")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    # then they read Sales' Trust Index with its interval, n and verdict, and the trend with the incident
    expect(page.get_by_role("heading", name="Dashboard: Sales")).to_be_visible()
    expect(page.get_by_role("heading", name="Trust at a glance")).to_be_visible()
    expect(page.get_by_text("95% interval").first).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="New commission plan announced")).to_be_visible()
    assert page.locator("svg[role=img]").count() >= 3
    assert "Operations" not in page.content()
    shoot(page, "manager")
    # when they pick wave 2 with the wave picker (a plain GET form)
    page.get_by_label("Wave", exact=True).select_option("2")
    page.get_by_role("button", name="Show").nth(1).click()
    expect(page.get_by_text("as of wave 2")).to_be_visible()
    # and drill into Sales/North
    page.get_by_role("link", name="North", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard: North")).to_be_visible()
    expect(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Sales")).to_be_visible()
    assert "wave=2" in page.url
    shoot(page, "unit")
    # and go back up and open the full heatmap
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Sales").click()
    page.get_by_role("link", name="Open the full heatmap").click()
    expect(page.get_by_role("heading", name="Heatmap: units compared with the rest of the organisation")).to_be_visible()
    page.get_by_text("Show as a table").click()
    expect(page.get_by_role("table")).to_be_visible()
    shoot(page, "heatmap")
    # and open the incident from the navigation: its page shows the trust before and after it
    page.get_by_role("link", name="Incidents", exact=True).click()
    page.get_by_role("link", name="New commission plan announced").click()
    expect(page.get_by_role("heading", name="Trust before and after the incident")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Reliability")
    shoot(page, "incident")
    # and nothing was requested from anywhere but this server
    assert outside == []


def test_owner_sees_the_organisation_dashboard(live_server, page, org):
    # given two waves with enough respondents for key drivers, and the owner
    assessment, waves = build(org, waves=2, sizes={"Sales/North": 60, "Sales/South": 20, "Operations": 45})
    comment_on(waves[1], org.test_units["Operations"], 12, start=500)
    snapshots_build(settings=FAST)
    owner = MembershipFactory(organisation=org, role="owner").user
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + "/o/acme/dashboard/")
    expect(page.get_by_role("heading", name="Dashboard: Acme")).to_be_visible()
    # then they see the organisation, its units, the key drivers and the statements
    expect(page.get_by_role("heading", name="Key drivers")).to_be_visible()
    expect(page.get_by_role("heading", name="Weakest and strongest statements")).to_be_visible()
    expect(page.get_by_role("link", name="Operations", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\d+ comments$"))).to_be_visible()
    shoot(page, "owner")
