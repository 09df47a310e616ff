"""The managers' own forms of a reciprocal wave (issue 11): the prediction and the team rating.

A reciprocal assessment (Assessment.reciprocal, inside audience) asks every manager whose unit lies in its scope
two things per wave:

- a *prediction* of how their team will rate the leadership, per dimension on the POMP scale 0-100 (0 = the whole
  team strongly disagrees, 50 = neutral, 100 = everybody strongly agrees). It may change while the wave is a
  draft; once the wave is open a saved prediction never changes (one made during fielding is final when saved);
  after closing none can be made. Only its manager ever sees the values: the audit event carries none.
- a *team rating*: the shipped "module-manager-team" form about the team as a whole (never one person), answered
  while the wave is open and changeable until it closes. Attributed, not anonymous.

`manager_wave_get_for_user` is the one access check of the pages; the services check the same rules again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import Access
from assessments.models import Assessment, Membership, Unit, Wave
from assessments.services import DomainError
from surveys import instrument_format as fmt
from surveys.instrument_store import version_published_format
from surveys.models import InstrumentVersion, ManagerPrediction, TeamRating
from surveys.selectors import bundled_ensure
from trustier.audit import audit_record

TEAM_FORM_KEY = "module-manager-team"
PREDICTED = ("competence", "reliability", "integrity", "empathy")
POMP_MIN, POMP_MAX = 0, 100
RATED_ROLES = ("dimension", "global_trust")
SHOWN_STATUSES = (Wave.Status.DRAFT, Wave.Status.OPEN, Wave.Status.CLOSED, Wave.Status.RELEASED)

DRAFT, OPEN, CLOSED = "draft", "open", "closed"


class ManagerFormError(DomainError):
    """A prediction or team rating cannot be saved; the message is safe to show."""


# --- reads ---------------------------------------------------------------------------------------

def team_form_version() -> InstrumentVersion:
    """The latest published version of Trustier's shipped form for managers about their team."""
    bundled_ensure()
    return (InstrumentVersion.objects.filter(instrument__organisation=None, instrument__key=TEAM_FORM_KEY,
                                             status=InstrumentVersion.Status.PUBLISHED)
            .select_related("instrument").order_by("-number").first())


def team_form(version: InstrumentVersion) -> tuple[fmt.Instrument, list[fmt.Item]]:
    """(the format instrument, its closed items a manager answers) of a team form version."""
    instrument, _ids = version_published_format(version)
    return instrument, [item for item in instrument.items if item.role in RATED_ROLES]


def in_scope(unit: Unit | None, scope: Iterable[Unit]) -> bool:
    """True when `unit` lies in or below one of the scope's units (an empty scope is the whole organisation)."""
    if unit is None:
        return False
    paths = [u.tree_path for u in scope]
    return not paths or any(unit.tree_path.startswith(path) for path in paths)


def wave_phase(wave: Wave, now: datetime.datetime | None = None) -> str:
    """DRAFT before the wave opens, OPEN while people can answer, CLOSED afterwards (also past its closing time)."""
    if wave.status == Wave.Status.DRAFT:
        return DRAFT
    if wave.status == Wave.Status.OPEN and (now or timezone.now()) < wave.closes_at:
        return OPEN
    return CLOSED


@dataclass(frozen=True)
class ManagerWave:
    """One reciprocal wave as its manager sees it, with their own prediction and team rating (or None)."""

    wave: Wave
    unit: Unit
    prediction: ManagerPrediction | None
    rating: TeamRating | None
    phase: str

    @property
    def prediction_editable(self) -> bool:
        return self.phase == DRAFT or (self.phase == OPEN and self.prediction is None)

    @property
    def predicted_before_opening(self) -> bool:
        opened = self.wave.opened_at
        return self.prediction is not None and (opened is None or self.prediction.updated_at <= opened)

    @property
    def team_open(self) -> bool:
        return self.phase == OPEN


def _reciprocal_waves(organisation) -> Q:
    return Q(assessment__organisation=organisation, assessment__reciprocal=True,
             assessment__audience=Assessment.Audience.INSIDE)


