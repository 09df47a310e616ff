"""T6 (issue 10): respondent tokens.

No raw token in a dump of every table after invitations went out; one winner among 50 concurrent final
submits of one token (PostgreSQL); a GET does not consume a link; 1,000 random guesses from one client IP
find nothing and are answered 429 after at most L (TRUSTIER_RESPOND_FAILED_PER_MINUTE); the rate limit keys
on the same client IP as login throttling; a closed wave's link expires (freezegun). Token-free logs are
T14 (tests/trustier/test_pii_in_logs.py); its `captured` fixture is reused here.
Reported line: "1000 guesses: 0 hits, 429 after ≤ L; 50 races: 1 win, 0 × 500" (printed in two halves).
"""

from __future__ import annotations

import re
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from surveys.fielding import wave_open
from surveys.forms_respond import nonce_new
from surveys.models import Invitation, Response
from surveys.tokens import token_new
from tests.conftest import require
from tests.factories import AssessmentFactory, PersonFactory, WaveFactory
from tests.surveys.respond_helpers import answer_everything, answers_for, instrument_of, invite, open_wave, respond_url
from tests.trustier.test_pii_in_logs import _text, captured  # noqa: F401 - the T14 fixture, reused
from trustier.models import OutboxMessage
from trustier.outbox import outbox_drain

LINK = re.compile(r"/r/([A-Za-z0-9_\-]{20,})/")
GUESSES = 1000
RACERS = 50


def _report(capsys, line: str) -> None:
    with capsys.disabled():
        print(f"\nT6 tokens: {line}")


