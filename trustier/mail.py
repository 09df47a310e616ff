"""Email goes through the outbox: the request path never waits for SMTP or the broker."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from trustier.models import OutboxMessage


class OutboxEmailBackend(BaseEmailBackend):
    """Stores each message as an OutboxMessage in the caller's transaction."""

    def send_messages(self, email_messages) -> int:
        OutboxMessage.objects.bulk_create(
            OutboxMessage(kind=OutboxMessage.Kind.EMAIL, payload=message_to_payload(m)) for m in email_messages
        )
        return len(email_messages)


def outbox_emails_create(messages, *, refs=None, batch_size: int = 1000) -> list[OutboxMessage]:
    """Many emails as outbox rows in a few INSERTs; `refs[i]` (JSON) lets the caller find row i's fate later."""
    rows = [OutboxMessage(kind=OutboxMessage.Kind.EMAIL, payload={**message_to_payload(m), **({"ref": refs[i]} if refs else {})})
            for i, m in enumerate(messages)]
    return OutboxMessage.objects.bulk_create(rows, batch_size=batch_size)


def message_to_payload(message) -> dict:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "alternatives": [[str(c), t] for c, t in getattr(message, "alternatives", [])],
    }


def deliver_payload(payload: dict) -> None:
    message = EmailMultiAlternatives(
        subject=payload["subject"], body=payload["body"], from_email=payload["from_email"], to=payload["to"],
        connection=get_connection(settings.TRUSTIER_DELIVERY_EMAIL_BACKEND),
    )
    for content, mimetype in payload.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    message.send()
