"""Every write of a 360° cycle: create, nominate, approve, open, close. Each state change is audited."""

from __future__ import annotations

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, Organisation, Person, Wave
from assessments.services import DomainError
from assessments.waves import assessment_create, wave_close, wave_schedule
from feedback import groups
from feedback.models import Cycle, Nomination, Subject
from surveys.models import InstrumentVersion
from surveys.selectors import bundled_ensure
from trustier.audit import audit_record

PERSON_INSTRUMENT = "core-person"


class FeedbackError(DomainError):
    """A 360° rule was broken; the message is safe to show."""


def person_instrument_version() -> InstrumentVersion:
    """The published version of the core person instrument shipped with Trustier (the newest)."""
    bundled_ensure()
    version = (InstrumentVersion.objects.filter(instrument__organisation=None, instrument__key=PERSON_INSTRUMENT, status="published")
               .order_by("-number").first())
    if version is None:
        raise FeedbackError(_("The 360° questionnaire is not available."))
    return version


def group_limits_clean(limits: dict | None, min_raters: int) -> dict:
    """{"peer": [min, max], …} for the anonymous groups; raises FeedbackError on nonsense."""
    clean = groups.default_group_limits()
    for group, bounds in (limits or {}).items():
        if group not in groups.ANONYMOUS_GROUPS:
            raise FeedbackError(_("Unknown rater group."))
        try:
            lo, hi = int(bounds[0]), int(bounds[1])
        except (TypeError, ValueError, IndexError):
            raise FeedbackError(_("Group limits are whole numbers.")) from None
        if lo < 0 or hi < lo or hi > 50:
            raise FeedbackError(_("Each group needs 0 ≤ minimum ≤ maximum ≤ 50."))
        clean[group] = [lo, hi]
    for group in groups.ANONYMOUS_GROUPS:
        lo, hi = clean[group]
        if 0 < lo < min_raters:
            raise FeedbackError(_("A group's minimum is 0 or at least the anonymity threshold (%(k)d).") % {"k": min_raters})
    return clean


@transaction.atomic
def cycle_create(*, actor, organisation: Organisation, name: str, subjects: list[Person], nomination_closes_at: datetime.datetime,
                 opens_at: datetime.datetime, closes_at: datetime.datetime, reminder_days: list[int] | None = None,
                 min_raters: int = 3, group_limits: dict | None = None, report_access: str = Cycle.ReportAccess.SUBJECT_MANAGER,
                 coaches=(), languages: list[str] | None = None) -> Cycle:
    """A 360° cycle: an anonymous person-audience assessment on the core person instrument, one draft wave, its subjects."""
    subjects = list(dict.fromkeys(subjects))
    if not subjects:
        raise FeedbackError(_("Choose at least one person to receive feedback."))
    if any(p.organisation_id != organisation.pk for p in subjects):
        raise FeedbackError(_("A person belongs to another organisation."))
    if min_raters < 3:
        raise FeedbackError(_("The anonymity threshold is at least 3 raters."))
    if report_access not in Cycle.ReportAccess.values:
        raise FeedbackError(_("Choose who may read the reports."))
    if timezone.is_naive(nomination_closes_at) or nomination_closes_at > opens_at:
        raise FeedbackError(_("Nominations must close before (or when) the feedback opens."))
    limits = group_limits_clean(group_limits, min_raters)
    assessment = assessment_create(actor=actor, organisation=organisation, name=name, audience=Assessment.Audience.PERSON,
                                   anonymity=Assessment.Anonymity.ANONYMOUS, instrument_version=person_instrument_version(),
                                   languages=languages)
    wave_schedule(actor=actor, assessment=assessment, opens_at=opens_at, closes_at=closes_at, reminder_days=reminder_days)
    cycle = Cycle.objects.create(assessment=assessment, min_raters=min_raters, group_limits=limits,
                                 nomination_closes_at=nomination_closes_at, report_access=report_access,
                                 created_by=actor if getattr(actor, "is_authenticated", False) else None)
    coaches = list(coaches or [])
    cycle.coaches.set(coaches)
    for person in subjects:
        subject_add(actor=actor, cycle=cycle, person=person)
    audit_record(actor=actor, organisation=organisation, verb="feedback.cycle_created", obj=cycle,
                 after={"subjects": len(subjects), "min_raters": min_raters, "group_limits": limits, "report_access": report_access,
                        "coaches": len(coaches), "nomination_closes_at": nomination_closes_at.isoformat()})
    return cycle


