"""Draining the outbox: claim one row at a time, deliver, mark. Safe to run twice at once."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from trustier.mail import deliver_payload
from trustier.models import OutboxMessage

MAX_ATTEMPTS = 8
BATCH = 200  # bounded work per run; beat calls again a few seconds later
STALE_CLAIM = timedelta(minutes=10)  # a worker that died mid-send: its row is retried


def outbox_enqueue_task(*, name: str, args: list | None = None) -> OutboxMessage:
    """Ask for a Celery task to run once the current transaction commits."""
    return OutboxMessage.objects.create(kind=OutboxMessage.Kind.TASK, payload={"task": name, "args": args or []})


def outbox_drain(*, send_task=None) -> int:
    now = timezone.now()
    due = Q(status=OutboxMessage.Status.PENDING, available_at__lte=now) | Q(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    ids = list(OutboxMessage.objects.filter(due).order_by("id").values_list("id", flat=True)[:BATCH])
    return sum(_deliver_one(pk, send_task=send_task) for pk in ids)


def _deliver_one(pk: int, *, send_task) -> int:
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(pk=pk).filter(
        Q(status=OutboxMessage.Status.PENDING) | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    ).update(status=OutboxMessage.Status.SENDING, claimed_at=now)
    if not claimed:
        return 0  # another worker has it
    message = OutboxMessage.objects.get(pk=pk)
    try:
        if message.kind == OutboxMessage.Kind.EMAIL:
            deliver_payload(message.payload)
        else:
            _send_task(message.payload, send_task)
    except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried
        _mark_failed(message, exc)
        return 0
    sent = {"status": OutboxMessage.Status.SENT, "sent_at": timezone.now(), "attempts": message.attempts + 1}
    if message.kind == OutboxMessage.Kind.EMAIL:  # a sent body may hold a raw token (survey link, password reset)
        sent["payload"] = {**message.payload, "body": "", "alternatives": []}
    OutboxMessage.objects.filter(pk=pk).update(**sent)
    return 1


def _send_task(payload: dict, send_task) -> None:
    if send_task is None:
        from trustier.celery import app

        send_task = app.send_task
    send_task(payload["task"], args=payload.get("args", []))


def _mark_failed(message: OutboxMessage, exc: Exception) -> None:
    attempts = message.attempts + 1
    status = OutboxMessage.Status.FAILED if attempts >= MAX_ATTEMPTS else OutboxMessage.Status.PENDING
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=status,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            available_at=timezone.now() + timedelta(seconds=min(3600, 2**attempts * 15)),
        )
