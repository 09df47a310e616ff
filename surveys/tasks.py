from celery import shared_task

from surveys import fielding


@shared_task(name="surveys.tasks.waves_tick", ignore_result=True)
def waves_tick() -> dict[str, int]:
    """Every minute (beat): open due waves, send due reminders, close waves whose time is up."""
    done = fielding.waves_tick()
    if done["closed"]:  # by task name: surveys does not import reports
        from trustier.outbox import outbox_enqueue_task

        outbox_enqueue_task(name="reports.tasks.snapshots_build", args=[])
    return done
