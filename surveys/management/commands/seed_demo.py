"""Create (idempotently) the demo organisation: units, people, logins, and assessments with responses."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from assessments.demo import DEMO_PASSWORD, LOGINS, demo_organisation_seed
from surveys.demo import EXTRA_SEEDS, demo_assessments_seed


class Command(BaseCommand):
    help = "Create or refresh the demo organisation (safe to run again)."

    def handle(self, *args, **options):
        organisation = demo_organisation_seed()
        created = demo_assessments_seed(organisation)
        for seed in EXTRA_SEEDS:
            seed(organisation)
        self.stdout.write(self.style.SUCCESS(
            f"Demo organisation '{organisation.name}' ready: {organisation.people.count()} people, {organisation.units.count()} units, "
            f"{organisation.assessments.count()} assessments{' (created now)' if created else ''}."))
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD} as:")
        for email, _name, role, unit_path in LOGINS:
            self.stdout.write(f"  {email:40} {role}{' of ' + unit_path if unit_path else ''}")
