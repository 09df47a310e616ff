"""In Debian Chromium: a consultant copies core-inside, adds an own scored item, previews and publishes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from surveys.models import InstrumentVersion
from tests.browser.helpers import log_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots")


def test_consultant_copies_edits_previews_and_publishes(live_server, page, org):
    # given a consultant of Acme
    consultant = MembershipFactory(organisation=org, role="consultant").user
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server.url, consultant)
    # when they open Instruments and copy core-inside
    page.get_by_role("link", name="Instruments", exact=True).click()
    page.screenshot(path=str(SHOTS / "builder-list.png"), full_page=True)
    page.get_by_role("button", name="Copy core-inside", exact=True).click()
    expect(page.get_by_text("You are editing draft version 1 of core-inside")).to_be_visible()
    # and add an own scored item in both languages to the first section
    page.get_by_role("link", name="Add item").first.click()
    page.get_by_role("textbox", name="Wording (Nederlands)*").fill("{organisation} komt afspraken met klanten na.")
    page.get_by_role("textbox", name="Wording (English)*").fill("{organisation} keeps its promises to customers.")
    page.get_by_role("textbox", name="Key*").fill("own_promises")
    page.get_by_role("combobox", name="Role*").select_option("custom_scored")
    page.get_by_role("combobox", name="Dimension", exact=True).select_option("reliability")
    page.screenshot(path=str(SHOTS / "builder-item.png"), full_page=True)
    page.get_by_role("button", name="Save item").click()
    expect(page.get_by_text("Item own_promises saved.")).to_be_visible()
    expect(page.get_by_text("keeps its promises to customers")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "builder-edit.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "builder-edit-390.png"), full_page=False)
    page.locator("section.card").first.screenshot(path=str(SHOTS / "builder-section-390.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    # and look at the preview at phone width
    page.get_by_role("link", name="Preview").click()
    page.get_by_role("button", name="Phone width").click()
    expect(page.get_by_role("group", name="Acme keeps its promises to customers.")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "builder-preview-390.png"), full_page=False)
    page.get_by_role("link", name="Nederlands").click()
    expect(page.get_by_text("Acme komt afspraken met klanten na.")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    # and publish it
    page.get_by_role("link", name="core-inside v1").click()
    page.get_by_role("button", name="Publish").click()
    # then the version shows as published and frozen
    expect(page.get_by_text("Version 1 is published")).to_be_visible()
    expect(page.get_by_role("button", name="New version")).to_be_visible()
    version = InstrumentVersion.objects.get(instrument__organisation=org)
    assert version.is_frozen and version.items.filter(key="own_promises").exists()
