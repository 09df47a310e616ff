"""wave_open / invite_late / open links: invitations and their emails, in bulk, through the outbox."""

from __future__ import annotations

import math
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from assessments.models import Wave
from assessments.waves import WaveError
from surveys.fielding import invite_late, wave_open, wave_open_link_new
from surveys.models import Invitation
from surveys.tokens import token_hash
from tests.factories import AssessmentFactory, PersonFactory, WaveFactory
from trustier.models import AuditEvent, OutboxMessage

MONTHS_NL = "januari februari maart april mei juni juli augustus september oktober november december".split()
MONTHS_EN = "Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec.".split()
LINK = re.compile(r"https?://[^\s\"<]+/r/([A-Za-z0-9_\-]+)/")


def _tokens(message: OutboxMessage) -> list[str]:
    return LINK.findall(message.payload["body"])


def test_opening_invites_every_active_person_in_scope_with_a_secret_token(personas, org):
    # given an assessment of Sales only, with two people in Sales/South, one inactive, one in Operations
    south = org.test_units["Sales/South"]
    PersonFactory(organisation=org, unit=south, external_id="S2", language="en")
    PersonFactory(organisation=org, unit=south, external_id="S3", is_active=False)
    assessment = AssessmentFactory(organisation=org)
    assessment.units.set([org.test_units["Sales"]])
    wave = WaveFactory(assessment=assessment)
    # when the owner opens the wave
    invited = wave_open(actor=personas["owner"], wave=wave, base_url="https://trust.example")
    # then S1 (Sales/North) and S2 are invited, not the inactive S3 nor O1 of Operations
    assert invited == 2
    assert sorted(Invitation.objects.values_list("person__external_id", flat=True)) == ["S1", "S2"]
    wave.refresh_from_db()
    assert wave.status == Wave.Status.OPEN and wave.opened_at is not None
    # and each email carries a ≥128-bit token whose hash is an invitation, the raw value stored nowhere else
    emails = list(OutboxMessage.objects.filter(kind="email"))
    assert len(emails) == 2
    hashes = set(Invitation.objects.values_list("token_hash", flat=True))
    for message in emails:
        [raw] = set(_tokens(message))
        assert len(raw) * 6 >= 128
        assert token_hash(raw) in hashes
        for invitation in Invitation.objects.values():
            assert raw not in repr(invitation)
        for event in AuditEvent.objects.values():
            assert raw not in repr(event)
    # and the opening is audited
    assert set(AuditEvent.objects.filter(object_type="wave").values_list("verb", flat=True)) >= {"wave.opened", "wave.invited"}


def test_every_token_is_unique(personas, org):
    for i in range(30):
        PersonFactory(organisation=org, unit=org.test_units["Operations"], external_id=f"U{i}")
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
    wave_open(actor=None, wave=wave)
    raws = [t for m in OutboxMessage.objects.all() for t in set(_tokens(m))]
    assert len(raws) == len(set(raws)) == Invitation.objects.count() == 32


def test_emails_are_in_the_persons_language_with_custom_text_close_date_and_anonymity(personas, org):
    # given a Dutch and an English speaker, and custom text per language
    PersonFactory(organisation=org, unit=org.test_units["Operations"], external_id="NL", language="nl", email="nl@x.test", first_name="Kees")
    PersonFactory(organisation=org, unit=org.test_units["Operations"], external_id="EN", language="en", email="en@x.test", first_name="Ann")
    assessment = AssessmentFactory(organisation=org, name="Trust 2027")
    assessment.units.set([org.test_units["Operations"]])
    wave = WaveFactory(assessment=assessment, invitation_text={"nl": "Doe je mee?", "en": "Will you join?"})
    # when the wave opens
    wave_open(actor=personas["owner"], wave=wave)
    by_to = {m.payload["to"][0]: m.payload for m in OutboxMessage.objects.all()}
    # then each gets their own language, the organisation's name, their text, the link and the anonymity sentence
    nl, en = by_to["nl@x.test"], by_to["en@x.test"]
    month = wave.closes_at.astimezone(ZoneInfo("Europe/Amsterdam")).month
    assert MONTHS_NL[month - 1] in nl["body"] and MONTHS_EN[month - 1] in en["body"]
    with translation.override("nl"):  # whatever the Dutch catalogue says today (translations are merged separately)
        hello_nl = gettext("Hello %(name)s,") % {"name": "Kees"}
    assert hello_nl in nl["body"] and "Doe je mee?" in nl["body"] and "Acme" in nl["subject"]
    assert "Hello Ann," in en["body"] and "Will you join?" in en["body"] and "anonymous" in en["body"]
    assert "Will you join?" not in nl["body"] and "Doe je mee?" not in en["body"]
    assert '<html lang="nl">' in nl["alternatives"][0][0]
    html = en["alternatives"][0]
    assert html[1] == "text/html" and "/r/" in html[0] and "Hello Ann," in html[0]
    assert "Acme via Trustier" in en["from_email"]


