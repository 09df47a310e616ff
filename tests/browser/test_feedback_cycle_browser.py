"""End to end in Chromium: an owner starts a 360° cycle, nominates (colleagues and a customer), approves, opens; the
invitations travel over a loopback SMTP server; raters answer from the links in their emails (the manager sees that
their answers are attributed); the owner follows progress and closes the cycle."""

from __future__ import annotations

import datetime
import email
import os
import re
from email import policy
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import Cycle
from surveys.instrument_store import version_to_format
from surveys.models import Response
from tests.browser.helpers import log_in
from tests.browser.test_respond_browser import PHONE, _answer_with_clicks
from tests.feedback.factories import people, subject_with_manager
from tests.feedback.flow import answer
from tests.surveys.test_fielding_smtp import smtp_inbox  # noqa: F401 - the fixture
from trustier.outbox import outbox_drain

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "test-results")
FMT = "%Y-%m-%dT%H:%M"



def _links(inbox) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for recipients, content in inbox.messages:
        message = email.message_from_bytes(content, policy=policy.default)
        text = message.get_body(("plain",)).get_content()
        found.setdefault(recipients[0].lower(), []).extend(sorted(set(re.findall(r"http://[^\s]+/r/[A-Za-z0-9_\-]+/", text))))
    return found


def test_owner_runs_a_360_cycle_and_raters_answer_from_their_emails(live_server, browser, personas, org, smtp_inbox):  # noqa: F811
    # given an owner, a person with a manager, colleagues
    subject_person, manager_person = subject_with_manager(org)
    peers = people(org, 3)
    reports = people(org, 3, unit="Sales/South")
    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, live_server.url, personas["owner"])
    # when the owner starts a cycle from the navigation at phone width
    page.goto(f"{live_server.url}/o/acme/feedback/")
    page.get_by_role("link", name="Start a 360° cycle").click()
    page.get_by_label("Find people by name or email").fill("Subject")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Name", exact=True).fill("Leaders 360")
    page.get_by_label(re.compile("Sam Subject")).check()
    now = timezone.localtime()
    page.get_by_label("Nominations close").fill((now + datetime.timedelta(hours=1)).strftime(FMT))
    page.get_by_label("Feedback opens").fill((now + datetime.timedelta(hours=2)).strftime(FMT))
    page.get_by_label("Feedback closes").fill((now + datetime.timedelta(days=14)).strftime(FMT))
    page.get_by_role("button", name="Create the cycle").click()
    expect(page.get_by_role("heading", name="Leaders 360")).to_be_visible()
    cycle = Cycle.objects.get()
    # and nominates three peers, three direct reports and a customer, then approves all
    page.get_by_role("link", name="Nominations").click()
    for rater, group in [*((p, "peer") for p in peers), *((r, "report") for r in reports)]:
        page.get_by_label("Person", exact=True).select_option(str(rater.pk))
        page.locator("#nominate-title ~ form").get_by_label("Rater group").select_option(group)
        page.locator("#nominate-title ~ form").get_by_role("button", name="Nominate").click()
        expect(page.get_by_text("The rater was nominated.")).to_be_visible()
    external = page.locator("#external-title ~ form")
    external.get_by_label("First name").fill("Cora")
    external.get_by_label("Email").fill("cora@client.test")
    external.get_by_label("Language").select_option("en")
    external.get_by_role("button", name="Nominate").click()
    expect(page.locator("#group-counts tr[data-group='peer'] td").first).to_have_text("3")
    page.screenshot(path=str(SHOTS / "feedback-nominations-390.png"), full_page=True)
    page.get_by_role("button", name="Approve all nominations").click()
    expect(page.get_by_text("The nominations are approved.")).to_be_visible()
    # and opens the cycle now
    page.goto(f"{live_server.url}/o/acme/feedback/cycles/{cycle.pk}/")
    page.get_by_role("button", name="Open now and send the invitations").click()
    expect(page.get_by_text("invitations are on their way")).to_be_visible()
    # then every invitation arrives over SMTP: self, manager, 3 peers, 3 reports, 1 customer
    assert outbox_drain() == 9
    links = _links(smtp_inbox)
    assert set(links) == {p.email.lower() for p in [subject_person, manager_person, *peers, *reports]} | {"cora@client.test"}
    # when the manager opens their link on a phone, they are told their answers are attributed, and answer
    rater = browser.new_context(viewport=PHONE).new_page()
    rater.goto(links[manager_person.email.lower()][0] + "?lang=en")
    expect(rater.get_by_role("heading", name="Your answers are shown with your name as manager")).to_be_visible()
    expect(rater.get_by_text("Sam Subject").first).to_be_visible()
    rater.screenshot(path=str(SHOTS / "feedback-manager-respond-390.png"))
    instrument = version_to_format(cycle.assessment.instrument_version)
    for n, section in enumerate(instrument.sections, start=1):
        _answer_with_clicks(rater, section)
        if n < len(instrument.sections):
            rater.get_by_role("button", name="Next").click()
    rater.get_by_role("button", name="Send my answers").click()
    expect(rater.get_by_role("heading", name="Thank you!")).to_be_visible()
    # and the subject sees the self-rating page; the others answer too
    rater.goto(links[subject_person.email.lower()][0] + "?lang=en")
    expect(rater.get_by_role("heading", name="About yourself")).to_be_visible()
    for email_address, paths in links.items():
        if email_address != manager_person.email.lower():
            for link in paths:
                assert answer(Client(), link.replace(live_server.url, ""), instrument) == 302
    # then the owner's progress page shows counts per group, and closing works
    page.goto(f"{live_server.url}/o/acme/feedback/subjects/{cycle.subjects.get().pk}/progress/")
    expect(page.locator("#progress tr[data-group='peer']")).to_contain_text("yes")
    page.screenshot(path=str(SHOTS / "feedback-progress-390.png"), full_page=True)
    page.goto(f"{live_server.url}/o/acme/feedback/cycles/{cycle.pk}/")
    page.get_by_role("button", name="Close now").click()
    expect(page.locator("#cycle-status")).to_have_text("closed")
    groups_ = sorted(Response.objects.filter(wave=cycle.wave).values_list("attributes__group", flat=True))
    assert groups_ == sorted(["self", "manager", "customer", *["peer"] * 3, *["report"] * 3])