def _dump() -> str:
    """Every value of every column of every table, as text (what a leaked database dump would show)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            chunks.extend(str(value) for row in cursor.fetchall() for value in row if value is not None)
    return "\n".join(chunks)


def test_no_raw_token_in_a_database_dump_or_the_logs(client, org, captured):  # noqa: F811
    # given an open wave whose invitations were sent (the outbox drained), one draft saved and one answer sent
    for i in range(5):
        PersonFactory(organisation=org, unit=org.test_units["Operations"], external_id=f"T6-{i}")
    assessment = AssessmentFactory(organisation=org)
    assessment.units.set([org.test_units["Operations"]])
    wave = WaveFactory(assessment=assessment)
    invited = wave_open(actor=None, wave=wave)
    raw = sorted({t for m in OutboxMessage.objects.filter(kind="email") for t in LINK.findall(m.payload["body"])})
    assert len(raw) == invited >= 5
    assert outbox_drain() >= invited
    instrument = instrument_of(wave)
    first = instrument.sections[0]
    assert client.post(respond_url(raw[0]), {**answers_for(instrument, first.items), "autosave": "1"}).json() == {"saved": True}
    assert answer_everything(Client(), raw[1], instrument).status_code == 302
    # when every text and JSON column of every table is dumped
    dump = _dump()
    # then no raw token is in it (only hashes), and none reached a log record
    assert dump and Response.objects.filter(wave=wave).count() == 1
    assert [t for t in raw if t in dump] == []
    logged = "\n".join(_text(record) for record in captured)
    assert [t for t in raw if t in logged] == []


def test_a_get_does_not_consume_the_link(client, org):
    # given an invitation
    wave = open_wave(org)
    token = invite(wave)
    # when its link is opened three times
    statuses = [client.get(respond_url(token)).status_code for _ in range(3)]
    # then it is still unanswered and can still be answered once
    assert statuses == [200, 200, 200]
    assert Invitation.objects.get(wave=wave).answered is False and not Response.objects.filter(wave=wave).exists()
    assert answer_everything(client, token, instrument_of(wave)).status_code == 302
    assert Response.objects.filter(wave=wave).count() == 1


def test_a_thousand_guesses_hit_nothing_and_are_throttled(client, org, settings, capsys):
    # given a real link, the configured limit L, and one client that guesses links within one minute
    limit = settings.TRUSTIER_RESPOND_FAILED_PER_MINUTE
    wave = open_wave(org)
    real = invite(wave)
    cache.clear()
    statuses = []
    with freeze_time(timezone.now()):
        # when it tries 1,000 random tokens
        statuses = [client.get(respond_url(token_new())).status_code for _ in range(GUESSES)]
        real_status = client.get(respond_url(real)).status_code
    # then none is found, the 429s start after at most L and never stop; even the real link is refused now
    hits = sum(1 for s in statuses if s == 200)
    first_429 = statuses.index(429) if 429 in statuses else None
    _report(capsys, f"{GUESSES} guesses: {hits} hits, 429 after {first_429} ≤ L={limit}; "
                    f"{statuses.count(500)} × 500")
    assert hits == 0 and set(statuses) <= {404, 429}
    assert first_429 is not None and first_429 <= limit
    assert set(statuses[first_429:]) == {429}
    assert real_status == 429


def test_the_rate_limit_keys_on_the_client_ip_behind_a_trusted_proxy(client, org, settings):
    # given one trusted proxy that appends the client's address to X-Forwarded-For
    settings.TRUSTIER_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTIER_TRUSTED_PROXY_COUNT = 1
    settings.TRUSTIER_RESPOND_FAILED_PER_MINUTE = 5
    wave = open_wave(org)
    real = invite(wave)
    cache.clear()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    with freeze_time(timezone.now()):
        # when one client behind the proxy guesses (and claims a different address left of the proxy's entry)
        guesser = [client.get(respond_url(token_new()), HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, 198.51.100.7", **proxy)
                   .status_code for i in range(8)]
        # then that client is throttled, while another client behind the same proxy still gets in
        other = client.get(respond_url(real), HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code
    assert guesser[:5] == [404] * 5 and guesser[5:] == [429] * 3
    assert other == 200


def test_a_link_of_a_wave_past_its_closing_time_is_gone(client, org):
    # given an invitation of a wave that closes in 14 days
    wave = open_wave(org)
    token = invite(wave)
    instrument = instrument_of(wave)
    last = len(instrument.sections)
    # when the respondent comes back a minute after it closed (no task has marked it closed yet)
    with freeze_time(wave.closes_at + timezone.timedelta(minutes=1)):
        page = client.get(respond_url(token))
        sent = client.post(respond_url(token, s=last, lang="en"),
                           {**answers_for(instrument, instrument.sections[-1].items), "action": "submit", "nonce": nonce_new()})
    # then the link says the wave has closed, and nothing is stored
    assert page.status_code == 410 and sent.status_code == 410
    assert not Response.objects.filter(wave=wave).exists()


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_final_submits_of_one_token_store_one_response(org, capsys):
    # given PostgreSQL and one invitation whose final submit is sent by 50 threads at the same moment
    require(connection.vendor == "postgresql", "needs PostgreSQL (row locks); set DATABASE_URL")
    wave = open_wave(org)
    token = invite(wave)
    instrument = instrument_of(wave)
    base = respond_url(token)
    for n, section in enumerate(instrument.sections[:-1], start=1):  # every earlier section saved in the draft
        assert Client().post(f"{base}?s={n}&lang=en", {**answers_for(instrument, section.items), "action": "next"}).status_code == 302
    url = respond_url(token, s=len(instrument.sections), lang="en")
    last_items = instrument.sections[-1].items
    barrier = threading.Barrier(RACERS)
    statuses, errors = [], []

    def submit():
        try:
            racer = Client(raise_request_exception=False)
            data = {**answers_for(instrument, last_items), "action": "submit", "nonce": nonce_new()}
            barrier.wait(timeout=30)
            statuses.append(racer.post(url, data).status_code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then exactly one response is stored, and every request got an answer that is not a 500
    wins = Response.objects.filter(wave=wave).count()
    _report(capsys, f"{RACERS} races: {wins} win, {statuses.count(500)} × 500 (statuses {sorted(set(statuses))})")
    assert errors == [] and len(statuses) == RACERS
    assert wins == 1 and 500 not in statuses
    assert set(statuses) <= {302, 200}
