"""response_submit: validation, idempotence, what is stored per anonymity mode, constant query count."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys import answering
from surveys import instrument_format as fmt
from surveys.answering import AnswerError
from surveys.forms_respond import nonce_new
from surveys.instrument_store import version_rows_create
from surveys.models import Answer, Draft, Instrument, Invitation, Response
from surveys.services import version_publish
from tests.conftest import require
from tests.surveys.respond_helpers import instrument_of, invite, open_wave


def _session(token):
    state, invitation = answering.link_lookup(token=token)
    assert state == answering.LinkState.OK
    return answering.session_for(invitation=invitation, secret=token)


def _answers(instrument, value="5"):
    return {item.key: ("A comment." if item.role == "comment" else value) for item in instrument.items}


def version_with_items(n: int):
    """A published one-section version with n scored items (plus core-inside's scale)."""
    base = fmt.load_bundled("core-inside")
    first = base.sections[0].items[0]
    items = tuple(replace(first, key=f"item_{i:02d}", pulse=False) for i in range(n))
    source = replace(base, key=f"test-{n}", sections=(replace(base.sections[0], items=items),))
    instrument = Instrument.objects.create(organisation=None, key=f"test-{n}", name=dict(source.name))
    return version_publish(version=version_rows_create(instrument=instrument, source=source, number=1), actor=None)


def test_anonymous_submission_stores_no_link(org):
    # given an anonymous wave and an invitation of a person in Sales/North with an attribute
    wave = open_wave(org)
    token = invite(wave)
    session = _session(token)
    # when the answers are submitted
    response = answering.response_submit(session=session, answers=_answers(session.instrument), language="en",
                                         submission_key=nonce_new())
    # then the response has the unit, attributes and day, but no invitation
    response.refresh_from_db()
    assert response.invitation_id is None
    assert response.unit == org.test_units["Sales/North"]
    assert response.attributes == {"tenure": "2-5"}
    assert Answer.objects.filter(response=response).count() == len(session.instrument.items)
    assert Invitation.objects.get(token_hash=session.invitation.token_hash).answered


def test_confidential_submission_keeps_the_invitation(org):
    wave = open_wave(org, anonymity="confidential")
    token = invite(wave)
    session = _session(token)
    response = answering.response_submit(session=session, answers=_answers(session.instrument), language="en",
                                         submission_key=nonce_new())
    assert Response.objects.get(pk=response.pk).invitation_id == session.invitation.pk


def test_second_submission_of_the_same_invitation_stores_nothing(org):
    # given a submitted invitation
    wave = open_wave(org)
    token = invite(wave)
    session = _session(token)
    answering.response_submit(session=session, answers=_answers(session.instrument), language="en", submission_key=nonce_new())
    # when the same session submits again (another tab, a retry)
    again = answering.response_submit(session=session, answers=_answers(session.instrument, "2"), language="en",
                                      submission_key=nonce_new())
    # then nothing more is stored
    assert again is None
    assert Response.objects.count() == 1


def test_same_nonce_twice_on_the_open_link_is_stored_once(org):
    wave = open_wave(org, open_link_hash="x" * 64)
    session = answering.session_for(wave=wave, secret="browser-secret")
    nonce = nonce_new()
    first = answering.response_submit(session=session, answers=_answers(session.instrument), language="en", submission_key=nonce)
    second = answering.response_submit(session=session, answers=_answers(session.instrument), language="en", submission_key=nonce)
    assert first is not None and second is None
    assert Response.objects.count() == 1 and Answer.objects.count() == len(session.instrument.items)


@pytest.mark.parametrize(("change", "message"), [
    ({"nonexistent_item": "5"}, "not part of this survey"),
    ({"com_expertise": "8"}, "not possible"),
    ({"com_expertise": "0"}, "not possible"),
    ({"com_expertise": "abc"}, "not possible"),
    ({"com_expertise": ""}, "Please choose an answer"),
    ({"open_keep_doing": "x" * 2001}, "2000 characters"),
])
def test_invalid_answers_store_nothing(org, change, message):
    # given a complete set of answers with one thing wrong
    wave = open_wave(org)
    token = invite(wave)
    session = _session(token)
    answers = {**_answers(session.instrument), **change}
    # when submitted, then a form error names it and nothing is stored
    with pytest.raises(AnswerError) as caught:
        answering.response_submit(session=session, answers=answers, language="en", submission_key=nonce_new())
    assert any(message in text for text in caught.value.errors.values())
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert not Invitation.objects.get(token_hash=session.invitation.token_hash).answered


def test_a_comment_of_exactly_2000_characters_and_dont_know_are_accepted(org):
    wave = open_wave(org)
    session = _session(invite(wave))
    answers = {**_answers(session.instrument), "open_keep_doing": "y" * 2000, "com_expertise": "dk"}
    response = answering.response_submit(session=session, answers=answers, language="en", submission_key=nonce_new())
    assert Answer.objects.get(response=response, item__key="com_expertise").value is None
    assert len(Answer.objects.get(response=response, item__key="open_keep_doing").text) == 2000


@pytest.mark.parametrize("nonce", ["", "short", "x" * 65, "bad nonce with spaces!!"])
def test_a_missing_or_odd_nonce_is_a_form_error(org, nonce):
    wave = open_wave(org)
    session = _session(invite(wave))
    with pytest.raises(AnswerError):
        answering.response_submit(session=session, answers=_answers(session.instrument), language="en", submission_key=nonce)
    assert not Response.objects.exists()


def test_submit_deletes_the_draft(org):
    wave = open_wave(org)
    session = _session(invite(wave))
    answering.draft_save(session=session, answers={"com_expertise": "3"}, items=session.instrument.items, language="en")
    assert Draft.objects.count() == 1
    answering.response_submit(session=session, answers=_answers(session.instrument), language="en", submission_key=nonce_new())
    assert not Draft.objects.exists()


def _queries_for(org, n: int) -> tuple[int, list[str]]:
    wave = open_wave(org, version=version_with_items(n))
    session = _session(invite(wave))
    with CaptureQueriesContext(connection) as ctx:
        answering.response_submit(session=session, answers=_answers(session.instrument), language="en",
                                  submission_key=nonce_new())
    assert Answer.objects.filter(response__wave=wave).count() == n
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def test_query_count_does_not_grow_with_the_number_of_items(org):
    # given versions of 10 and of 30 items / when a response is submitted to each
    ten, sql = _queries_for(org, 10)
    thirty, _ = _queries_for(org, 30)
    # then both take the same small number of queries, and the answers are one INSERT
    assert ten == thirty <= 8, sql
    assert sum(1 for q in sql if 'INSERT INTO "surveys_answer"' in q) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submission_stores_one_response(org):
    # given PostgreSQL and one invitation, submitted from two threads at the same moment
    require(connection.vendor == "postgresql", "needs PostgreSQL (row locks); set DATABASE_URL")
    wave = open_wave(org)
    token = invite(wave)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            session = _session(token)
            barrier.wait(timeout=10)
            results.append(answering.response_submit(session=session, answers=_answers(session.instrument), language="en",
                                                     submission_key=nonce_new()))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then exactly one response exists and the other call was told it was already answered
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    assert Response.objects.filter(wave=wave).count() == 1
    assert Answer.objects.filter(response__wave=wave).count() == len(instrument_of(wave).items)


def test_the_whole_submit_request_takes_a_constant_number_of_queries(client, org):
    # given one-section versions of 10 and 30 items / when the page's form is sent
    from tests.surveys.respond_helpers import answers_for, nonce_of, respond_url

    counts = []
    for n in (10, 30):
        wave = open_wave(org, version=version_with_items(n))
        token = invite(wave)
        page = client.get(respond_url(token, s=1))
        data = {**answers_for(instrument_of(wave)), "action": "submit", "nonce": nonce_of(page)}
        with CaptureQueriesContext(connection) as ctx:
            sent = client.post(respond_url(token, s=1, lang="en"), data)
        assert sent.status_code == 302
        counts.append(len(ctx.captured_queries))
    # then lookup + instrument + draft + the transaction: the same small number for both
    assert counts[0] == counts[1] <= 12, "\n".join(q["sql"][:90] for q in ctx.captured_queries)
