"""The demo organisation with units, people and logins (idempotent). `manage.py seed_demo` (surveys) adds assessments."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assessments.incidents import incident_create
from assessments.models import Incident, Membership, Organisation, Unit
from assessments.people_import import people_import_apply
from assessments.services import membership_set

DEMO_PASSWORD = "trustier-demo-2026"
UNITS = ["Operations/Logistics", "Operations/Production", "Sales/North", "Sales/South", "Support/Customer Care", "Support/Finance"]
FIRST = ["Anna", "Bram", "Chantal", "Daan", "Eva", "Finn", "Gijs", "Hanna", "Iris", "Jasper", "Kim", "Lars", "Mila", "Noah", "Olivia", "Pim", "Roos", "Sem", "Tess", "Vince"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos", "Peters", "Hendriks"]
# Every unit has a manager (issue 11: each predicts their team's trust in them and rates their team, surveys/demo.py).
LOGINS = [
    ("owner@demo.trustier.test", "Olga Owner", Membership.Role.OWNER, None),
    ("manager.sales@demo.trustier.test", "Mark Sales", Membership.Role.MANAGER, "Sales"),
    ("manager.ops@demo.trustier.test", "Mira Operations", Membership.Role.MANAGER, "Operations"),
    ("manager.support@demo.trustier.test", "Sara Support", Membership.Role.MANAGER, "Support"),
    ("lead.logistics@demo.trustier.test", "Lotte Logistics", Membership.Role.MANAGER, "Operations/Logistics"),
    ("lead.production@demo.trustier.test", "Pieter Production", Membership.Role.MANAGER, "Operations/Production"),
    ("lead.north@demo.trustier.test", "Noor North", Membership.Role.MANAGER, "Sales/North"),
    ("lead.south@demo.trustier.test", "Sven South", Membership.Role.MANAGER, "Sales/South"),
    ("lead.care@demo.trustier.test", "Carmen Care", Membership.Role.MANAGER, "Support/Customer Care"),
    ("lead.finance@demo.trustier.test", "Frank Finance", Membership.Role.MANAGER, "Support/Finance"),
    ("consultant@demo.trustier.test", "Carla Consultant", Membership.Role.CONSULTANT, None),
]


def demo_rows(n: int = 160) -> list[dict]:  # enough respondents per wave (≥ 100) for key drivers
    rng = random.Random(42)
    rows = []
    for i in range(1, n + 1):
        unit = UNITS[(i - 1) % len(UNITS)]
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        rows.append({
            "_line": i + 1, "external_id": f"E{i:03d}", "email": f"e{i:03d}@demo.trustier.test",
            "first_name": first, "last_name": last, "language": "nl" if rng.random() < 0.7 else "en",
            "unit": unit, "manager": "" if i <= len(UNITS) else f"E{(i - 1) % len(UNITS) + 1:03d}",
            "tenure": rng.choice(["<1", "1-3", "3-10", "10+"]), "location": rng.choice(["Utrecht", "Eindhoven"]),
        })
    return rows


@transaction.atomic
def demo_organisation_seed() -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(slug="demo", defaults={"name": "Demo Care Group"})
    plan = people_import_apply(actor=None, organisation=organisation, rows=demo_rows())
    if plan.errors:
        raise RuntimeError(plan.errors)
    User = get_user_model()
    password = None  # one hash for every demo login: hashing is slow on purpose, the first start should not be
    for email, name, role, unit_path in LOGINS:
        user = User.objects.filter(email=email).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create(email=email, full_name=name, password=password)
        unit = Unit.objects.get(organisation=organisation, path=unit_path) if unit_path else None
        if not Membership.objects.filter(user=user, organisation=organisation, role=role, unit=unit).exists():
            membership_set(actor=None, organisation=organisation, user=user, role=role, unit=unit)
    demo_incident_seed(organisation)
    return organisation


DEMO_INCIDENT = "Customer data sent to the wrong recipients"


def demo_incident_seed(organisation: Organisation, *, now: datetime.datetime | None = None) -> Incident:
    """One incident between wave 2 and wave 3: wave n opens at now - (91*(5-n)+6) days (surveys/demo.py
    wave_opens), so wave 3 opens at now - 188 days and the incident is 45 days before that."""
    existing = Incident.objects.filter(organisation=organisation, title=DEMO_INCIDENT).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    owner = get_user_model().objects.filter(email=LOGINS[0][0]).first()
    return incident_create(
        actor=owner, organisation=organisation, occurred_on=(now - datetime.timedelta(days=188 + 45)).date(), title=DEMO_INCIDENT,
        dimensions=[Incident.Dimension.INTEGRITY, Incident.Dimension.RELIABILITY],
        units=list(Unit.objects.filter(organisation=organisation, path__startswith="Support")),
        description="A mail merge sent invoices with personal details of 312 customers to the wrong addresses. "
                    "Customer Care called every affected customer; the merge now needs a second pair of eyes.")
