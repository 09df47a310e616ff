"""Shared helpers for the respondent tests: an open wave, invitations with raw tokens, answering it all."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from surveys.instrument_store import version_to_format
from surveys.models import Invitation
from surveys.tokens import token_hash, token_new
from tests.factories import AssessmentFactory, PersonFactory, WaveFactory


def open_wave(org, *, anonymity="anonymous", version=None, **wave_fields):
    extra = {"instrument_version": version} if version is not None else {}
    assessment = AssessmentFactory(organisation=org, anonymity=anonymity, **extra)
    now = timezone.now()
    fields = {"status": "open", "opens_at": now - datetime.timedelta(hours=1), "closes_at": now + datetime.timedelta(days=14),
              "opened_at": now - datetime.timedelta(hours=1), **wave_fields}
    return WaveFactory(assessment=assessment, **fields)


def invite(wave, person=None, *, language="en") -> str:
    """A new invitation of `person` (a new one of Sales/North by default) to `wave`; returns the raw token."""
    org = wave.assessment.organisation
    person = person or PersonFactory(organisation=org, unit=org.test_units["Sales/North"], attributes={"tenure": "2-5"})
    raw = token_new()
    Invitation.objects.create(wave=wave, person=person, token_hash=token_hash(raw), language=language)
    return raw


def instrument_of(wave):
    return version_to_format(wave.assessment.instrument_version)


def answers_for(instrument, items=None, *, value="5", comment="Fine.") -> dict[str, str]:
    items = instrument.items if items is None else items
    return {f"q_{item.key}": (comment if item.role == "comment" else value) for item in items}


def nonce_of(response) -> str:
    return re.search(r'name="nonce" value="([^"]+)"', response.content.decode()).group(1)


def respond_url(token: str, **query) -> str:
    url = reverse("respond", kwargs={"token": token})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def answer_everything(client, token: str, instrument, *, value="5", url=None):
    """Walk every section with Next, then send; returns the final response."""
    url = url or respond_url(token)
    sections = instrument.sections
    for n, section in enumerate(sections[:-1], start=1):
        r = client.post(f"{url}?s={n}&lang=en", {**answers_for(instrument, section.items, value=value), "action": "next"})
        if r.status_code != 302:  # already answered, closed ...: the page says so
            return r
    last = len(sections)
    page = client.get(f"{url}?s={last}&lang=en")
    return client.post(f"{url}?s={last}&lang=en", {**answers_for(instrument, sections[-1].items, value=value),
                                                    "action": "submit", "nonce": nonce_of(page)})
