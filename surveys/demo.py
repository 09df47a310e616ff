"""Demo assessments with synthetic but realistic responses, so dashboards have something to show.

Inside: four closed quarterly waves and one open wave. Trust differs per unit; an incident between
the second and third wave (a data leak) lowers integrity and reliability in wave 3, and trust
recovers partly in wave 4 and the open wave 5. Outside: one closed customer wave answered through an open link.
Responses are written the way `response_submit` writes anonymous ones: no invitation, day only.

Reciprocal trust (issue 11): the inside assessment asks felt trust ("core-inside-felt-trust") and its managers about
their team. Felt trust follows the unit's trust in its leadership, except in Support/Finance, which feels clearly
less trusted than it trusts its leadership (a felt-trust gap), and Operations/Logistics, which feels a little more
trusted. Every unit's manager (assessments/demo.py LOGINS) predicted their team's trust in them before each wave
opened and rated their team in each closed wave: Mira Operations predicts about 80 where her team gives about 45 (a
blind spot), most managers overestimate empathy a little (the known leader bias), two predict in line. The open
wave has predictions only, and one team rating answered while it is open. These rows are written directly (like
the responses): the services refuse predictions and ratings for waves that have closed.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from assessments.models import Assessment, Membership, Organisation, Person, Unit, Wave
from surveys.instrument_store import version_to_format
from surveys.manager_forms import team_form as team_form_items
from surveys.models import Answer, InstrumentVersion, Invitation, Item, ManagerPrediction, Response, TeamRating
from surveys.services import instruments_load_bundled
from surveys.tokens import token_hash, token_new

# Latent trust per top-level unit (in scale points around the neutral 4).
UNIT_LEVEL = {"Operations": -0.1, "Sales": 1.3, "Support": 0.7}
# Shift per wave for the dimensions the incident touched (wave 3 follows the incident).
INCIDENT_SHIFT = {1: 0.0, 2: 0.1, 3: -1.3, 4: -0.5, 5: -0.3}
INCIDENT_DIMENSIONS = {"integrity", "reliability"}
DIMENSION_OFFSET = {"competence": 0.4, "reliability": 0.0, "integrity": 0.1, "empathy": -0.4}
RESPONSE_RATE = {1: 0.78, 2: 0.74, 3: 0.81, 4: 0.77, 5: 0.35}
# "Don't know" rate per item; rarer about one's own leadership and manager, whom people know (a reciprocal figure
# needs all 16 leadership and felt-trust items answered, so teams keep enough people for a figure).
DONT_KNOW, DONT_KNOW_CLOSE = 0.03, 0.01
CLOSE_REFERENTS = {"leadership", "manager"}
INSIDE_INSTRUMENT = "core-inside-felt-trust"
TEAM_FORM = "module-manager-team"
# Felt trust minus trust in the leadership per leaf unit (scale points); 0 elsewhere, plus a little personal noise.
FELT_OFFSET = {"Support/Finance": -1.5, "Operations/Logistics": 0.8}
FELT_NOISE = 0.35
# Managers' trust in their team (scale points around 4, per manager's unit): about as much as the team trusts them
# in Sales and Support, clearly more in Operations; Finance's manager trusts the team least (hence its felt gap).
DOWNWARD_LEVEL = {"Operations": 1.2, "Operations/Logistics": 0.9, "Operations/Production": 0.8, "Sales": 1.0,
                  "Sales/North": 0.9, "Sales/South": 1.0, "Support": 0.6, "Support/Customer Care": 0.7,
                  "Support/Finance": -0.2}
# Predictions (POMP) = the team's mean on the leadership items + a bias per dimension + a little noise. Leaders
# overestimate empathy (§5); BLIND predicts about BLIND_LEVEL whatever the team says; IN_LINE managers have no bias.
EMPATHY_BIAS, OTHER_BIAS, PREDICTION_NOISE = 12.0, 1.0, 1.5
BLIND = {"manager.ops@demo.trustier.test"}
BLIND_LEVEL = 80.0
IN_LINE = {"lead.logistics@demo.trustier.test", "lead.south@demo.trustier.test"}
RATING_WHILE_OPEN = {"lead.care@demo.trustier.test"}  # the one team rating of the open wave
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
        waves = _inside(organisation, versions[INSIDE_INSTRUMENT], now)
        _managers(organisation, waves, versions[TEAM_FORM])
        _outside(organisation, versions["core-outside"], now)
    return True


def _inside(organisation: Organisation, version: InstrumentVersion, now: datetime.datetime) -> list[Wave]:
    assessment = Assessment.objects.create(organisation=organisation, name="Trust inside 2026",
                                           audience=Assessment.Audience.INSIDE, instrument_version=version,
                                           languages=["nl", "en"], reciprocal=True)
    waves = []
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
        waves.append(wave)
    return waves


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
    has_felt = any(spec.role == "felt_trust" for spec in instrument.items)
    responses, answers = [], []
    for unit, attributes, language, level in respondents:
        response = Response(id=uuid.uuid4(), wave=wave, unit=unit, attributes=attributes, language=language,
                            submitted_on=(wave.opens_at + datetime.timedelta(days=rng.randint(0, 13))).date(),
                            submission_key=uuid.uuid4().hex)
        responses.append(response)
        person_shift = rng.gauss(0, 0.5)
        felt = (level + person_shift + FELT_OFFSET.get(unit.path if unit else "", 0.0) + rng.gauss(0, FELT_NOISE)
                if has_felt else None)
        for spec in instrument.items:
            own = felt if spec.role == "felt_trust" else level + person_shift
            answers.append(_answer(response, items[spec.key], spec, scale, own, number, language, rng))
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create([a for a in answers if a is not None], batch_size=2000)


def _answer(response, item, spec, scale, level, number, language, rng):
    if spec.role == "comment":
        if rng.random() > 0.3:
            return None
        return Answer(response=response, item=item, text=rng.choice(COMMENTS[language]))
    if rng.random() < (DONT_KNOW_CLOSE if spec.referent in CLOSE_REFERENTS else DONT_KNOW):
        return Answer(response=response, item=item, value=None)  # don't know
    value = round(4 + level + _shift(spec.dimension, spec.role, number) + rng.gauss(0, 0.9))
    return Answer(response=response, item=item, value=min(scale.max, max(scale.min, value)))


def _shift(dimension: str | None, role: str, number: int) -> float:
    """Offset of a dimension plus the incident's dip in wave `number` (felt trust dips with trust given: after
    the leak confidential work needs a second pair of eyes)."""
    shift = DIMENSION_OFFSET.get(dimension or "", 0.0)
    if (dimension in INCIDENT_DIMENSIONS) or role in ("global_trust", "intention"):
        shift += INCIDENT_SHIFT[number] * (1.0 if dimension in INCIDENT_DIMENSIONS else 0.5)
    return shift


def _managers(organisation: Organisation, waves: list[Wave], team_form: InstrumentVersion) -> None:
    """Every manager's prediction before each wave opened and their team rating in each closed wave."""
    managers = list(Membership.objects.filter(organisation=organisation, role=Membership.Role.MANAGER)
                    .select_related("user", "unit").order_by("user__email"))
    _instrument, items = team_form_items(team_form)
    rng = random.Random(11)
    predictions, ratings = [], []
    for wave in waves:
        closed = wave.status == Wave.Status.CLOSED
        actual = _leadership_pomp(wave)
        for membership in managers:
            made = wave.opens_at - datetime.timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 8))
            predictions.append(ManagerPrediction(wave=wave, unit=membership.unit, user=membership.user,
                                                 values=_prediction(membership, actual, rng),
                                                 created_at=made, updated_at=made))
            if closed or membership.user.email in RATING_WHILE_OPEN:
                rated = wave.opens_at + datetime.timedelta(days=rng.randint(1, 14 if closed else 5), hours=rng.randint(0, 8))
                ratings.append(TeamRating(wave=wave, unit=membership.unit, user=membership.user, version=team_form,
                                          answers=_team_answers(membership.unit, items, wave.number, rng),
                                          created_at=rated, updated_at=rated))
    ManagerPrediction.objects.bulk_create(predictions)
    TeamRating.objects.bulk_create(ratings)


