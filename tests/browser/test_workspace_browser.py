"""In Debian Chromium: a consultant logs in, sees two clients on the workspace, creates a third and lands in it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.models import Organisation
from tests.assessments.test_workspace import _built, _invite, _snapshot, _wave
from tests.browser.helpers import log_in
from tests.factories import AssessmentFactory, MembershipFactory
from trustier.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("TRUSTIER_SHOTS", "test-results"))  # pytest-playwright empties test-results per session
SIZES = ((1280, 900), (390, 844))


def _shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_consultant_creates_a_third_client_from_the_workspace(live_server, page, org, other_org):
    # given a consultant of two clients: acme with a built wave 1 and an open wave 2, other with a hidden result
    consultant = MembershipFactory(organisation=org, role="consultant").user
    MembershipFactory(user=consultant, organisation=other_org, role="consultant")
    inside = AssessmentFactory(organisation=org, name="Trust inside 2026")
    _built(_wave(inside, 1, "closed"))
    _invite(_wave(inside, 2, "open", days=90), invited=23, answered=13)
    _wave(inside, 3, "draft", days=180)
    customers = AssessmentFactory(organisation=other_org, name="Customer trust", audience="outside")
    closed = _wave(customers, 1, "closed")
    _snapshot(closed, "trust_index", suppressed=True)
    _snapshot(closed, "response_rate", suppressed=True)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    # when they log in
    log_in(page, live_server.url, consultant)
    # then they land on the workspace with both clients and their figures
    expect(page.get_by_role("heading", name="Your clients")).to_be_visible()
    expect(page.get_by_role("heading", name="Acme")).to_be_visible()
    expect(page.get_by_role("heading", name="Other")).to_be_visible()
    caption = "Assessments of Acme: current wave, response rate and last Trust Index"
    expect(page.get_by_role("table", name=caption)).to_be_visible()
    expect(page.get_by_text("at least 10 of 23 invited")).to_be_visible()
    expect(page.get_by_text("95% interval 58–67 · n = 40")).to_be_visible()
    expect(page.get_by_text("hidden (fewer than 5)")).to_have_count(2)
    _shoot(page, "workspace")
    # when they create a third client with its owner
    page.get_by_role("link", name="New client organisation").click()
    page.get_by_label("Organisation name").fill("Gamma Care")
    page.get_by_label("Address in Trustier").fill("gamma care")
    page.get_by_label("Name of the client's owner").fill("Gina Gamma")
    page.get_by_label("Email of the client's owner").fill("gina@gamma.test")
    page.get_by_label("English").check()
    page.get_by_role("button", name="Create and invite the owner").click()
    # then a bad address is explained on the form
    expect(page.get_by_text("Use 1 to 50 lower-case letters")).to_be_visible()
    _shoot(page, "workspace-client-form")
    page.get_by_label("Address in Trustier").fill("gamma-care")
    page.get_by_role("button", name="Create and invite the owner").click()
    # and they land in the new client, whose owner was invited
    expect(page.get_by_role("heading", name="Gamma Care")).to_be_visible()
    expect(page.get_by_text("Gamma Care is ready, and its owner gina@gamma.test has been invited.")).to_be_visible()
    _shoot(page, "workspace-new-client")
    assert Organisation.objects.filter(slug="gamma-care").count() == 1
    assert any(m.payload["to"] == ["gina@gamma.test"] for m in OutboxMessage.objects.all())
    # and the workspace now lists three clients
    page.goto(live_server.url + "/workspace/")
    expect(page.locator("section.card h2")).to_have_text(["Acme", "Gamma Care", "Other"])
    assert outside == []