def subject_add(*, actor, cycle: Cycle, person: Person) -> Subject:
    """A subject; their manager (if the person has one) is nominated automatically in the group "manager"."""
    subject = Subject.objects.create(cycle=cycle, person=person)
    manager = person.manager
    if manager is not None and manager.is_active and manager.pk != person.pk:
        Nomination.objects.create(subject=subject, rater=manager, group=groups.MANAGER, status=Nomination.Status.APPROVED,
                                  proposed_by=_user(actor))
    audit_record(actor=actor, organisation=cycle.assessment.organisation, verb="feedback.subject_added", obj=subject,
                 after={"cycle": cycle.pk, "manager_nominated": manager is not None})
    return subject


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _open_for_nominations(subject: Subject) -> None:
    wave = subject.cycle.wave
    if wave is None or wave.status not in (Wave.Status.DRAFT, Wave.Status.OPEN):
        raise FeedbackError(_("This cycle is closed."))


def group_counts(subject: Subject, *, statuses=(Nomination.Status.PROPOSED, Nomination.Status.APPROVED)) -> dict[str, int]:
    rows = subject.nominations.filter(status__in=statuses).values("group").annotate(n=Count("id"))
    counts = {g: 0 for g in groups.GROUPS}
    counts.update({row["group"]: row["n"] for row in rows})
    return counts


def limits_problems(subject: Subject) -> list[str]:
    """Why the subject's nominations cannot be approved yet (groups outside their minimum and maximum)."""
    counts = group_counts(subject)
    problems = []
    for group in groups.ANONYMOUS_GROUPS:
        lo, hi = subject.cycle.limits(group)
        n = counts[group]
        if n < lo:
            problems.append(_("%(group)s: %(n)d nominated, at least %(min)d needed.") % {"group": groups.label(group), "n": n, "min": lo})
        elif n > hi:
            problems.append(_("%(group)s: %(n)d nominated, at most %(max)d allowed.") % {"group": groups.label(group), "n": n, "max": hi})
    return problems


@transaction.atomic
def nomination_propose(*, actor, subject: Subject, rater: Person, group: str, enforce_deadline: bool = False) -> Nomination:
    """Propose a rater. `enforce_deadline`: refused after the cycle's nomination deadline (subjects and managers;
    owners and consultants may still complete nominations)."""
    subject = Subject.objects.select_for_update().select_related("cycle__assessment__organisation", "person").get(pk=subject.pk)
    _open_for_nominations(subject)
    if enforce_deadline and timezone.now() > subject.cycle.nomination_closes_at:
        raise FeedbackError(_("Nominations are closed; ask the person who runs the cycle."))
    if subject.status == Subject.Status.INVITED:
        raise FeedbackError(_("The raters of this person have been invited already."))
    if group not in groups.GROUPS:
        raise FeedbackError(_("Choose a rater group."))
    if rater.organisation_id != subject.cycle.assessment.organisation_id or not rater.is_active:
        raise FeedbackError(_("This person cannot be nominated."))
    if rater.pk == subject.person_id:
        raise FeedbackError(_("The person answers about themself anyway; nominate other raters."))
    if group == groups.MANAGER and subject.nominations.filter(group=groups.MANAGER).exclude(status=Nomination.Status.REJECTED).exists():
        raise FeedbackError(_("This person has a manager rater already."))
    if group != groups.MANAGER:
        _lo, hi = subject.cycle.limits(group)
        if group_counts(subject)[group] >= hi:
            raise FeedbackError(_("%(group)s: at most %(max)d raters.") % {"group": groups.label(group), "max": hi})
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(subject=subject, rater=rater, group=group, proposed_by=_user(actor))
    except IntegrityError:
        raise FeedbackError(_("This person is nominated already.")) from None
    if subject.status == Subject.Status.APPROVED:  # a new proposal needs a new approval
        subject.status = Subject.Status.NOMINATING
        subject.save(update_fields=["status"])
    audit_record(actor=actor, organisation=subject.cycle.assessment.organisation, verb="feedback.nominated", obj=nomination,
                 after={"subject": subject.pk, "group": group})
    return nomination


