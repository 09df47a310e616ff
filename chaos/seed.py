"""Seed data for the chaos and load runs: one organisation, an owner who can log in, an open inside wave
whose raw invitation tokens stay in memory, and (for T8) a closed wave with responses to build snapshots of.

Rows are written in bulk (the same shape as `surveys.fielding` writes them), so setup takes seconds.
"""

from __future__ import annotations

import datetime
import random
import secrets
import uuid
from dataclasses import dataclass

SLUG = "chaos"
OWNER_EMAIL = "owner@chaos.test"


@dataclass
class Seed:
    wave_id: int
    tokens: list[str]
    owner_email: str
    owner_password: str
    sections: list[list[tuple[str, str]]]  # per section: (item key, role)
    closed_wave_id: int | None = None


def seed(*, invitations: int = 800, closed_responses: int = 0) -> Seed:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments.models import Assessment, Membership, Organisation, Person, Unit, Wave
    from surveys.instrument_store import version_to_format
    from surveys.models import Answer, Invitation, Item, Response
    from surveys.services import instruments_load_bundled
    from surveys.tokens import token_hash, token_new

    org = Organisation.objects.create(name="Chaos Ltd", slug=SLUG)
    units = Unit.objects.bulk_create([Unit(organisation=org, name=f"Team {i}", path=f"Team {i}") for i in range(10)])
    for unit in units:
        unit.tree_path = f"/{unit.pk}/"
    Unit.objects.bulk_update(units, ["tree_path"])
    password = secrets.token_urlsafe(16)
    owner = get_user_model().objects.create_user(OWNER_EMAIL, password)
    Membership.objects.create(user=owner, organisation=org, role="owner")
    people = Person.objects.bulk_create(
        [Person(organisation=org, external_id=f"C{i:06d}", email=f"c{i}@chaos.test", unit=units[i % 10], language="nl",
                attributes={"tenure": "1-3"}) for i in range(invitations)], batch_size=5000)
    version = {v.instrument.key: v for v in instruments_load_bundled()}["core-inside"]
    now = timezone.now()
    assessment = Assessment.objects.create(organisation=org, name="Chaos inside", instrument_version=version, languages=["nl"])
    wave = Wave.objects.create(assessment=assessment, number=1, opens_at=now - datetime.timedelta(hours=1),
                               closes_at=now + datetime.timedelta(days=14), status=Wave.Status.OPEN, opened_at=now)
    tokens = [token_new() for _ in people]
    Invitation.objects.bulk_create([Invitation(wave=wave, person=p, token_hash=token_hash(t), language="nl")
                                    for p, t in zip(people, tokens, strict=True)], batch_size=5000)
    instrument = version_to_format(version)
    sections = [[(item.key, item.role) for item in section.items] for section in instrument.sections]

    closed_id = None
    if closed_responses:
        past = Assessment.objects.create(organisation=org, name="Chaos closed", instrument_version=version, languages=["nl"])
        closed = Wave.objects.create(assessment=past, number=1, opens_at=now - datetime.timedelta(days=30),
                                     closes_at=now - datetime.timedelta(days=1), status=Wave.Status.CLOSED,
                                     opened_at=now - datetime.timedelta(days=30))
        closed_id = closed.pk
        items = list(Item.objects.filter(version=version).exclude(role="comment"))
        rng = random.Random(8)
        for start in range(0, closed_responses, 2000):
            batch = [Response(id=uuid.uuid4(), wave=closed, unit=units[i % 10], attributes={"tenure": "1-3"},
                              language="nl", submitted_on=now.date(), submission_key=uuid.uuid4().hex)
                     for i in range(start, min(start + 2000, closed_responses))]
            Response.objects.bulk_create(batch)
            Answer.objects.bulk_create([Answer(id=uuid.uuid4(), response=r, item=item, value=rng.randint(1, 7), text="")
                                        for r in batch for item in items], batch_size=10000)
    return Seed(wave_id=wave.pk, tokens=tokens, owner_email=OWNER_EMAIL, owner_password=password, sections=sections,
                closed_wave_id=closed_id)
