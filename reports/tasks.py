from celery import shared_task


@shared_task(name="reports.tasks.snapshots_build", ignore_result=True)
def snapshots_build() -> dict[str, int]:
    """Nightly (beat) and after waves close: rebuild trend snapshots of changed waves, then send the
    alert digests of significant drops (after the build's transactions, idempotent per wave and user)."""
    from reports.alerts import alerts_send
    from reports.snapshots import snapshots_build as build

    run = build()
    return {"waves_built": run.waves_built, "rows_written": run.rows_written, "alerts_sent": alerts_send()}

