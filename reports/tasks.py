from celery import shared_task


@shared_task(name="reports.tasks.snapshots_build", ignore_result=True)
def snapshots_build() -> dict[str, int]:
    """Nightly (beat) and after waves close: rebuild trend snapshots of changed waves, then send the
    alert digests of significant drops (after the build's transactions, idempotent per wave and user)."""
    from reports.alerts import alerts_send
    from reports.snapshots import snapshots_build as build

    run = build()
    return {"waves_built": run.waves_built, "rows_written": run.rows_written, "alerts_sent": alerts_send()}


@shared_task(name="reports.tasks.export_build", ignore_result=True)
def export_build(export_id: int) -> str:
    """Build one requested export (queued through the outbox when it is requested or retried)."""
    from reports.export_jobs import export_build as build

    export = build(export_id=export_id)
    return export.status if export is not None else "skipped"


@shared_task(name="reports.tasks.exports_maintain", ignore_result=True)
def exports_maintain() -> dict[str, int]:
    """Every few minutes (beat): fail jobs a killed worker left running; delete files past retention."""
    from reports.export_jobs import exports_maintain as maintain

    return maintain()
