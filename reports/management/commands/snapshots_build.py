"""Build the trend snapshots now (what the nightly beat task does), e.g. right after seeding the demo."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports.tasks import snapshots_build


class Command(BaseCommand):
    help = "Score every closed wave whose responses changed and store its trend snapshots (idempotent)."

    def handle(self, *args, **options):
        result = snapshots_build()
        self.stdout.write(f"Snapshots: {result['waves_built']} waves built, {result['rows_written']} rows written.")
