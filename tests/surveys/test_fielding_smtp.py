"""A real SMTP round trip: open a wave, drain the outbox into an SMTP server on 127.0.0.1, read the invitation."""

from __future__ import annotations

import email
import re
import socket
from email import policy

import pytest
from aiosmtpd import controller as aiosmtpd_controller

from surveys.fielding import wave_open
from surveys.models import Invitation
from surveys.tokens import token_hash
from tests.factories import AssessmentFactory, WaveFactory
from trustier.outbox import outbox_drain


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.TRUSTIER_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield inbox
    controller.stop()


def test_invitation_arrives_over_smtp_with_a_working_link(personas, org, smtp_inbox):
    # given an open wave (S1 and O1 invited)
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
    wave_open(actor=personas["owner"], wave=wave, base_url="https://trust.example")
    # when the outbox is drained into the SMTP server
    assert outbox_drain() == 2
    # then two emails arrived, each with a link whose token hashes to one of the wave's invitations
    assert len(smtp_inbox.messages) == 2
    hashes = set(Invitation.objects.filter(wave=wave).values_list("token_hash", flat=True))
    seen = set()
    for recipients, content in smtp_inbox.messages:
        message = email.message_from_bytes(content, policy=policy.default)
        assert "Acme" in message["From"] and message["To"] == recipients[0]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        [raw] = set(re.findall(r"https://trust\.example/r/([A-Za-z0-9_\-]+)/", text))
        assert raw in html and token_hash(raw) in hashes
        seen.add(token_hash(raw))
    assert seen == hashes
