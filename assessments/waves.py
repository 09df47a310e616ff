"""Assessments and their waves: create, schedule (also repeating), close early, extend. Every change is audited.

Status: draft → open → closed (→ released, by the reports app). Opening a wave sends invitations, which
belong to the surveys app (surveys/fielding.py `wave_open`); this module only records the transition
(`wave_mark_open`) so that it never imports surveys (the app ladder in docs/design.md §3).
"""

from __future__ import annotations

import calendar
import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, Organisation, Unit, Wave
from assessments.services import DomainError
from trustier.audit import audit_record

LANGUAGES = ("nl", "en")
MAX_REPEAT = 12


class WaveError(DomainError):
    """A wave or assessment rule was broken; the message is safe to show."""


@transaction.atomic
def assessment_create(*, actor, organisation: Organisation, name: str, audience: str, anonymity: str, instrument_version,
                      units: list[Unit] | None = None, languages: list[str] | None = None, reciprocal: bool = False) -> Assessment:
    """A new assessment on a published instrument version of this organisation or shipped with Trustier.

    `reciprocal` (inside audiences only): each wave also asks the managers in scope to rate their team as a whole
    and to predict how their team will rate the leadership (surveys/manager_forms.py)."""
    name = (name or "").strip()
    if not name:
        raise WaveError(_("An assessment needs a name."))
    if audience not in Assessment.Audience.values or anonymity not in Assessment.Anonymity.values:
        raise WaveError(_("Unknown audience or anonymity mode."))
    if reciprocal and audience != Assessment.Audience.INSIDE:
        raise WaveError(_("Only employee (inside) assessments ask managers about their team."))
    instrument = instrument_version.instrument
    if instrument_version.status != "published" or instrument.organisation_id not in (None, organisation.pk):
        raise WaveError(_("Choose a published questionnaire of this organisation or one shipped with Trustier."))
    units = list(units or [])
    if any(u.organisation_id != organisation.pk for u in units):
        raise WaveError(_("A unit belongs to another organisation."))
    languages = [code for code in LANGUAGES if code in (languages or LANGUAGES)]
    missing = [code for code in languages if code not in (instrument_version.languages or LANGUAGES)]
    if not languages or missing:
        raise WaveError(_("The questionnaire is not available in every chosen language."))
    assessment = Assessment.objects.create(organisation=organisation, name=name, audience=audience, anonymity=anonymity,
                                           instrument_version=instrument_version, languages=languages, reciprocal=bool(reciprocal),
                                           created_by=actor if getattr(actor, "is_authenticated", False) else None)
    assessment.units.set(units)
    audit_record(actor=actor, organisation=organisation, verb="assessment.created", obj=assessment,
                 after={"name": name, "audience": audience, "anonymity": anonymity, "instrument_version": instrument_version.pk,
                        "units": sorted(u.path for u in units), "languages": languages, "reciprocal": bool(reciprocal)})
    return assessment


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same wall-clock time `months` later; the 31st becomes the month's last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def parse_reminder_days(text: str) -> list[int]:
    """"3, 7" → [3, 7]; raises WaveError for anything else."""
    days = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 365:
            raise WaveError(_("Reminder days are whole numbers of days after opening, e.g. 3,7."))
        days.append(int(part))
    return sorted(set(days))