@transaction.atomic
def external_rater_create(*, actor, organisation: Organisation, first_name: str, last_name: str, email: str,
                          language: str = "en") -> Person:
    """A customer or partner as a Person without unit, marked external; an existing person with this email is reused."""
    email = (email or "").strip()
    if not email or "@" not in email:
        raise FeedbackError(_("An external rater needs an email address."))
    existing = Person.objects.filter(organisation=organisation, email__iexact=email).first()
    if existing is not None:
        return existing
    person = Person.objects.create(organisation=organisation, external_id=f"ext-{uuid.uuid4().hex[:12]}", email=email,
                                   first_name=(first_name or "").strip()[:100], last_name=(last_name or "").strip()[:100],
                                   language=language if language in ("nl", "en") else "en", attributes={"external": True})
    audit_record(actor=actor, organisation=organisation, verb="feedback.external_rater_created", obj=person)
    return person


@transaction.atomic
def nomination_decide(*, actor, nomination: Nomination, approve: bool) -> Nomination:
    nomination = Nomination.objects.select_for_update().select_related("subject__cycle__assessment__organisation").get(pk=nomination.pk)
    _open_for_nominations(nomination.subject)
    if nomination.invitation_id:
        raise FeedbackError(_("This rater has been invited already."))
    before = nomination.status
    nomination.status = Nomination.Status.APPROVED if approve else Nomination.Status.REJECTED
    nomination.decided_by = _user(actor)
    nomination.save(update_fields=["status", "decided_by"])
    audit_record(actor=actor, organisation=nomination.subject.cycle.assessment.organisation, verb="feedback.nomination_decided",
                 obj=nomination, before={"status": before}, after={"status": nomination.status})
    return nomination


@transaction.atomic
def subject_approve(*, actor, subject: Subject, now: datetime.datetime | None = None) -> Subject:
    """Approve every proposed nomination of the subject; refused while a group is outside its minimum and maximum."""
    subject = Subject.objects.select_for_update().select_related("cycle__assessment__organisation").get(pk=subject.pk)
    _open_for_nominations(subject)
    problems = limits_problems(subject)
    if problems:
        raise FeedbackError(" ".join([_("Approval is not possible yet."), *problems]))
    approved = subject.nominations.filter(status=Nomination.Status.PROPOSED).update(
        status=Nomination.Status.APPROVED, decided_by=_user(actor))
    if subject.status == Subject.Status.NOMINATING:
        subject.status = Subject.Status.APPROVED
    subject.approved_by, subject.approved_at = _user(actor), now or timezone.now()
    subject.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(actor=actor, organisation=subject.cycle.assessment.organisation, verb="feedback.subject_approved", obj=subject,
                 after={"approved": approved})
    wave = subject.cycle.wave
    if wave.status == Wave.Status.OPEN:  # approved after opening: invite now
        from surveys.fielding import invite_late

        invite_late(actor=actor, wave=wave)
    return subject


def cycle_open(*, actor, cycle: Cycle, base_url: str | None = None) -> int:
    """Open the cycle's wave now: invitations to the approved subjects and their approved raters. Returns how many."""
    from surveys.fielding import wave_open

    if not cycle.subjects.filter(status=Subject.Status.APPROVED).exists():
        raise FeedbackError(_("Approve the nominations of at least one person first."))
    return wave_open(actor=actor, wave=cycle.wave, base_url=base_url)


def cycle_close(*, actor, cycle: Cycle) -> Wave:
    return wave_close(actor=actor, wave=cycle.wave)
