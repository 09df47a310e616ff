"""Demo 360° cycles (idempotent): one closed cycle with a complete report, one open for nominations.

"Leadership 360° 2026" (closed): Mark Sales (the demo login manager.sales@…) rated by his manager, 5 peers, 6 direct reports,
4 customers (external) and himself — he rates himself higher on empathy than others do (a blind spot) and lower on
competence, which others, customers most, rate higher (a hidden strength). A second subject has 2 peers and 2 reports
only: below the threshold of 3 each, so the report merges them into "others". Four more leads (4 peers, 4 reports)
give the owners' overview enough raters per group. "Leadership 360° — autumn" is open for nominations.
Responses are written as `response_submit` writes them for a 360° invitation: {subject, group}, no unit, no invitation.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, Organisation, Person, Unit, Wave
from feedback import groups
from feedback.models import Cycle, Nomination, Subject
from feedback.services import person_instrument_version
from surveys.instrument_store import version_to_format
from surveys.models import Answer, Invitation, Item, Response
from surveys.tokens import token_hash, token_new

CLOSED_NAME = "Leadership 360° 2026"
OPEN_NAME = "Leadership 360° — autumn"
SUBJECT_EMAIL = "manager.sales@demo.trustier.test"
# Latent level per group (scale 1–7) and per-dimension shifts: self sees more empathy; customers see more competence.
GROUP_LEVEL = {"self": 5.0, "manager": 5.0, "peer": 5.0, "report": 4.7, "customer": 5.1, "other": 5.0}
SHIFT = {("self", "empathy"): 1.5, ("self", "competence"): -1.2, ("customer", "competence"): 1.1, ("report", "empathy"): -0.6}
COMMENTS = {
    "open_raise_trust": ["Share decisions earlier with the team.", "Listen before deciding.", "Follow up on what you promise in meetings."],
    "open_keep_doing": ["Clear priorities every Monday.", "Always available for customers.", "Knows the market very well."],
}


def _person(organisation, external_id, email, first, last, unit=None, manager=None, attributes=None) -> Person:
    person, _created = Person.objects.get_or_create(
        organisation=organisation, external_id=external_id,
        defaults={"email": email, "first_name": first, "last_name": last, "language": "en", "unit": unit, "manager": manager,
                  "attributes": attributes or {}})
    return person


@transaction.atomic
def seed_feedback_demo(organisation: Organisation, *, now: datetime.datetime | None = None) -> bool:
    """Create the demo 360° cycles once; returns False when they exist already."""
    if Cycle.objects.filter(assessment__organisation=organisation).exists():
        return False
    now = now or timezone.now()
    version = person_instrument_version()
    people = [p for p in Person.objects.filter(organisation=organisation, is_active=True, unit__isnull=False)
              .select_related("unit").order_by("external_id") if not (p.attributes or {}).get("external")]
    sales = [p for p in people if p.unit.path.startswith("Sales")]
    others = [p for p in people if not p.unit.path.startswith("Sales")]
    boss = others.pop(0)
    sales_unit = Unit.objects.filter(organisation=organisation, path="Sales").first()
    mark = _person(organisation, "DEMO-360-MARK", SUBJECT_EMAIL, "Mark", "Sales", unit=sales_unit, manager=boss)
    customers = [_person(organisation, f"DEMO-360-C{i}", f"customer{i}@client{i}.demo.test", name, "(customer)",
                         attributes={"external": True})
                 for i, name in enumerate(["Ilse", "Jeroen", "Karin", "Lucas"], start=1)]
    consultant = get_user_model().objects.filter(email="consultant@demo.trustier.test").first()

    closed = _cycle(organisation, version, CLOSED_NAME, opens=now - datetime.timedelta(days=30), status=Wave.Status.CLOSED,
                    coach=consultant)
    rng = random.Random(360)
    instrument = version_to_format(version)
    items = {item.key: item for item in Item.objects.filter(version=version)}
    responses, answers = [], []
    second = sales[-1]
    plans = [
        (mark, {groups.MANAGER: [boss], groups.PEER: others[0:5], groups.REPORT: sales[2:8], groups.CUSTOMER: customers}),
        (second, {groups.MANAGER: [second.manager] if second.manager_id else [], groups.PEER: others[5:7], groups.REPORT: sales[8:10]}),
    ]
    # Four more team leads with 4 peers and 4 reports each, so the owners' overview has pooled figures to show.
    for j in range(4):
        lead, rest = others[20 + 10 * j], others[21 + 10 * j:29 + 10 * j]
        plans.append((lead, {groups.MANAGER: [lead.manager] if lead.manager_id else [], groups.PEER: rest[:4],
                             groups.REPORT: rest[4:]}))
    wave = closed.wave
    for person, raters in plans:
        subject = Subject.objects.create(cycle=closed, person=person, status=Subject.Status.INVITED, approved_at=wave.opens_at)
        rows = [(person, groups.SELF)] + [(rater, group) for group, people_of in raters.items() for rater in people_of]
        invitations = Invitation.objects.bulk_create([
            Invitation(wave=wave, person=rater, subject_key=str(subject.pk), response_attributes={"subject": subject.pk, "group": group},
                       token_hash=token_hash(token_new()), language=rater.language, sent_at=wave.opens_at, answered=True)
            for rater, group in rows])
        subject.self_invitation = invitations[0]
        subject.save(update_fields=["self_invitation"])
        Nomination.objects.bulk_create([
            Nomination(subject=subject, rater=rater, group=group, status=Nomination.Status.APPROVED, invitation=invitation)
            for (rater, group), invitation in zip(rows[1:], invitations[1:], strict=True)])
        order = list(rows)
        rng.shuffle(order)  # insertion order must not follow the invitation order
        for _rater, group in order:
            response = Response(id=uuid.uuid4(), wave=wave, unit=None, attributes={"subject": subject.pk, "group": group}, language="en",
                                submitted_on=(wave.opens_at + datetime.timedelta(days=rng.randint(0, 13))).date(),
                                submission_key=uuid.uuid4().hex)
            responses.append(response)
            personal = 0.0 if group == groups.SELF else rng.gauss(0, 0.35)
            for spec in instrument.items:
                answer = _answer(response, items[spec.key], spec, group, personal, rng)
                if answer is not None:
                    answers.append(answer)
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers, batch_size=2000)

    pending = _cycle(organisation, version, OPEN_NAME, opens=now + datetime.timedelta(days=10), status=Wave.Status.DRAFT, coach=None)
    for person in (sales[10], others[10]):
        subject = Subject.objects.create(cycle=pending, person=person)
        if person.manager_id:
            Nomination.objects.create(subject=subject, rater=person.manager, group=groups.MANAGER, status=Nomination.Status.APPROVED)
        for rater in [p for p in others[12:16] if p.pk != person.pk][:3]:
            Nomination.objects.create(subject=subject, rater=rater, group=groups.PEER)
    return True


def _cycle(organisation, version, name, *, opens, status, coach) -> Cycle:
    assessment = Assessment.objects.create(organisation=organisation, name=name, audience=Assessment.Audience.PERSON,
                                           anonymity=Assessment.Anonymity.ANONYMOUS, instrument_version=version, languages=["nl", "en"])
    closes = opens + datetime.timedelta(days=14)
    Wave.objects.create(assessment=assessment, number=1, opens_at=opens, closes_at=closes, reminder_days=[3, 7], status=status,
                        opened_at=opens if status != Wave.Status.DRAFT else None,
                        closed_at=closes if status == Wave.Status.CLOSED else None)
    cycle = Cycle.objects.create(assessment=assessment, nomination_closes_at=opens - datetime.timedelta(days=3),
                                 report_access=Cycle.ReportAccess.SUBJECT_MANAGER_COACH if coach else Cycle.ReportAccess.SUBJECT_MANAGER)
    if coach is not None:
        cycle.coaches.add(coach)
    return cycle


def _answer(response, item, spec, group, personal, rng):
    if spec.role == "comment":
        if group in (groups.SELF, groups.MANAGER) or rng.random() > 0.5:
            return None
        return Answer(response=response, item=item, text=rng.choice(COMMENTS.get(spec.key, COMMENTS["open_keep_doing"])))
    if rng.random() < 0.03 and group != groups.SELF:
        return Answer(response=response, item=item, value=None)  # don't know
    level = GROUP_LEVEL.get(group, 5.0) + SHIFT.get((group, spec.dimension or ""), 0.0) + personal
    noise = rng.gauss(0, 0.3 if group == groups.SELF else 0.7)
    return Answer(response=response, item=item, value=min(7, max(1, round(level + noise))))
