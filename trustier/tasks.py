from celery import shared_task

from trustier import outbox


@shared_task(name="trustier.tasks.outbox_drain", ignore_result=True)
def outbox_drain() -> int:
    return outbox.outbox_drain()


@shared_task(name="trustier.tasks.ping", ignore_result=False)
def ping(value: str = "pong") -> str:
    """A harmless task used by the health check and tests to prove a worker is listening."""
    return value