def _leadership_pomp(wave: Wave) -> dict[tuple[str, str], float]:
    """(unit path incl. every ancestor, dimension) → the mean answer on the leadership items on POMP: close to
    the team's upward figure, so that a prediction's label is the one it was drawn for."""
    sums: dict[tuple[str, str], list[float]] = {}
    rows = (Answer.objects.filter(response__wave=wave, item__referent="leadership", item__role="dimension",
                                  value__isnull=False)
            .values_list("response__unit__path", "item__dimension").annotate(total=Sum("value"), count=Count("value")))
    for path, dimension, total, count in rows:
        parts = (path or "").split("/")
        for depth in range(1, len(parts) + 1):
            acc = sums.setdefault(("/".join(parts[:depth]), dimension), [0.0, 0])
            acc[0], acc[1] = acc[0] + total, acc[1] + count
    return {key: (total / count - 1) / 6 * 100 for key, (total, count) in sums.items()}


def _prediction(membership: Membership, actual: dict[tuple[str, str], float], rng: random.Random) -> dict[str, int]:
    email = membership.user.email
    values = {}
    for dimension in DIMENSION_OFFSET:
        if email in BLIND:
            value = BLIND_LEVEL + rng.uniform(-3, 4)
        else:
            bias = 0.0 if email in IN_LINE else (EMPATHY_BIAS if dimension == "empathy" else OTHER_BIAS)
            value = actual.get((membership.unit.path, dimension), 50.0) + bias + rng.gauss(0, PREDICTION_NOISE)
        values[dimension] = int(round(min(100.0, max(0.0, value))))
    return values


def _team_answers(unit: Unit, items, number: int, rng: random.Random) -> dict[str, int | None]:
    """A manager's answers about their team as a whole (1–7; one rating in four has one "don't know"). The leak
    shakes the managers' trust in their team's reliability and integrity too, half as much."""
    level = DOWNWARD_LEVEL.get(unit.path, 1.0) + rng.gauss(0, 0.15)
    dont_know = rng.choice(items).key if rng.random() < 0.25 else None
    answers = {}
    for spec in items:
        if spec.key == dont_know:
            answers[spec.key] = None
            continue
        value = round(4 + level + _shift(spec.dimension, spec.role, number) / 2 + rng.gauss(0, 0.5))
        answers[spec.key] = min(7, max(1, value))
    return answers