def manager_waves(*, access: Access) -> list[ManagerWave]:
    """The reciprocal waves whose scope holds the manager's unit, newest first; [] for other roles. Four queries."""
    if access.role != Membership.Role.MANAGER:
        return []
    unit = access.membership.unit
    waves = [w for w in Wave.objects.filter(_reciprocal_waves(access.organisation), status__in=SHOWN_STATUSES)
             .select_related("assessment").prefetch_related("assessment__units").order_by("-opens_at", "-pk")
             if in_scope(unit, w.assessment.units.all())]
    if not waves:
        return []
    user_id = access.membership.user_id
    predictions = {p.wave_id: p for p in ManagerPrediction.objects.filter(wave__in=waves, user_id=user_id)}
    ratings = {r.wave_id: r for r in TeamRating.objects.filter(wave__in=waves, user_id=user_id)}
    now = timezone.now()
    return [ManagerWave(w, unit, predictions.get(w.pk), ratings.get(w.pk), wave_phase(w, now)) for w in waves]


def manager_wave_get_for_user(*, access: Access, pk: int) -> Wave:
    """The reciprocal wave `pk` of this organisation whose scope holds the manager's unit; Http404 otherwise
    (not a manager, a foreign or non-reciprocal wave, or the manager's unit out of scope)."""
    if access.role != Membership.Role.MANAGER:
        raise Http404
    wave = (Wave.objects.filter(_reciprocal_waves(access.organisation), pk=pk, status__in=SHOWN_STATUSES)
            .select_related("assessment__organisation").prefetch_related("assessment__units").first())
    if wave is None or not in_scope(access.membership.unit, wave.assessment.units.all()):
        raise Http404
    return wave


def manager_wave(*, access: Access, wave: Wave) -> ManagerWave:
    """The manager's view of one wave (from `manager_wave_get_for_user`): their prediction and rating."""
    user_id = access.membership.user_id
    return ManagerWave(wave, access.membership.unit, ManagerPrediction.objects.filter(wave=wave, user_id=user_id).first(),
                       TeamRating.objects.filter(wave=wave, user_id=user_id).first(), wave_phase(wave))


def managers_of_wave(wave: Wave) -> list[Membership]:
    """Manager memberships of the wave's organisation whose unit lies in the assessment's scope."""
    assessment = wave.assessment
    memberships = (Membership.objects.filter(organisation_id=assessment.organisation_id, role=Membership.Role.MANAGER)
                   .select_related("user", "unit").order_by("pk"))
    scope = list(assessment.units.all())
    return [m for m in memberships if in_scope(m.unit, scope)]


# --- checks --------------------------------------------------------------------------------------

def prediction_values_check(values: Mapping[str, object]) -> dict[str, int]:
    """Exactly the four dimensions, each a whole number 0-100; raises ManagerFormError otherwise."""
    if not isinstance(values, Mapping) or set(values) != set(PREDICTED):
        raise ManagerFormError(_("A prediction needs a number for each of the four elements of trust: competence, "
                                 "reliability, integrity and empathy."))
    cleaned = {}
    for dimension in PREDICTED:
        value = values[dimension]
        if isinstance(value, bool) or not isinstance(value, int) or not POMP_MIN <= value <= POMP_MAX:
            raise ManagerFormError(_("Each prediction is a whole number from 0 to 100."))
        cleaned[dimension] = value
    return cleaned


def team_answers_check(*, version: InstrumentVersion, answers: Mapping[str, object]) -> dict[str, int | None]:
    """Exactly the team form's closed items, each a point of its scale or None ("don't know")."""
    instrument, items = team_form(version)
    if not isinstance(answers, Mapping):
        raise ManagerFormError(_("Please answer each question about your team (or choose “don't know”)."))
    known = {item.key for item in items}
    if set(answers) - known:
        raise ManagerFormError(_("The form contained a question that is not part of the team form. "
                                 "Please reload the page and try again."))
    if known - set(answers):
        raise ManagerFormError(_("Please answer each question about your team (or choose “don't know”)."))
    cleaned: dict[str, int | None] = {}
    for item in items:
        value, scale = answers[item.key], instrument.scale_for(item)
        if value is None and scale.dont_know is not None:
            cleaned[item.key] = None
        elif isinstance(value, int) and not isinstance(value, bool) and scale.min <= value <= scale.max:
            cleaned[item.key] = value
        else:
            raise ManagerFormError(_("Please choose one of the answers shown."))
    return cleaned


# --- writes --------------------------------------------------------------------------------------

