"""In Debian Chromium: five wrong passwords show the lockout page (desktop and phone width); a colleague on
the same computer still logs in; the account's failures do not leak into the next test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "test-results")


def submit(page, email, password):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("run", [1, 2])
def test_wrong_passwords_lock_one_account_and_a_colleague_logs_in(live_server, page, settings, run):
    # given two accounts, and (on the second run) whatever the first run left behind
    assert AccessAttempt.objects.count() == 0
    target, colleague = UserFactory(email="target@example.test"), UserFactory()
    page.goto(live_server.url + "/accounts/login/")
    # when someone types a wrong password for the target five times
    for _ in range(settings.AXES_FAILURE_LIMIT):
        submit(page, target.email, "not-the-password")
    # then the lockout page explains the pause and offers a password reset, at desktop and phone width
    expect(page.get_by_role("heading", name="Too many login attempts")).to_be_visible()
    expect(page.get_by_role("link", name="Reset your password")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"login-lockout-{width}.png"), full_page=True)
    # and the right password for the target is refused too
    page.get_by_role("link", name="Back to the login page").click()
    submit(page, target.email, PASSWORD)
    expect(page.get_by_role("heading", name="Too many login attempts")).to_be_visible()
    # when a colleague logs in from the same computer
    page.get_by_role("link", name="Back to the login page").click()
    submit(page, colleague.email, PASSWORD)
    # then they are in (a colleague without organisations lands on their empty home page)
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()
