"""Demo assessments with synthetic but realistic responses, so dashboards have something to show.

Inside: four closed quarterly waves and one open wave. Trust differs per unit; an incident between
the second and third wave (a data leak) lowers integrity and reliability in wave 3, and trust
recovers partly in wave 4 and the open wave 5. Outside: one closed customer wave answered through an open link.
Responses are written the way `response_submit` writes anonymous ones: no invitation, day only.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, Organisation, Person, Wave
from surveys.instrument_store import version_to_format
from surveys.models import Answer, InstrumentVersion, Invitation, Item, Response
from surveys.services import instruments_load_bundled
from surveys.tokens import token_hash, token_new

# Latent trust per top-level unit (in scale points around the neutral 4).
UNIT_LEVEL = {"Operations": -0.1, "Sales": 1.3, "Support": 0.7}
# Shift per wave for the dimensions the incident touched (wave 3 follows the incident).
INCIDENT_SHIFT = {1: 0.0, 2: 0.1, 3: -1.3, 4: -0.5, 5: -0.3}
INCIDENT_DIMENSIONS = {"integrity", "reliability"}
DIMENSION_OFFSET = {"competence": 0.4, "reliability": 0.0, "integrity": 0.1, "empathy": -0.4}
RESPONSE_RATE = {1: 0.78, 2: 0.74, 3: 0.81, 4: 0.77, 5: 0.35}
WAVES = 5  # the last one is open
COMMENTS = {
    "nl": ["Meer openheid over besluiten.", "Houd de teamoverleggen vast.", "Sneller terugkoppelen na het incident.",
           "Luister naar de mensen op de werkvloer.", "De nieuwe planning werkt goed."],
    "en": ["More openness about decisions.", "Keep the team meetings.", "Report back faster after the incident.",
           "Listen to the people on the floor.", "The new planning works well."],
}


# Demo seeds of higher apps (the ladder: they register themselves, e.g. feedback/ in its AppConfig.ready);
# each takes the organisation and is idempotent. `manage.py seed_demo` runs them after the assessments.
EXTRA_SEEDS: list = []


def demo_assessments_seed(organisation: Organisation, *, now: datetime.datetime | None = None) -> bool:
    """Create the demo assessments once; returns False when they already exist."""
    if organisation.assessments.exists():
        return False
    now = now or timezone.now()
    versions = {v.instrument.key: v for v in instruments_load_bundled()}
    with transaction.atomic():
        _inside(organisation, versions["core-inside"], now)
        _outside(organisation, versions["core-outside"], now)
    return True


def _inside(organisation: Organisation, version: InstrumentVersion, now: datetime.datetime) -> None:
    assessment = Assessment.objects.create(organisation=organisation, name="Trust inside 2026",
                                           audience=Assessment.Audience.INSIDE, instrument_version=version,
                                           languages=["nl", "en"])
    people = list(Person.objects.filter(organisation=organisation, is_active=True).select_related("unit"))
    rng = random.Random(2026)
    for number in range(1, WAVES + 1):
        opens = wave_opens(number, now)
        is_open = number == WAVES
        wave = Wave.objects.create(
            assessment=assessment, number=number, opens_at=opens, closes_at=opens + datetime.timedelta(days=21),
            reminder_days=[3, 7], status=Wave.Status.OPEN if is_open else Wave.Status.CLOSED, opened_at=opens,
            closed_at=None if is_open else opens + datetime.timedelta(days=21))
        answered = {p.pk for p in people if rng.random() < RESPONSE_RATE[number]}
        Invitation.objects.bulk_create([
            Invitation(wave=wave, person=p, token_hash=token_hash(token_new()), language=p.language, sent_at=opens,
                       answered=p.pk in answered) for p in people])
        respondents = [p for p in people if p.pk in answered]
        rng.shuffle(respondents)  # insertion order must not follow the invitation order
        _responses(wave, version, [(p.unit, p.attributes, p.language, _level(p)) for p in respondents], number, rng)


def wave_opens(number: int, now: datetime.datetime) -> datetime.datetime:
    """Quarterly: the open (last) wave opened 6 days ago."""
    return now - datetime.timedelta(days=91 * (WAVES - number) + 6)


def _level(person: Person) -> float:
    top = person.unit.path.split("/")[0] if person.unit else ""
    return UNIT_LEVEL.get(top, 0.5)


def _outside(organisation: Organisation, version: InstrumentVersion, now: datetime.datetime) -> None:
    assessment = Assessment.objects.create(organisation=organisation, name="Customer trust 2026",
                                           audience=Assessment.Audience.OUTSIDE, instrument_version=version,
                                           languages=["nl", "en"])
    opens = now - datetime.timedelta(days=60)
    wave = Wave.objects.create(assessment=assessment, number=1, opens_at=opens, closes_at=opens + datetime.timedelta(days=28),
                               status=Wave.Status.CLOSED, opened_at=opens, closed_at=opens + datetime.timedelta(days=28),
                               open_link_hash=token_hash(token_new()))
    rng = random.Random(7)
    segments = [("healthcare", 1.0), ("education", 0.2)]
    respondents = [(None, {"segment": seg}, rng.choice(["nl", "nl", "en"]), level)
                   for seg, level in segments for _ in range(30 if seg == "healthcare" else 24)]
    _responses(wave, version, respondents, 1, rng)


def _responses(wave: Wave, version: InstrumentVersion, respondents, number: int, rng: random.Random) -> None:
    instrument = version_to_format(version)
    items = {item.key: item for item in Item.objects.filter(version=version)}
    scale = instrument.scale
    responses, answers = [], []
    for unit, attributes, language, level in respondents:
        response = Response(id=uuid.uuid4(), wave=wave, unit=unit, attributes=attributes, language=language,
                            submitted_on=(wave.opens_at + datetime.timedelta(days=rng.randint(0, 13))).date(),
                            submission_key=uuid.uuid4().hex)
        responses.append(response)
        person_shift = rng.gauss(0, 0.5)
        for spec in instrument.items:
            answers.append(_answer(response, items[spec.key], spec, scale, level + person_shift, number, language, rng))
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create([a for a in answers if a is not None], batch_size=2000)


def _answer(response, item, spec, scale, level, number, language, rng):
    if spec.role == "comment":
        if rng.random() > 0.3:
            return None
        return Answer(response=response, item=item, text=rng.choice(COMMENTS[language]))
    if rng.random() < 0.03:
        return Answer(response=response, item=item, value=None)  # don't know
    shift = DIMENSION_OFFSET.get(spec.dimension or "", 0.0)
    if (spec.dimension in INCIDENT_DIMENSIONS) or spec.role in ("global_trust", "intention"):
        shift += INCIDENT_SHIFT[number] * (1.0 if spec.dimension in INCIDENT_DIMENSIONS else 0.5)
    value = round(4 + level + shift + rng.gauss(0, 0.9))
    return Answer(response=response, item=item, value=min(scale.max, max(scale.min, value)))
