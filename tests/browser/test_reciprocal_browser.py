"""End to end in Chromium (issue 11): a manager predicts how their team will rate the leadership, the wave opens and
the emails travel over a loopback SMTP server, the team answers from the links in their emails, the manager rates the
team from the link in their own email, the wave closes, and the manager reads the blind-spot view on the dashboard."""

from __future__ import annotations

import email
import os
import re
from email import policy
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.models import Wave
from assessments.waves import wave_close
from reports.snapshots import snapshots_build
from surveys.fielding import wave_open
from surveys.instrument_store import version_to_format
from surveys.models import ManagerPrediction, Response, TeamRating
from tests.browser.helpers import log_in
from tests.factories import MembershipFactory, PersonFactory
from tests.reports.reciprocal_data import reciprocal_wave
from tests.surveys.test_fielding_smtp import smtp_inbox  # noqa: F401 - the fixture
from trustier.outbox import outbox_drain

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "test-results")
PREDICTION = {"Competence": 95, "Reliability": 95, "Integrity": 90, "Empathy": 95}



def _emails(inbox) -> dict[str, str]:
    """recipient → the plain text of the email they got."""
    return {recipients[0].lower(): email.message_from_bytes(content, policy=policy.default).get_body(("plain",)).get_content()
            for recipients, content in inbox.messages}


def _answer_survey(page, link: str, instrument, value: int) -> None:
    """Answer every closed question with `value` (felt trust with 6) and send."""
    page.goto(link + "?lang=en")
    for n, section in enumerate(instrument.sections, start=1):
        for item in section.items:
            if item.role == "comment":
                continue
            page.locator(f"label[for='q_{item.key}-{6 if item.role == 'felt_trust' else value}']").click()
        if n < len(instrument.sections):
            page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()


def test_manager_predicts_team_answers_from_emails_wave_closes_manager_reads_the_blind_spot(
        live_server, browser, org, smtp_inbox):  # noqa: F811
    # given a team of three in Sales/North (threshold 3), its manager, and a draft wave of a reciprocal assessment
    org.min_group_size = 3
    org.save()
    north = org.test_units["Sales/North"]
    team = [PersonFactory(organisation=org, unit=north, language="en") for _ in range(3)]
    manager = MembershipFactory(organisation=org, role="manager", unit=north, user__language="en").user
    wave = reciprocal_wave(org, status=Wave.Status.DRAFT)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    # when the manager logs in, opens "My team" and predicts high trust before the wave opens
    log_in(page, live_server.url, manager)
    page.get_by_role("link", name="My team").first.click()
    page.get_by_role("link", name=re.compile(wave.assessment.name)).first.click()
    for label, value in PREDICTION.items():
        page.get_by_label(label, exact=False).first.fill(str(value))
    page.get_by_role("button", name="Save my prediction").click()
    expect(page.get_by_text("Your prediction is saved.")).to_be_visible()

    # and the wave opens: the invitations and the manager's email travel over SMTP
    wave_open(actor=None, wave=wave, base_url=live_server.url)
    assert outbox_drain() == 4
    mails = _emails(smtp_inbox)
    manager_text = mails[manager.email.lower()]
    [manager_link] = re.findall(r"http://[^\s]+/team/\d+/", manager_text)
    assert "Only you see your prediction" in manager_text or "only you see your prediction" in manager_text

    # and the team answers from the links in their emails (trust in the leadership low: 3, 4, 3 on 1–7)
    instrument = version_to_format(wave.assessment.instrument_version)
    respondent = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    for person, value in zip(team, (3, 4, 3), strict=True):
        [link] = re.findall(r"http://[^\s]+/r/[A-Za-z0-9_\-]+/", mails[person.email.lower()])
        _answer_survey(respondent, link, instrument, value)
        respondent.context.clear_cookies()
    assert Response.objects.filter(wave=wave).count() == 3

    # and the manager follows their email's link: the prediction is final now; they rate the team as a whole
    page.goto(manager_link)
    expect(page.get_by_text("no longer changes")).to_be_visible()
    expect(page.get_by_role("button", name="Save my prediction")).to_have_count(0)
    for label in page.locator("label[for^='q_team_'][for$='-5']").all():
        label.click()
    page.get_by_role("button", name="Save my team rating").click()
    expect(page.get_by_text("Your rating of your team is saved.")).to_be_visible()
    assert TeamRating.objects.filter(wave=wave, user=manager).count() == 1

    # and the wave closes and the snapshot task runs
    wave_close(actor=None, wave=wave)
    snapshots_build()

    # then the manager's dashboard shows trust both ways and their prediction against the team: a blind spot
    page.get_by_role("link", name="Dashboard").first.click()
    section = page.locator("#h-recip").locator("xpath=..")
    expect(page.get_by_role("heading", name="Trust both ways")).to_be_visible()
    expect(page.get_by_role("heading", name="Your prediction and your team")).to_be_visible()
    expect(section.get_by_text(re.compile("blind spot", re.I)).first).to_be_visible()
    expect(section.get_by_text("95").first).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.locator("#h-recip").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "reciprocal-blind-spot.png"), full_page=True)
    assert ManagerPrediction.objects.get(wave=wave, user=manager).values["integrity"] == 90
