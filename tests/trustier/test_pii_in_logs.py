"""T14 (no PII in logs): every log record, at DEBUG, while a respondent answers, people log in (and fail to),
people are imported with their email addresses, a person is exported and erased. No email address, no raw
token and no free-text answer may appear in any record. Reported line: "L records: 0 PII hits"."""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.urls import reverse

from assessments.models import Person
from tests.factories import MembershipFactory, PersonFactory
from tests.surveys.respond_helpers import answers_for, instrument_of, invite, nonce_of, open_wave, respond_url

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CANARY = "ANSWER-CANARY-5d1e"
PASSWORD = "correct horse battery staple 42"
PEOPLE = "external_id;email;first_name;last_name;unit\nL1;lena.logs@acme.test;Lena;Logs;Sales/North\n" \
         "L2;lars.logs@acme.test;Lars;Logs;Operations\n"


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def captured():
    """A DEBUG handler on the root logger and on every logger that does not propagate to it."""
    handler, root = Capture(), logging.getLogger()
    level = root.level
    silent = [logger for logger in logging.Logger.manager.loggerDict.values()
              if isinstance(logger, logging.Logger) and not logger.propagate]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for logger in silent:
        logger.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)
    root.setLevel(level)
    for logger in silent:
        logger.removeHandler(handler)


def _text(record: logging.LogRecord) -> str:
    """Everything a handler or formatter could write: the message, its arguments, the traceback, extras."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001
        message = str(record.msg)
    exc = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
    return "\n".join([message, exc, repr({k: v for k, v in vars(record).items() if k not in ("exc_info",)})])


def _respond(client, token, wave):
    """Open the link, save a draft of the first section, then answer the rest and send (comments = CANARY)."""
    instrument = instrument_of(wave)
    url = respond_url(token)
    assert client.get(url).status_code == 200
    for n, section in enumerate(instrument.sections[:-1], start=1):
        client.post(f"{url}?s={n}&lang=en", {**answers_for(instrument, section.items, comment=CANARY), "action": "next"})
    last = len(instrument.sections)
    page = client.get(f"{url}?s={last}&lang=en")
    sent = client.post(f"{url}?s={last}&lang=en", {**answers_for(instrument, instrument.sections[-1].items, comment=CANARY),
                                                   "action": "submit", "nonce": nonce_of(page)})
    assert sent.status_code in (200, 302)


def test_no_pii_in_any_log_record(client, org, captured):
    # given an owner with a password, respondents of an anonymous and a confidential wave
    owner = MembershipFactory(organisation=org, role="owner").user
    owner.set_password(PASSWORD)
    owner.save()
    tokens = []
    for anonymity in ("anonymous", "confidential"):
        wave = open_wave(org, anonymity=anonymity)
        person = PersonFactory(organisation=org, unit=org.test_units["Sales/North"], email=f"resp.{anonymity}@acme.test")
        tokens.append(token := invite(wave, person))
        # when each one opens the link, saves a draft, submits; and opens a forged link
        _respond(client.__class__(), token, wave)
    client.get(respond_url(tokens[0][:-4] + "abcd"))
    client.get(respond_url(tokens[0]) + "copy/")
    # and someone fails to log in, then the owner logs in
    login = reverse("login")
    client.post(login, {"username": "nobody.here@acme.test", "password": "wrong"})
    client.post(login, {"username": owner.email, "password": "wrong"})
    assert client.post(login, {"username": owner.email, "password": PASSWORD}).status_code == 302
    # and imports people with email addresses
    upload = io.BytesIO(PEOPLE.encode())
    upload.name = "people.csv"
    preview = client.post(reverse("people_import", kwargs={"slug": "acme"}), {"file": upload, "create_units": "on"})
    client.post(reverse("people_import_confirm", kwargs={"slug": "acme"}), {"token": preview.context["token"]})
    # and exports a person, then erases her
    lena = Person.objects.get(external_id="L1")
    assert client.post(reverse("person_export", kwargs={"slug": "acme", "pk": lena.pk})).status_code == 200
    client.post(reverse("person_erase", kwargs={"slug": "acme", "pk": lena.pk}), {"confirm": "on"})
    # then no record holds an email address, a raw token or an answer
    hits = []
    for record in captured:
        text = _text(record)
        found = EMAIL.findall(text) + [t for t in tokens if t in text] + ([CANARY] if CANARY in text else [])
        if found:
            hits.append((record.name, record.levelname, found))
    print(f"T14 L records: {len(hits)} PII hits ({len(captured)} records captured)")
    assert len(captured) > 5, "the capture saw nothing: the test would prove nothing"
    assert hits == []
