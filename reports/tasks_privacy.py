"""The retention job (issue 10, point 2): daily, beat entry "privacy-retention" in the settings."""

from celery import shared_task


@shared_task(name="reports.tasks_privacy.retention_apply", ignore_result=True)
def retention_apply() -> dict[str, int]:
    """Delete respondent-level data of waves closed longer ago than their organisation keeps it (counts only)."""
    from reports.privacy import retention_apply as apply

    return apply()
