"""In Debian Chromium: a new user switches on two-factor authentication (reading the secret like a password
manager would), sees the recovery codes, and must enter a code at the next login (desktop and phone width)."""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "test-results")
SIZES = ((1280, 800), (390, 844))


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})


def app_code(secret: str, steps_later: int = 0) -> str:
    """What an authenticator app shows for the secret (now, or `steps_later` × 30 s from now)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, t0=-steps_later * 30):06d}"


def test_a_new_user_switches_on_two_factor_and_needs_a_code_at_the_next_login(live_server, page):
    # given a new user who logs in with their password
    user = UserFactory(email="new.user@example.test")
    log_in(page, live_server.url, user.email)
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()
    # when they open the security page from the menu and switch two-factor authentication on
    page.get_by_role("button", name="Account").click()
    page.get_by_role("link", name="Account security").click()
    expect(page.get_by_role("heading", name="Account security")).to_be_visible()
    page.get_by_role("link", name="Switch on two-factor authentication").click()
    # then the page shows a QR code and the key as text
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    shoot(page, "two-factor-setup")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    # when they enter the code their app shows
    page.get_by_label("Code").fill(app_code(secret))
    page.get_by_role("button", name="Confirm and switch on").click()
    # then two-factor authentication is on and ten recovery codes are shown once
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    expect(page.get_by_role("link", name="Download as a text file")).to_be_visible()
    shoot(page, "two-factor-recovery-codes")
    # when they log out and log in again with the right password
    page.get_by_role("button", name="Account").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server.url, user.email)
    # then they must enter a code first
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    # and a wrong code is refused with a clear message
    wrong = app_code(secret)
    page.get_by_label("Code").fill(wrong[:-1] + str((int(wrong[-1]) + 5) % 10))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    shoot(page, "two-factor-verify")
    # when they wait out the pause after a wrong code and enter the app's next code
    time.sleep(1.5)
    page.get_by_label("Code").fill(app_code(secret, steps_later=1))
    page.get_by_role("button", name="Verify").click()
    # then they are in
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()
