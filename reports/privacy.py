"""Privacy and GDPR (issue 10, point 2): retention, export and erasure of respondent-level data.

- `retention_set` / `retention_apply`: an organisation keeps respondent-level data (responses, answers, drafts,
  invitations, the emails sent to them) N months after a wave closed; the job deletes it, marks the wave
  `respondent_data_purged_at` and keeps the aggregates (TrendSnapshot, SnapshotComment): the snapshot builder
  skips purged waves.
- `person_export`: everything held about one Person (GDPR Art. 15/20). Anonymous responses are not linked to
  anyone (no invitation, no time) and are not personal data (Art. 11, Recital 26): they cannot be included.
- `person_erase`: deletes the Person, their invitations, confidential responses (with answers), drafts and the
  emails queued to them; redacts audit events about them. Aggregates already built stay as they are: they hold
  no personal data when n ≥ k, and rebuilding them one respondent lighter would let anyone comparing the two
  versions subtract the erased person's answers. So the builder's stored hash is moved on for waves that were
  up to date, and it does not rebuild them (a forced rebuild recomputes from the remaining responses).

Audit events of erasure and retention hold ids and counts only.
"""

from __future__ import annotations

import datetime
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from assessments.models import Assessment, Organisation, Person, Wave
from assessments.services import DomainError
from reports.models import SnapshotClaim
from reports.snapshots import source_hashes
from surveys.models import Answer, Draft, Invitation, Response
from surveys.tokens import draft_key_for
from trustier.audit import audit_record
from trustier.login_throttle import normalised_email
from trustier.models import AuditEvent, OutboxMessage

MAX_MONTHS = 240
ERASED = "[erased]"
# Apps above reports that hold personal data register here (e.g. feedback: 360° subjects and nominations):
# each has erase(person) -> {kind: rows deleted}, run before the person row goes, and residue(person_id) -> {kind: rows}.
ERASURE_HOOKS: list = []
EXPORT_README = (
    "This file holds everything Trustier stores about one person of an organisation: the person record, "
    "their login and roles (if their email address has a login), their invitations, the answers they gave in "
    "confidential assessments, and the audit events about them. Answers given in anonymous assessments are not "
    "included: they are stored without any link to an invitation or a person, so nobody (not even Trustier) "
    "can tell which of them are this person's. Tokens are never stored in readable form and are not included."
)


# --- retention -----------------------------------------------------------------------------------------------

@transaction.atomic
def retention_set(*, actor, organisation: Organisation, months: int | None) -> Organisation:
    """Set how many months respondent-level data is kept after a wave closes (None: keep)."""
    if months is not None and not 1 <= months <= MAX_MONTHS:
        raise DomainError(f"Choose between 1 and {MAX_MONTHS} months, or leave it empty to keep the data.")
    before = {"respondent_data_months": organisation.respondent_data_months}
    organisation.respondent_data_months = months
    organisation.save(update_fields=["respondent_data_months"])
    audit_record(actor=actor, organisation=organisation, verb="privacy.retention_set", obj=organisation,
                 before=before, after={"respondent_data_months": months})
    return organisation


def _months_before(now: datetime.datetime, months: int) -> datetime.datetime:
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    day = min(now.day, 28 if month + 1 == 2 else 30 if month + 1 in (4, 6, 9, 11) else 31)
    return now.replace(year=year, month=month + 1, day=day)


def retention_due(*, now: datetime.datetime | None = None) -> list[Wave]:
    """Closed/released waves, not purged yet, that closed more than their organisation's months ago."""
    now = now or timezone.now()
    waves = (Wave.objects.filter(status__in=(Wave.Status.CLOSED, Wave.Status.RELEASED), respondent_data_purged_at__isnull=True,
                                 assessment__organisation__respondent_data_months__isnull=False)
             .select_related("assessment__organisation").order_by("pk"))
    due = []
    for wave in waves:
        closed = wave.closed_at or wave.closes_at
        if closed < _months_before(now, wave.assessment.organisation.respondent_data_months):
            due.append(wave)
    return due


