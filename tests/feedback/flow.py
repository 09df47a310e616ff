"""Run a 360° cycle to "closed" in a few calls, for the report tests (helper "report" builds on `cycle_run_to_closed`).

Raters answer through their emailed links (the outbox), like real respondents, with the Django test client.
"""

from __future__ import annotations

import re

from django.test import Client

from feedback import groups
from feedback.services import cycle_close, cycle_open, nomination_propose, subject_approve
from surveys.instrument_store import version_to_format
from tests.factories import PersonFactory
from tests.feedback.factories import new_cycle, people, subject_with_manager
from trustier.models import OutboxMessage

LINK = re.compile(r"https?://[^\s\"<]+(/r/[A-Za-z0-9_\-]+/)")


def links_by_email() -> dict[str, list[str]]:
    """Answering paths from the queued invitation emails, by recipient (a rater of two subjects has two)."""
    found: dict[str, list[str]] = {}
    for message in OutboxMessage.objects.filter(kind="email").order_by("pk"):
        for path in LINK.findall(message.payload["body"]):
            found.setdefault(message.payload["to"][0].lower(), []).append(path)
    return found


def answer(client: Client, path: str, instrument, values: dict[str, str] | None = None, *, default="5", comment="Keep it up.") -> int:
    """Answer every section of the questionnaire behind `path`; returns the last status code."""
    values = values or {}
    sections = instrument.sections
    r = client.get(path)
    for n, section in enumerate(sections, start=1):
        data = {f"q_{item.key}": (comment if item.role == "comment" else values.get(item.key, default)) for item in section.items}
        if n < len(sections):
            r = client.post(f"{path}?s={n}&lang=en", {**data, "action": "next"})
        else:
            page = client.get(f"{path}?s={n}&lang=en").content.decode()
            nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
            r = client.post(f"{path}?s={n}&lang=en", {**data, "action": "submit", "nonce": nonce})
    return r.status_code


def cycle_run_to_closed(org, actor, *, peers=3, reports=3, customers=3, subject_email=None, answer_values=None, **cycle_fields):
    """A cycle with one subject (with a manager) and `peers`/`reports`/`customers` raters, opened, answered by all, closed.

    Returns the Subject. `answer_values` maps a group to {item key: value} (default "5" everywhere).
    """
    subject_person, _manager = subject_with_manager(org, email=subject_email)
    cycle = new_cycle(org, actor, [subject_person], **cycle_fields)
    subject = cycle.subjects.get()
    for rater in people(org, peers):
        nomination_propose(actor=actor, subject=subject, rater=rater, group=groups.PEER)
    for rater in people(org, reports, unit="Sales/South"):
        nomination_propose(actor=actor, subject=subject, rater=rater, group=groups.REPORT)
    for rater in [PersonFactory(organisation=org, unit=None, language="en", attributes={"external": True}) for _ in range(customers)]:
        nomination_propose(actor=actor, subject=subject, rater=rater, group=groups.CUSTOMER)
    subject_approve(actor=actor, subject=subject)
    cycle_open(actor=actor, cycle=cycle, base_url="http://testserver")
    instrument = version_to_format(cycle.assessment.instrument_version)
    links = links_by_email()
    group_of = {}
    for invitation in cycle.wave.invitations.select_related("person"):
        group_of[invitation.person.email.lower()] = invitation.response_attributes["group"]
    for email, paths in links.items():
        group = group_of.get(email)
        for path in paths:
            answer(Client(), path, instrument, (answer_values or {}).get(group))
    cycle_close(actor=actor, cycle=cycle)
    subject.refresh_from_db()
    return subject
