"""End to end over real SMTP: the invitation arrives on 127.0.0.1, its link answered in Chromium at
phone size, and the reminder goes only to the person who did not answer."""

from __future__ import annotations

import datetime
import email
import re
from email import policy

import pytest
from playwright.sync_api import expect

from surveys.fielding import reminders_send, wave_open
from surveys.instrument_store import version_to_format
from surveys.models import Invitation, Response
from tests.browser.test_respond_browser import PHONE, _answer_with_clicks
from tests.factories import AssessmentFactory, WaveFactory
from tests.surveys.test_fielding_smtp import smtp_inbox  # noqa: F401 - the fixture
from trustier.outbox import outbox_drain

pytestmark = pytest.mark.django_db(transaction=True)


def _links(inbox) -> dict[str, str]:
    """recipient -> the answering link in their email's text part."""
    found = {}
    for recipients, content in inbox.messages:
        text = email.message_from_bytes(content, policy=policy.default).get_body(("plain",)).get_content()
        [link] = set(re.findall(r"http://[^\s]+/r/[A-Za-z0-9_\-]+/", text))
        found[recipients[0]] = link
    return found


def test_invitation_over_smtp_answered_on_a_phone_then_reminder_only_to_the_other(live_server, browser, personas, org, smtp_inbox):  # noqa: F811
    # given an open wave for S1 and O1 whose invitations went out over SMTP
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org), reminder_days=[3])
    wave_open(actor=personas["owner"], wave=wave, base_url=live_server.url)
    assert outbox_drain() == 2
    links = _links(smtp_inbox)
    s1, o1 = (Invitation.objects.get(wave=wave, person__external_id=x).person.email for x in ("S1", "O1"))
    assert set(links) == {s1, o1}
    # when S1 follows the link from the email on a phone and answers every section
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(links[s1] + "?lang=en")
    instrument = version_to_format(wave.assessment.instrument_version)
    for n, section in enumerate(instrument.sections, start=1):
        _answer_with_clicks(page, section)
        if n < len(instrument.sections):
            page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Send my answers").click()
    # then the thank-you page shows and exactly one anonymous response is stored
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert Response.objects.filter(wave=wave, invitation__isnull=True).count() == 1
    # and when the reminder day comes, only O1 gets a reminder over SMTP
    smtp_inbox.messages.clear()
    wave.refresh_from_db()
    assert reminders_send(wave=wave, now=wave.opened_at + datetime.timedelta(days=3, hours=1),
                          base_url=live_server.url) == 1
    assert outbox_drain() == 1
    assert list(_links(smtp_inbox)) == [o1]
