"""In Debian Chromium: create an assessment, schedule a wave, open it, read the rates — at desktop and phone width."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from surveys.models import Invitation
from tests.factories import PASSWORD, PersonFactory, core_version

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("TRUSTIER_SHOTS", "/tmp/shots"))


def test_owner_runs_a_wave_in_the_browser(live_server, page, personas, org):
    # given an owner of Acme, the shipped questionnaires, and enough people in Sales/North to show rates
    core_version()
    for i in range(7):
        PersonFactory(organisation=org, unit=org.test_units["Sales/North"], external_id=f"B{i}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(personas["owner"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # when they create an assessment from the navbar
    page.get_by_role("link", name="Assessments", exact=True).click()
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Name").fill("Trust inside 2027")
    page.get_by_label("Sales/North").check()
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"assessment-create-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Create assessment").click()
    # and schedule a wave that opened a minute ago
    expect(page.get_by_role("heading", name="Schedule a wave")).to_be_visible()
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"wave-schedule-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#id_opens_at").fill("2020-01-01T09:00")
    page.locator("#id_closes_at").fill("2099-01-01T09:00")
    page.get_by_label("Invitation text in English").fill("Thank you for taking part.")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("1 wave(s) scheduled.")).to_be_visible()
    page.get_by_role("link", name="Wave 1").click()
    page.get_by_role("button", name="Open now and send invitations").click()
    # then the wave is open, 8 people are invited, and the rates table shows Sales/North
    expect(page.get_by_text("8 invitations are on their way")).to_be_visible()
    Invitation.objects.filter(pk__in=list(Invitation.objects.values_list("pk", flat=True)[:6])).update(answered=True)
    page.reload()
    # (6 answered; an open anonymous wave shows answered counts in steps of 5: 5 of 8)
    expect(page.get_by_role("row", name="Sales/North")).to_contain_text("62%")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"wave-detail-{width}.png"), full_page=True)
    assert outside == []