def test_a_wave_cannot_be_opened_twice(personas, org):
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
    wave_open(actor=None, wave=wave)
    with pytest.raises(WaveError):
        wave_open(actor=None, wave=wave)
    assert Invitation.objects.count() == 2


def _queries_to_open(org, n: int):
    for i in range(n):
        PersonFactory(organisation=org, unit=org.test_units["Sales/North"], external_id=f"Q{n}-{i}")
    assessment = AssessmentFactory(organisation=org)
    assessment.units.set([org.test_units["Sales/North"]])
    wave = WaveFactory(assessment=assessment)
    with CaptureQueriesContext(connection) as ctx:
        invited = wave_open(actor=None, wave=wave)
    # clean up so the next measurement starts alike
    Invitation.objects.filter(wave=wave).delete()
    return invited, [q["sql"] for q in ctx.captured_queries]


def test_query_count_does_not_grow_with_the_number_of_people(personas, org):
    # given 10 people, then 200 people in scope
    small_n, small = _queries_to_open(org, 10)
    large_n, large = _queries_to_open(org, 200)
    assert (small_n, large_n) == (11, 211)  # plus S1 of Sales/North
    # then everything but the batched INSERTs is the same number of queries
    inserts = [sql for sql in large if sql.startswith("INSERT")]
    others = [sql for sql in large if not sql.startswith("INSERT")]
    assert len(others) == len([sql for sql in small if not sql.startswith("INSERT")])
    assert len(others) <= 12
    # and the INSERTs are batches: a constant count on PostgreSQL; SQLite's parameter limit gives smaller batches
    per_batch = 1000 if connection.vendor == "postgresql" else min(
        connection.ops.bulk_batch_size(list(model._meta.concrete_fields), [None] * large_n)
        for model in (Invitation, OutboxMessage))
    assert len(inserts) <= 2 + 2 * math.ceil(large_n / per_batch)
    if connection.vendor == "postgresql":
        assert len(large) == len(small)


def test_invite_late_invites_only_people_added_since_opening(personas, org):
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
    wave_open(actor=None, wave=wave)
    PersonFactory(organisation=org, unit=org.test_units["Operations"], external_id="LATE")
    assert invite_late(actor=personas["owner"], wave=wave) == 1
    assert invite_late(actor=personas["owner"], wave=wave) == 0
    assert Invitation.objects.filter(wave=wave).count() == 3
    assert OutboxMessage.objects.count() == 3
    assert AuditEvent.objects.filter(verb="wave.invited_late").count() == 1


def test_invite_late_needs_an_open_wave(personas, org):
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
    with pytest.raises(WaveError):
        invite_late(actor=None, wave=wave)


def test_open_link_only_for_outside_audiences_and_stored_as_a_hash(personas, org):
    inside = WaveFactory(assessment=AssessmentFactory(organisation=org))
    with pytest.raises(WaveError):
        wave_open_link_new(actor=None, wave=inside)
    outside = WaveFactory(assessment=AssessmentFactory(organisation=org, audience="outside"))
    raw = wave_open_link_new(actor=personas["owner"], wave=outside)
    outside.refresh_from_db()
    assert outside.open_link_hash == token_hash(raw) and raw not in repr(list(AuditEvent.objects.values()))


def test_opening_works_with_redis_unreachable(personas, org, client, monkeypatch):
    # given a broker that cannot be reached: any attempt to publish fails the test
    from celery.app.task import Task

    from trustier.celery import app

    monkeypatch.setattr(app, "send_task", lambda *a, **k: pytest.fail("the request path talked to the broker"))
    monkeypatch.setattr(Task, "apply_async", lambda *a, **k: pytest.fail("the request path talked to the broker"))
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
    client.force_login(personas["owner"])
    # when the owner presses "Open now"
    response = client.post(f"/o/acme/assessments/waves/{wave.pk}/open/")
    # then the wave opened and the emails wait in the outbox
    assert response.status_code == 302
    wave.refresh_from_db()
    assert wave.status == "open" and OutboxMessage.objects.filter(kind="email").count() == 2


def test_the_link_in_the_email_opens_the_answering_page(client, personas, org):
    # given an opened wave
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
    wave_open(actor=None, wave=wave, base_url="http://testserver")
    # when a respondent follows the link in their email (no login)
    path = re.search(r"http://testserver(/r/[^\s]+/)", OutboxMessage.objects.first().payload["body"]).group(1)
    # then the answering page opens
    assert client.get(path).status_code == 200
