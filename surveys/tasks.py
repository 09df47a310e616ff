from celery import shared_task

from surveys import fielding


@shared_task(name="surveys.tasks.waves_tick", ignore_result=True)
def waves_tick() -> dict[str, int]:
    """Every minute (beat): open due waves, send due reminders, close waves whose time is up."""
    return fielding.waves_tick()