@transaction.atomic
def wave_schedule(*, actor, assessment: Assessment, opens_at: datetime.datetime, closes_at: datetime.datetime,
                  reminder_days: list[int] | None = None, invitation_text: dict | None = None,
                  repeat_months: int = 0, count: int = 1) -> list[Wave]:
    """Schedule one wave, or `count` waves `repeat_months` apart (e.g. quarterly × 4: 3, 4)."""
    if timezone.is_naive(opens_at) or timezone.is_naive(closes_at):
        raise WaveError(_("Opening and closing times need a time zone."))
    if closes_at <= opens_at:
        raise WaveError(_("A wave must close after it opens."))
    if closes_at <= timezone.now():
        raise WaveError(_("The closing time has passed already."))
    if not 1 <= count <= MAX_REPEAT or (count > 1 and not 1 <= repeat_months <= 24):
        raise WaveError(_("Repeat at most 12 times, every 1 to 24 months."))
    duration = closes_at - opens_at
    if count > 1 and add_months(opens_at, repeat_months) < opens_at + duration:
        raise WaveError(_("Repeated waves would overlap: make the wave shorter or the interval longer."))
    days = sorted({int(d) for d in (reminder_days or [])})
    if any(d <= 0 or datetime.timedelta(days=d) >= duration for d in days):
        raise WaveError(_("Every reminder must fall between opening and closing."))
    text = {code: (invitation_text or {}).get(code, "").strip() for code in LANGUAGES if (invitation_text or {}).get(code, "").strip()}
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()  # numbers stay unique under concurrency
    number = (assessment.waves.aggregate(n=Max("number"))["n"] or 0) + 1
    waves = []
    for i in range(count):
        start = add_months(opens_at, repeat_months * i) if i else opens_at
        wave = Wave.objects.create(assessment=assessment, number=number + i, opens_at=start, closes_at=start + duration,
                                   reminder_days=days, invitation_text=text)
        audit_record(actor=actor, organisation=assessment.organisation, verb="wave.scheduled", obj=wave,
                     after={"number": wave.number, "opens_at": wave.opens_at.isoformat(), "closes_at": wave.closes_at.isoformat(),
                            "reminder_days": days})
        waves.append(wave)
    return waves


def wave_mark_open(*, actor, wave: Wave, now: datetime.datetime | None = None) -> Wave:
    """Record draft → open (called by surveys.fielding.wave_open inside its transaction, with the wave locked)."""
    if wave.status != Wave.Status.DRAFT:
        raise WaveError(_("Only a wave that has not opened yet can be opened."))
    now = now or timezone.now()
    if wave.closes_at <= now:
        raise WaveError(_("This wave's closing time has passed; extend it or schedule a new wave."))
    before = {"status": wave.status, "opens_at": wave.opens_at.isoformat()}
    wave.status, wave.opened_at = Wave.Status.OPEN, now
    if wave.opens_at > now:  # opened early by hand
        wave.opens_at = now
    wave.save(update_fields=["status", "opened_at", "opens_at"])
    audit_record(actor=actor, organisation=wave.assessment.organisation, verb="wave.opened", obj=wave,
                 before=before, after={"status": wave.status, "opens_at": wave.opens_at.isoformat()})
    return wave


@transaction.atomic
def wave_close(*, actor, wave: Wave, now: datetime.datetime | None = None) -> Wave:
    """Close an open wave (early by hand, or on time by the tick). Closing twice is a no-op."""
    wave = Wave.objects.select_for_update(of=("self",)).select_related("assessment__organisation").get(pk=wave.pk)
    if wave.status != Wave.Status.OPEN:
        if wave.status == Wave.Status.CLOSED:
            return wave
        raise WaveError(_("Only an open wave can be closed."))
    now = now or timezone.now()
    before = {"status": wave.status, "closes_at": wave.closes_at.isoformat()}
    wave.status, wave.closed_at = Wave.Status.CLOSED, now
    if wave.closes_at > now:
        wave.closes_at = max(now, wave.opens_at + datetime.timedelta(seconds=1))
    wave.save(update_fields=["status", "closed_at", "closes_at"])
    audit_record(actor=actor, organisation=wave.assessment.organisation, verb="wave.closed", obj=wave,
                 before=before, after={"status": wave.status, "closes_at": wave.closes_at.isoformat()})
    return wave


@transaction.atomic
def wave_extend(*, actor, wave: Wave, closes_at: datetime.datetime) -> Wave:
    """Move the closing time later (draft or open waves)."""
    wave = Wave.objects.select_for_update(of=("self",)).select_related("assessment__organisation").get(pk=wave.pk)
    if wave.status not in (Wave.Status.DRAFT, Wave.Status.OPEN):
        raise WaveError(_("A closed wave cannot be extended."))
    if timezone.is_naive(closes_at):
        raise WaveError(_("The closing time needs a time zone."))
    if closes_at <= wave.closes_at or closes_at <= timezone.now():
        raise WaveError(_("The new closing time must be later than the current one and in the future."))
    before = {"closes_at": wave.closes_at.isoformat()}
    wave.closes_at = closes_at
    wave.save(update_fields=["closes_at"])
    audit_record(actor=actor, organisation=wave.assessment.organisation, verb="wave.extended", obj=wave,
                 before=before, after={"closes_at": closes_at.isoformat()})
    return wave