def wave_purge(*, wave: Wave, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete one wave's respondent-level rows and mark it purged; counts of deleted rows (audited)."""
    with transaction.atomic():
        wave = Wave.objects.select_for_update().get(pk=wave.pk)
        if wave.respondent_data_purged_at is not None:
            return {}
        counts = {
            "answers": Answer.objects.filter(response__wave=wave).delete()[0],
            "responses": Response.objects.filter(wave=wave).delete()[0],
            "drafts": Draft.objects.filter(wave=wave).delete()[0],
            "invitations": Invitation.objects.filter(wave=wave).delete()[0],
            # invitation and reminder emails hold addresses and working links
            "emails": OutboxMessage.objects.filter(kind=OutboxMessage.Kind.EMAIL, payload__ref__wave=wave.pk).delete()[0],
        }
        wave.respondent_data_purged_at = now or timezone.now()
        wave.save(update_fields=["respondent_data_purged_at"])
        audit_record(actor=None, organisation=wave.assessment.organisation, verb="privacy.wave_purged", obj=wave,
                     after=counts)
    return counts


def retention_apply(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The scheduled job: purge every due wave. Idempotent (a purged wave is never touched again)."""
    totals = {"waves": 0, "answers": 0, "responses": 0, "drafts": 0, "invitations": 0, "emails": 0}
    for wave in retention_due(now=now):
        counts = wave_purge(wave=wave, now=now)
        if counts:
            totals["waves"] += 1
            for key, value in counts.items():
                totals[key] += value
    return totals


# --- export --------------------------------------------------------------------------------------------------

def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _person_audit(person: Person) -> Q:
    return Q(organisation_id=person.organisation_id, object_type="person", object_id=str(person.pk))


def person_export(*, actor, person: Person) -> dict[str, Any]:
    """Everything held about `person` as a JSON-ready dict; the export itself is audited."""
    organisation = person.organisation
    user = get_user_model().objects.filter(email__iexact=person.email).first() if person.email else None
    invitations = list(Invitation.objects.filter(person=person).select_related("wave__assessment").order_by("pk"))
    responses = (Response.objects.filter(invitation__in=invitations,
                                         wave__assessment__anonymity=Assessment.Anonymity.CONFIDENTIAL)
                 .select_related("invitation", "unit").prefetch_related("answers__item").order_by("submitted_on"))
    data = {
        "readme": EXPORT_README,
        "organisation": organisation.name,
        "exported_at": _iso(timezone.now()),
        "person": {"id": person.pk, "external_id": person.external_id, "email": person.email,
                   "first_name": person.first_name, "last_name": person.last_name, "language": person.language,
                   "unit": person.unit.path if person.unit_id else None,
                   "manager": str(person.manager) if person.manager_id else None,
                   "attributes": person.attributes, "active": person.is_active, "updated_at": _iso(person.updated_at)},
        "login": None if user is None else {
            "email": user.email, "name": user.full_name, "active": user.is_active,
            "joined": _iso(user.date_joined), "last_login": _iso(user.last_login),
            "roles": [{"role": m.role, "unit": m.unit.path if m.unit_id else None}
                      for m in user.memberships.filter(organisation=organisation).select_related("unit")],
        },
        "invitations": [{"assessment": inv.wave.assessment.name, "wave": inv.wave.number,
                         "anonymity": inv.wave.assessment.anonymity, "language": inv.language,
                         "created_at": _iso(inv.created_at), "sent_at": _iso(inv.sent_at),
                         "reminders_sent": inv.reminders_sent, "answered": inv.answered} for inv in invitations],
        "confidential_responses": [{"assessment": r.invitation.wave.assessment.name, "wave": r.invitation.wave.number,
                                    "submitted_on": _iso(r.submitted_on), "language": r.language,
                                    "unit": r.unit.path if r.unit_id else None, "attributes": r.attributes,
                                    "answers": [{"item": a.item.key, "value": a.value, "text": a.text}
                                                for a in sorted(r.answers.all(), key=lambda a: a.item.key)]}
                                   for r in responses],
        "audit_events": [{"at": _iso(e.created_at), "verb": e.verb, "before": e.before, "after": e.after}
                         for e in AuditEvent.objects.filter(_person_audit(person)).order_by("created_at", "pk")],
    }
    audit_record(actor=actor, organisation=organisation, verb="person.exported", obj=person,
                 after={"invitations": len(data["invitations"]), "responses": len(data["confidential_responses"])})
    return data


# --- erasure -------------------------------------------------------------------------------------------------

def _outbox_to(email: str):
    return (OutboxMessage.objects.filter(kind=OutboxMessage.Kind.EMAIL)
            .annotate(text=Cast("payload", TextField())).filter(text__icontains=email))


def person_residue(*, person_id: int, email: str, organisation_id: int) -> dict[str, int]:
    """Rows still holding the person, per table (0 everywhere after an erasure)."""
    invitations = Invitation.objects.filter(person_id=person_id)
    hashes = list(invitations.values_list("token_hash", flat=True))
    hooked = {kind: n for hook in ERASURE_HOOKS for kind, n in hook.residue(person_id).items()}
    return hooked | {
        "person": Person.objects.filter(pk=person_id).count(),
        "invitations": invitations.count(),
        "responses": Response.objects.filter(invitation__person_id=person_id).count(),
        "answers": Answer.objects.filter(response__invitation__person_id=person_id).count(),
        "drafts": Draft.objects.filter(key__in=[draft_key_for(h) for h in hashes]).count() if hashes else 0,
        "outbox": _outbox_to(email).count() if email else 0,
        "login_records": sum(m.objects.filter(username=normalised_email(email)).count()
                             for m in (AccessAttempt, AccessFailureLog, AccessLog)) if email else 0,
        "audit_with_data": AuditEvent.objects.filter(
            Q(organisation_id=organisation_id, object_type="person", object_id=str(person_id)) & ~Q(object_repr=ERASED)
        ).count() + (AuditEvent.objects.annotate(text=Cast("after", TextField())).filter(text__icontains=email).count()
                     if email else 0),
    }


@transaction.atomic
def person_erase(*, actor, person: Person) -> dict[str, int]:
    """Erase `person` (GDPR Art. 17); the audit event holds the former id and counts only."""
    organisation, person_id, email = person.organisation, person.pk, person.email
    hashes_before = source_hashes()
    invitations = Invitation.objects.filter(person=person)
    draft_keys = [draft_key_for(h) for h in invitations.values_list("token_hash", flat=True)]
    confidential = Response.objects.filter(invitation__person=person)
    counts: dict[str, int] = {}
    for hook in ERASURE_HOOKS:  # first: a 360° subject's ratings and the invitations about them
        counts |= hook.erase(person)
    counts |= {
        "answers": Answer.objects.filter(response__in=confidential).delete()[0],
        "responses": confidential.delete()[0],
        "drafts": Draft.objects.filter(key__in=draft_keys).delete()[0] if draft_keys else 0,
        "invitations": invitations.delete()[0],
        "emails": _outbox_to(email).delete()[0] if email else 0,
        "login_records": _login_records_delete(email) if email else 0,
    }
    audit = AuditEvent.objects.filter(_person_audit(person))
    counts["audit_redacted"] = audit.update(object_repr=ERASED, before={}, after={})
    if email:  # e.g. "person.created" after={"email": ...} of other objects, or a role change mentioning them
        AuditEvent.objects.annotate(text=Cast("after", TextField())).filter(text__icontains=email).update(after={})
        AuditEvent.objects.annotate(text=Cast("before", TextField())).filter(text__icontains=email).update(before={})
    Person.objects.filter(manager=person).update(manager=None)
    person.delete()
    _keep_built_aggregates(hashes_before)
    audit_record(actor=actor, organisation=organisation, verb="person.erased", obj=None,
                 after={"person_id": person_id, **counts})
    return counts


def _login_records_delete(email: str) -> int:
    """django-axes keeps the email of every login attempt (username) with the IP: erase those of the person."""
    username = normalised_email(email)
    return sum(model.objects.filter(username=username).delete()[0] for model in (AccessAttempt, AccessFailureLog, AccessLog))


def _keep_built_aggregates(before: dict[int, str]) -> None:
    """Waves whose snapshots were up to date stay as built: their claim's hash moves to the new inputs.
    Later waves of the same assessment are included, since each hash chains the previous wave's."""
    after = source_hashes()
    claims = dict(SnapshotClaim.objects.filter(wave_id__in=before).values_list("wave_id", "source_hash"))
    for wave_id, old in before.items():
        new = after.get(wave_id)
        if new and new != old and claims.get(wave_id) == old:
            SnapshotClaim.objects.filter(wave_id=wave_id, source_hash=old).update(source_hash=new)