def _manager_wave_locked(*, actor, access: Access, wave: Wave) -> Wave:
    """The wave, locked, after checking again what `manager_wave_get_for_user` checks (and that actor is access's user)."""
    if access.role != Membership.Role.MANAGER or getattr(actor, "pk", None) != access.membership.user_id:
        raise ManagerFormError(_("Only a manager of a unit in this assessment's scope can fill in these forms."))
    locked = (Wave.objects.select_for_update(of=("self",)).filter(_reciprocal_waves(access.organisation), pk=wave.pk)
              .select_related("assessment__organisation").first())
    if locked is None or not in_scope(access.membership.unit, locked.assessment.units.all()):
        raise ManagerFormError(_("Only a manager of a unit in this assessment's scope can fill in these forms."))
    return locked


def _final_message(prediction: ManagerPrediction, wave: Wave) -> str:
    if wave.opened_at is None or prediction.updated_at <= wave.opened_at:
        return _("Your prediction was saved before the wave opened and no longer changes.")
    return _("Your prediction was saved during fielding and is final.")


def _saved(model, existing, *, wave: Wave, unit: Unit, actor, now: datetime.datetime, fields: dict, conflict: str):
    """The manager's row of `model` for the wave: created, or `existing` updated with `fields`."""
    if existing is None:
        try:
            with transaction.atomic():
                return model.objects.create(wave=wave, unit=unit, user=actor, created_at=now, updated_at=now, **fields)
        except IntegrityError as exc:  # a second save at the same moment
            raise ManagerFormError(conflict) from exc
    for name, value in {**fields, "unit": unit, "updated_at": now}.items():
        setattr(existing, name, value)
    existing.save(update_fields=[*fields, "unit", "updated_at"])
    return existing


@transaction.atomic
def prediction_save(*, actor, access: Access, wave: Wave, values: dict[str, int]) -> ManagerPrediction:
    """Save the manager's prediction: changeable while the wave is a draft, made once while it is open."""
    wave = _manager_wave_locked(actor=actor, access=access, wave=wave)
    cleaned = prediction_values_check(values)
    now = timezone.now()
    phase = wave_phase(wave, now)
    if phase == CLOSED:
        raise ManagerFormError(_("This wave has closed: a prediction can no longer be made or changed."))
    unit = access.membership.unit
    existing = ManagerPrediction.objects.select_for_update().filter(wave=wave, user=actor).first()
    if existing is not None and phase == OPEN:
        raise ManagerFormError(_final_message(existing, wave))
    prediction = _saved(ManagerPrediction, existing, wave=wave, unit=unit, actor=actor, now=now,
                        fields={"values": cleaned}, conflict=_("Your prediction was saved already."))
    # Private to the manager: the audit log (read by owners) never holds the values.
    audit_record(actor=actor, organisation=access.organisation, verb="reciprocal.prediction_saved", obj=wave,
                 after={"wave": wave.number, "unit": unit.path})
    return prediction


@transaction.atomic
def team_rating_save(*, actor, access: Access, wave: Wave, answers: dict[str, int | None]) -> TeamRating:
    """Save the manager's rating of their team as a whole; only while the wave is open, changeable until it closes."""
    wave = _manager_wave_locked(actor=actor, access=access, wave=wave)
    now = timezone.now()
    phase = wave_phase(wave, now)
    if phase == DRAFT:
        raise ManagerFormError(_("The team form opens with the wave."))
    if phase == CLOSED:
        raise ManagerFormError(_("This wave has closed: the team form can no longer be changed."))
    unit = access.membership.unit
    existing = TeamRating.objects.select_for_update().filter(wave=wave, user=actor).select_related("version").first()
    version = existing.version if existing is not None else team_form_version()
    cleaned = team_answers_check(version=version, answers=answers)
    rating = _saved(TeamRating, existing, wave=wave, unit=unit, actor=actor, now=now,
                    fields={"answers": cleaned, "version": version},
                    conflict=_("Your team rating was saved at the same moment from elsewhere; please try again."))
    audit_record(actor=actor, organisation=access.organisation, verb="reciprocal.team_rated", obj=wave,
                 after={"wave": wave.number, "unit": unit.path})
    return rating


# --- the email when a reciprocal wave opens (queued by surveys.fielding.wave_open) -------------------

def manager_page_path(wave: Wave) -> str:
    return reverse("manager_team_wave", kwargs={"slug": wave.assessment.organisation.slug, "pk": wave.pk})
