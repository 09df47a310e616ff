"""Given full read access to the tables after 20 anonymous submissions, nothing links a Response to
its Invitation: no foreign key, no time finer than a day, no shared value, no column whose order
reproduces the invitations' order. (What this cannot cover — physical row order, system columns —
is in docs/anonymity-threat-model.md.)"""

from __future__ import annotations

import json

import pytest
from django.db import models

from assessments.models import Person
from surveys.models import Answer, Draft, Invitation, Response
from tests.factories import PersonFactory
from tests.surveys.respond_helpers import answer_everything, instrument_of, invite, open_wave, respond_url
from trustier.models import AuditEvent, OutboxMessage

pytestmark = pytest.mark.django_db
N = 20


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()  # the rate limit counts this test's many requests from one IP


def _dump(model) -> str:
    return json.dumps(list(model.objects.values()), default=str)


@pytest.fixture
def submitted(client, org):
    """20 anonymous submissions in invitation order (the worst case); returns (wave, {invitation pk: response pk})."""
    wave = open_wave(org)
    instrument = instrument_of(wave)
    units = [org.test_units["Sales/North"], org.test_units["Operations"]]
    tokens = [invite(wave, PersonFactory(organisation=org, unit=units[i % 2], attributes={"band": "ab"[i % 2]}))
              for i in range(N)]
    audit_before, outbox_before = AuditEvent.objects.count(), OutboxMessage.objects.count()
    invitations_before = {i["id"]: i for i in Invitation.objects.filter(wave=wave).values()}
    # the oracle (only this test knows it): each respondent writes their number in a comment
    comment = next(item for item in instrument.items if item.role == "comment")
    link = {}
    for n, token in enumerate(tokens):
        invitation = Invitation.objects.get(token_hash=invitation_hash(token))
        client.post(respond_url(token, s=1), {"action": "back"})  # a draft exists for a moment
        assert Draft.objects.exclude(key__in=Invitation.objects.values("token_hash")).count() == 1
        answer_everything(client, token, instrument, value=str(1 + n % 7))
        answer = Answer.objects.get(item__key=comment.key, text__startswith="Fine")
        Answer.objects.filter(pk=answer.pk).update(text=f"respondent {n}")  # mark it for the oracle
        link[invitation.pk] = answer.response_id
    return wave, link, invitations_before, audit_before, outbox_before


def invitation_hash(token):
    from surveys.tokens import token_hash

    return token_hash(token)


def test_no_foreign_key_or_fine_timestamp_links_them(submitted):
    wave, link, *_ = submitted
    assert Response.objects.filter(wave=wave).count() == N
    assert not Response.objects.exclude(invitation=None).exists()
    for model in (Response, Answer):
        for field in model._meta.concrete_fields:
            assert not isinstance(field, models.DateTimeField), f"{model.__name__}.{field.name} has a time"
            if field.is_relation:
                assert field.related_model not in (Person,) and (field.related_model is not Invitation or model is Response)
    assert {str(d) for d in Response.objects.values_list("submitted_on", flat=True)} == {str(Response.objects.first().submitted_on)}


def test_invitations_change_only_their_answered_flag(submitted):
    wave, link, before, audit_before, outbox_before = submitted
    after = {i["id"]: i for i in Invitation.objects.filter(wave=wave).values()}
    for pk, row in after.items():
        assert {k for k in row if row[k] != before[pk][k]} == {"answered"}
    # and no audit event, no outbox row, no draft records the submissions
    assert AuditEvent.objects.count() == audit_before and OutboxMessage.objects.count() == outbox_before
    assert not Draft.objects.exists()


def test_no_value_is_shared_between_the_tables(submitted):
    responses_and_answers = _dump(Response) + _dump(Answer)
    others = _dump(Invitation) + _dump(Draft) + _dump(AuditEvent) + _dump(OutboxMessage)
    long_values = set()
    for model in (Response, Answer):
        for row in model.objects.values():
            long_values |= {str(v) for v in row.values() if len(str(v)) >= 16 and not str(v).startswith("respondent")}
    assert not [v for v in long_values if v in others]
    for row in Invitation.objects.values("token_hash", "created_at", "sent_at"):
        assert row["token_hash"] not in responses_and_answers
        assert str(row["created_at"]) not in responses_and_answers


def test_no_column_order_reproduces_the_invitation_order(submitted):
    wave, link, *_ = submitted
    # every ordering of the invitations someone could use: id, token hash, creation, person
    invitation_orders = [list(Invitation.objects.filter(wave=wave).order_by(column, "id").values_list("id", flat=True))
                         for column in ("id", "token_hash", "created_at", "person_id")]
    expected = [[link[pk] for pk in order] for order in invitation_orders]
    # every column of Response, and of its answers
    for field in Response._meta.concrete_fields:
        values = {json.dumps(v, sort_keys=True, default=str)
                  for v in Response.objects.filter(wave=wave).values_list(field.attname, flat=True)}
        if len(values) == 1:
            continue  # a constant column carries no order
        order = list(Response.objects.filter(wave=wave).order_by(field.attname, "id").values_list("id", flat=True))
        assert order not in expected, f"Response.{field.name} reproduces the invitation order"
    for field in Answer._meta.concrete_fields:
        order = list(dict.fromkeys(Answer.objects.filter(response__wave=wave).order_by(field.attname, "id")
                                   .values_list("response_id", flat=True)))
        assert order not in expected, f"Answer.{field.name} reproduces the invitation order"
