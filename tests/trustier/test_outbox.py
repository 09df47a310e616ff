"""The outbox: email and tasks leave only after commit, once, and survive a broken transport."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.db import transaction

from tests.conftest import require
from trustier.models import OutboxMessage
from trustier.outbox import _deliver_one, outbox_drain, outbox_enqueue_task


def test_email_waits_in_the_outbox_until_drained(db):
    # given an email sent by any Django code
    send_mail("Hello", "Body", "from@x.test", ["to@x.test"])
    # then nothing left yet: it is a pending outbox row
    assert len(mail.outbox) == 0 and OutboxMessage.objects.get().status == "pending"
    # when the outbox is drained twice
    assert outbox_drain() == 1
    assert outbox_drain() == 0
    # then exactly one email went out
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert OutboxMessage.objects.get().status == "sent"


def test_rolled_back_transaction_sends_nothing(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Never", "Body", "from@x.test", ["to@x.test"])
        raise RuntimeError("the change failed")
    outbox_drain()
    assert mail.outbox == [] and not OutboxMessage.objects.exists()


def test_failed_delivery_is_recorded_and_retried_later(db, settings):
    # given a transport that is down
    settings.TRUSTIER_DELIVERY_EMAIL_BACKEND = "tests.trustier.test_outbox.BrokenBackend"
    send_mail("Hello", "Body", "from@x.test", ["to@x.test"])
    # when draining
    assert outbox_drain() == 0
    # then the row waits with its error and a later retry time
    message = OutboxMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1 and "ConnectionRefusedError" in message.last_error
    assert outbox_drain() == 0  # not due yet: backoff


def test_task_rows_are_sent_to_the_broker_once(db):
    sent = []
    outbox_enqueue_task(name="trustier.tasks.ping", args=["hi"])
    outbox_drain(send_task=lambda name, args: sent.append((name, args)))
    outbox_drain(send_task=lambda name, args: sent.append((name, args)))
    assert sent == [("trustier.tasks.ping", ["hi"])]


def test_two_drains_at_once_deliver_each_message_once(transactional_db):
    for i in range(20):
        send_mail(f"m{i}", "Body", "from@x.test", ["to@x.test"])
    threads = [threading.Thread(target=outbox_drain) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(m.subject for m in mail.outbox) == sorted(f"m{i}" for i in range(20))


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp is down")


@pytest.mark.django_db(transaction=True)
def test_task_through_outbox_runs_on_a_real_worker_with_redis(settings):
    # given real Redis (CI sets REDIS_URL) and a Celery worker in this process
    require(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set")
    from celery.contrib.testing.worker import start_worker

    from trustier.celery import app

    app.conf.update(task_always_eager=False, broker_url=os.environ["REDIS_URL"], result_backend=os.environ["REDIS_URL"], task_ignore_result=False)
    app.control.purge()  # a shared Redis may hold messages of other runs; this worker must see ours first
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            # when a service writes an email and the drain task is enqueued through the outbox
            send_mail("Via Redis", "Body", "from@x.test", ["to@x.test"])
            task_row = outbox_enqueue_task(name="trustier.tasks.outbox_drain")
            _deliver_one(task_row.pk, send_task=None)  # publishes the task to Redis; the worker drains the email
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not OutboxMessage.objects.filter(kind="email", status="sent").exists():
                time.sleep(0.2)
    finally:
        app.conf.update(task_always_eager=True, task_ignore_result=True)
    # then the worker delivered the email
    email = OutboxMessage.objects.get(kind="email")
    assert email.status == "sent", (email.status, email.attempts, email.last_error, task_row.__class__.objects.get(pk=task_row.pk).status)
    assert [m.subject for m in mail.outbox] == ["Via Redis"]
