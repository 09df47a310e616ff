"""In Debian Chromium at phone size: answer a survey from its link, keyboard only for the first
question, with and without JavaScript; screenshots in /tmp/shots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from surveys.models import Draft, Response
from tests.surveys.respond_helpers import instrument_of, invite, open_wave

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}


def _answer_with_clicks(page, section, *, skip=()):
    for item in section.items:
        if item.key in skip:
            continue
        if item.role == "comment":
            page.locator(f"#q_{item.key}").fill("Keep it up.")
        else:
            page.locator(f"label[for='q_{item.key}-6']").click()


def test_answer_on_a_phone_with_the_keyboard(live_server, browser, org):
    # given an open anonymous wave and one invitation
    wave = open_wave(org)
    token = invite(wave)
    instrument = instrument_of(wave)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    # when the respondent opens the link
    page.goto(f"{live_server.url}/r/{token}/?lang=en")
    expect(page.get_by_role("heading", name="Your answers are anonymous")).to_be_visible()
    expect(page.get_by_text(f"Section 1 of {len(instrument.sections)}")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "respond-390.png"), full_page=True)
    page.screenshot(path=str(SHOTS / "respond-390-top.png"))
    first = instrument.sections[0].items[0]
    # and reaches the first question with Tab and answers it with the arrow keys
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == f"q_{first.key}":
            break
    else:
        pytest.fail("the first question cannot be reached with Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#q_{first.key}-2")).to_be_checked()
    page.screenshot(path=str(SHOTS / "respond-focus-390.png"))
    for n, section in enumerate(instrument.sections, start=1):
        _answer_with_clicks(page, section, skip={first.key})
        if n < len(instrument.sections):
            # Enter on a chosen answer goes to the next section (the default button is Next)
            page.locator(f"input[name='q_{section.items[0].key}']:checked").press("Enter")
            expect(page.get_by_text(f"Section {n + 1} of {len(instrument.sections)}")).to_be_visible()
    page.get_by_role("button", name="Send my answers").focus()
    page.keyboard.press("Enter")
    # then they see the thank-you page and exactly one response is stored
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    page.screenshot(path=str(SHOTS / "thanks-390.png"), full_page=True)
    assert Response.objects.filter(wave=wave).count() == 1
    assert not Draft.objects.exists()
    assert outside == []
    context.close()


def test_answer_without_javascript(live_server, browser, org):
    # given a browser with JavaScript turned off
    wave = open_wave(org)
    token = invite(wave)
    instrument = instrument_of(wave)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    # when the respondent answers every section, goes back once and forward again
    page.goto(f"{live_server.url}/r/{token}/?lang=en")
    page.get_by_role("button", name="Next").click()  # nothing answered yet: the page says what is missing
    expect(page.get_by_role("alert")).to_contain_text("Please look at the 8 questions marked below")
    page.screenshot(path=str(SHOTS / "respond-errors-390.png"))
    _answer_with_clicks(page, instrument.sections[0])
    page.get_by_role("button", name="Next").click()
    page.screenshot(path=str(SHOTS / "respond-section2-390.png"))
    expect(page.get_by_text(f"Section 2 of {len(instrument.sections)}")).to_be_visible()
    page.get_by_role("button", name="Back").click()
    expect(page.locator(f"#q_{instrument.sections[0].items[0].key}-6")).to_be_checked()  # the draft kept it
    page.get_by_role("button", name="Next").click()
    for section in instrument.sections[1:-1]:
        _answer_with_clicks(page, section)
        page.get_by_role("button", name="Next").click()
    # and first tries to send the last section half answered
    last = instrument.sections[-1]
    required = [item for item in last.items if item.required]
    if required:
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("alert")).to_contain_text("Please look at")
    _answer_with_clicks(page, last)
    page.get_by_role("button", name="Send my answers").click()
    # then the thank-you page shows
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert Response.objects.filter(wave=wave).count() == 1
    context.close()


def test_wide_screen_and_dutch(live_server, browser, org):
    # given a Dutch respondent on a desktop
    wave = open_wave(org)
    token = invite(wave, language="nl")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # when they open the link
    page.goto(f"{live_server.url}/r/{token}/")
    # then the questions are in Dutch with the organisation's name filled in
    expect(page.get_by_text("Acme heeft de kennis in huis")).to_be_visible()
    page.screenshot(path=str(SHOTS / "respond-1280.png"), full_page=True)
    page.screenshot(path=str(SHOTS / "respond-1280-top.png"))
    # and the language switch keeps the link
    page.get_by_role("link", name="English").click()
    expect(page.get_by_text("Acme has the expertise")).to_be_visible()
    assert token in page.url
    context.close()
