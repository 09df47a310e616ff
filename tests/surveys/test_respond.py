"""The answering pages: link states, sections and drafts, languages, rate limit, open link, logs."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.test import Client
from django.utils import timezone

from surveys.models import Answer, Draft, Invitation, Response
from surveys.tokens import token_new
from tests.surveys.respond_helpers import answer_everything, answers_for, instrument_of, invite, nonce_of, open_wave, respond_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    try:
        cache.clear()
    except Exception:  # noqa: BLE001 - the Redis test points the cache at nothing
        pass


def test_the_first_page_shows_section_one_with_anonymity_box(client, org):
    # given an open anonymous wave
    wave = open_wave(org)
    token = invite(wave)
    # when the respondent opens the link
    response = client.get(respond_url(token, lang="en"))
    # then they see section 1, the anonymity box, fully labelled scale points and "don't know"
    html = response.content.decode()
    assert response.status_code == 200
    assert "Section 1 of 4" in html and "Your answers are anonymous" in html and "groups of at least 5 people" in html
    assert "Acme has the expertise" in html and "{organisation}" not in html
    assert html.count('type="radio"') == 8 * 8  # 7 labelled points + don't know, for 8 questions
    assert "<fieldset" in html and "<legend" in html and "Strongly agree" in html and "Don&#x27;t know" in html
    assert response["Cache-Control"] == "no-store"
    assert "Trustier" in html and 'href="/o/' not in html  # no staff navigation


def test_unknown_and_forged_tokens_look_the_same(client, org):
    # given a real invitation and two tokens that are not
    wave = open_wave(org)
    invite(wave)
    forged, unknown = client.get(respond_url(token_new())), client.get(respond_url("x"))
    # then both are the same 404 page
    assert forged.status_code == unknown.status_code == 404
    assert forged.content == unknown.content
    assert "Link not found" in forged.content.decode()


def test_an_expired_or_closed_wave_is_gone(client, org):
    wave = open_wave(org, opens_at=timezone.now() - datetime.timedelta(days=20),
                     closes_at=timezone.now() - datetime.timedelta(days=1))
    token = invite(wave)
    assert client.get(respond_url(token)).status_code == 410
    wave.closes_at = timezone.now() + datetime.timedelta(days=1)
    wave.status = "closed"
    wave.save()
    response = client.get(respond_url(token))
    assert response.status_code == 410 and "has closed" in response.content.decode()


def test_a_wave_not_yet_open_says_when(client, org):
    wave = open_wave(org, opens_at=timezone.now() + datetime.timedelta(days=2))
    response = client.get(respond_url(invite(wave)))
    assert response.status_code == 403 and "opens on" in response.content.decode()


def test_a_draft_wave_link_is_unknown(client, org):
    wave = open_wave(org, status="draft")
    assert client.get(respond_url(invite(wave))).status_code == 404


def test_next_saves_a_draft_and_the_same_link_resumes(client, org):
    # given a respondent who answers section 1 and leaves
    wave = open_wave(org)
    token = invite(wave)
    instrument = instrument_of(wave)
    first = instrument.sections[0]
    response = client.post(respond_url(token, s=1), {**answers_for(instrument, first.items, value="3"), "action": "next"})
    assert response.status_code == 302 and "s=2" in response["Location"]
    # when they open the same link later in another browser
    again = Client().get(respond_url(token))
    # then they are in section 2 and section 1 keeps their answers
    assert "Section 2 of 4" in again.content.decode()
    back = Client().get(respond_url(token, s=1))
    assert f'id="q_{first.items[0].key}-3" value="3" checked' in back.content.decode()
    assert Draft.objects.get().answers[first.items[0].key] == "3"


def test_next_with_missing_answers_shows_errors_but_keeps_the_given_ones(client, org):
    wave = open_wave(org)
    token = invite(wave)
    first = instrument_of(wave).sections[0]
    response = client.post(respond_url(token, s=1), {f"q_{first.items[0].key}": "6", "action": "next"})
    html = response.content.decode()
    assert response.status_code == 200 and "Please look at the 7 questions marked below" in html
    assert Draft.objects.get().answers == {first.items[0].key: "6"}


def test_back_saves_without_requiring_answers(client, org):
    wave = open_wave(org)
    token = invite(wave)
    response = client.post(respond_url(token, s=2), {"action": "back"})
    assert response.status_code == 302 and "s=1" in response["Location"]


def test_autosave_returns_json(client, org):
    # given the page's script posting the current section in the background
    wave = open_wave(org)
    token = invite(wave)
    first = instrument_of(wave).sections[0]
    ok = client.post(respond_url(token, s=1), {f"q_{first.items[1].key}": "dk", "autosave": "1"})
    bad = client.post(respond_url(token, s=1), {"q_nope": "1", "autosave": "1"})
    # then the draft has the answer, and tampered fields are refused
    assert ok.status_code == 200 and ok.json() == {"saved": True}
    assert bad.status_code == 400
    assert Draft.objects.get().answers == {first.items[1].key: "dk"}


def test_answering_everything_then_thank_you_then_already_answered(client, org):
    wave = open_wave(org)
    token = invite(wave)
    response = answer_everything(client, token, instrument_of(wave))
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and "Thank you!" in thanks.content.decode()
    assert "Email me a copy" not in thanks.content.decode()  # anonymous: no copy
    assert Response.objects.count() == 1 and not Draft.objects.exists()
    # and posting the same last form again stores nothing more
    again = answer_everything(Client(), token, instrument_of(wave))
    assert again.status_code == 200 and "Thank you!" in again.content.decode()
    assert Response.objects.count() == 1


def test_submit_with_an_unanswered_earlier_section_shows_that_section(client, org):
    # given a respondent who jumps to the last section without answering the first
    wave = open_wave(org)
    token = invite(wave)
    page = client.get(respond_url(token, s=4))
    response = client.post(respond_url(token, s=4), {"action": "submit", "nonce": nonce_of(page)})
    # then section 1 comes back with its errors and nothing is stored
    html = response.content.decode()
    assert response.status_code == 200 and "Section 1 of 4" in html and "Please choose an answer" in html
    assert not Response.objects.exists()
    assert f'action="/r/{token}/?s=1&amp;lang=en"' in html


BAD = {
    "tampered item": ({"q_not_an_item": "5"}, 400),
    "out of range": ({"q_open_keep_doing": "ok", "q_com_expertise": "9"}, 400),
    "oversized comment": ({"q_open_keep_doing": "z" * 2001}, 200),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_on_the_last_section_never_stores_half(client, org, case):
    # given everything answered except the last section, then a bad last POST
    wave = open_wave(org)
    token = invite(wave)
    instrument = instrument_of(wave)
    for n, section in enumerate(instrument.sections[:-1], start=1):
        client.post(respond_url(token, s=n), {**answers_for(instrument, section.items), "action": "next"})
    page = client.get(respond_url(token, s=4))
    data, status = BAD[case]
    response = client.post(respond_url(token, s=4), {**data, "action": "submit", "nonce": nonce_of(page)})
    # then a clear error, nothing stored, the invitation still open
    assert response.status_code == status
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert not Invitation.objects.get().answered


def test_csrf_is_enforced(org):
    wave = open_wave(org)
    token = invite(wave)
    client = Client(enforce_csrf_checks=True)
    assert client.post(respond_url(token, s=1), {"action": "next"}).status_code == 403
    assert not Draft.objects.exists()


def test_language_from_invitation_and_switch_keeps_the_token(client, org):
    wave = open_wave(org)
    token = invite(wave, language="nl")
    html = client.get(respond_url(token)).content.decode()
    assert "Acme heeft de kennis in huis" in html
    assert f'href="/r/{token}/?s=1&amp;lang=en"' in html
    assert "Acme has the expertise" in client.get(respond_url(token, lang="en")).content.decode()


def test_rate_limit_after_many_unknown_tokens(client, org, settings):
    # given an IP that tries many made-up links
    settings.TRUSTIER_RESPOND_FAILED_PER_MINUTE = 5
    wave = open_wave(org)
    token = invite(wave)
    for _ in range(5):
        assert client.get(respond_url(token_new())).status_code == 404
    # then even a real link answers 429 for a while
    response = client.get(respond_url(token))
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()


def test_confidential_thank_you_offers_a_copy_by_email(client, org):
    from trustier.models import OutboxMessage

    wave = open_wave(org, anonymity="confidential")
    token = invite(wave)
    page = client.get(respond_url(token, lang="en"))
    assert "Confidential, not anonymous" in page.content.decode()
    thanks = client.get(answer_everything(client, token, instrument_of(wave))["Location"])
    assert "Email me a copy of my answers" in thanks.content.decode()
    sent = client.post(f"/r/{token}/copy/", {"confirm": "on"})
    assert sent.status_code == 200 and "on its way" in sent.content.decode()
    message = OutboxMessage.objects.get(kind="email")
    assert message.payload["to"] == [Invitation.objects.get().person.email]
    assert "Acme has the expertise" in message.payload["body"]
    client.post(f"/r/{token}/copy/", {"confirm": "on"})
    assert OutboxMessage.objects.filter(kind="email").count() == 1  # once, not on every click


def test_anonymous_wave_offers_no_copy(client, org):
    wave = open_wave(org)
    token = invite(wave)
    answer_everything(client, token, instrument_of(wave))
    client.post(f"/r/{token}/copy/", {"confirm": "on"})
    from trustier.models import OutboxMessage

    assert not OutboxMessage.objects.exists()


def test_open_link_answers_once_per_browser(client, org):
    # given an outside wave's open link
    from surveys.tokens import token_hash

    raw = token_new()
    wave = open_wave(org, open_link_hash=token_hash(raw))
    instrument = instrument_of(wave)
    # when a visitor answers through it (either URL form works)
    assert client.get(f"/r/o/{raw}/").status_code == 200
    response = answer_everything(client, raw, instrument, url=f"/r/o/{raw}/")
    assert response.status_code == 302
    # then one response without unit or attributes, and the same browser cannot answer again
    stored = Response.objects.get()
    assert stored.invitation_id is None and stored.unit_id is None and stored.attributes == {}
    again = client.get(f"/r/{raw}/")
    assert "You have answered this survey from this browser" in again.content.decode()
    answer_everything(client, raw, instrument, url=f"/r/o/{raw}/")
    assert Response.objects.count() == 1
    # and another browser can
    answer_everything(Client(), raw, instrument, url=f"/r/o/{raw}/")
    assert Response.objects.count() == 2


def test_tokens_never_reach_the_logs(client, org, caplog):
    # given an expired link (410), an unknown one (404) and a CSRF failure (403)
    wave = open_wave(org, opens_at=timezone.now() - datetime.timedelta(days=20),
                     closes_at=timezone.now() - datetime.timedelta(days=1))
    token, forged = invite(wave), token_new()
    with caplog.at_level(logging.DEBUG):
        client.get(respond_url(token))
        client.get(respond_url(forged))
        Client(enforce_csrf_checks=True).post(respond_url(forged), {})
    # then the logs mention the requests without the tokens
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/r/…/" in text
    assert token not in text and forged not in text


def test_redis_unreachable_does_not_stop_answering(client, org, settings, monkeypatch):
    # given a cache and a broker that cannot be reached
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    # (not via settings.CELERY_BROKER_URL: Celery reads Django settings once, so that would leak into later tests)
    from trustier.celery import app

    monkeypatch.setattr(app, "send_task", lambda *a, **k: pytest.fail("the request path talked to the broker"))
    wave = open_wave(org)
    token = invite(wave)
    # when the respondent answers everything, then it is stored
    assert answer_everything(client, token, instrument_of(wave)).status_code == 302
    assert Response.objects.count() == 1
