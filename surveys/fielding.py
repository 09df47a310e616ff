"""Fielding a wave: invitations, their emails and reminders — in bulk, through the outbox.

Opening a wave for 10,000 people is a handful of queries: one SELECT of the people in scope, batched
INSERTs of invitations and of outbox rows, and the audit events. Each email template is rendered
once per language with placeholders; the person's name and link are filled in by string
replacement. The raw token exists only in the email (its outbox row until delivered); the
invitation keeps `token_hash(raw)`.

Reminders: there is no raw token to resend, so a reminder carries a *new* token; the invitation's
hash (and any saved draft's key) moves to it in the same transaction. The newest email's link is
the one that works.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from assessments.models import Assessment, Person, Wave
from assessments.waves import WaveError, wave_close, wave_mark_open
from surveys.manager_forms import manager_page_path, managers_of_wave
from surveys.models import Draft, Invitation
from surveys.tokens import draft_key_for, token_hash, token_new
from trustier.audit import audit_record
from trustier.mail import outbox_emails_create
from trustier.models import OutboxMessage

BATCH = 1000
_GREETING = "@@trustier-greeting@@"
_LINK = "@@trustier-link@@"


@dataclass(frozen=True)
class Invitee:
    """One invitation to make for an audience whose invitees are a list (360° feedback), not everyone in scope."""

    person_id: int
    subject_key: str = ""
    response_attributes: dict = field(default_factory=dict)
    email_context: dict = field(default_factory=dict)  # extra template context, e.g. whom the questions are about


# Audiences whose invitees come from a higher app (the ladder: feedback/ registers itself in its AppConfig.ready).
# A hook has `templates` (email template folder), `invitees(wave) -> list[Invitee]`,
# `invited(wave, invitations)` (called after the invitations exist) and `email_context(invitations) -> list[dict]`.
AUDIENCE_HOOKS: dict[str, object] = {}


def respond_url(raw: str) -> str:
    """The respondent's page for a raw token (path only)."""
    try:
        return reverse("respond", kwargs={"token": raw})
    except NoReverseMatch:  # the answering pages are not mounted yet
        return f"/r/{raw}/"


def site_url() -> str:
    return getattr(settings, "TRUSTIER_SITE_URL", "http://localhost:8000").rstrip("/")


def people_in_scope(assessment: Assessment) -> QuerySet[Person]:
    """Active people of the assessment's units (and everything below them), or of the whole organisation."""
    people = Person.objects.filter(organisation_id=assessment.organisation_id, is_active=True)
    paths = list(assessment.units.values_list("tree_path", flat=True))
    if paths:
        scope = Q()
        for path in paths:
            scope |= Q(unit__tree_path__startswith=path)
        people = people.filter(scope)
    return people


@transaction.atomic
def wave_open(*, actor, wave: Wave, base_url: str | None = None, now: datetime.datetime | None = None) -> int:
    """Open a draft wave: one invitation and one email per active person in scope. Returns how many were invited."""
    wave = Wave.objects.select_for_update(of=("self",)).select_related("assessment__organisation", "assessment__created_by").get(pk=wave.pk)
    now = now or timezone.now()
    wave_mark_open(actor=actor, wave=wave, now=now)
    hook = AUDIENCE_HOOKS.get(wave.assessment.audience)
    if hook is not None:
        invited = _invite_listed(wave=wave, hook=hook, base_url=base_url, now=now)
    else:
        invited = _invite(wave=wave, people=people_in_scope(wave.assessment), base_url=base_url, now=now)
    audit_record(actor=actor, organisation=wave.assessment.organisation, verb="wave.invited", obj=wave, after={"invited": invited})
    if wave.assessment.reciprocal and wave.assessment.audience == Assessment.Audience.INSIDE:
        # issue 11: each manager in scope is asked for their prediction (final from now on) and their team rating
        _managers_notify(wave=wave, base_url=base_url)
    return invited


def _managers_notify(*, wave: Wave, base_url: str | None) -> int:
    """One email per manager in the wave's scope, in their language, linking to their prediction and team form.
    Tagged without a "wave" key: these are not invitations and stay out of the wave's delivery figures."""
    managers = managers_of_wave(wave)
    if not managers:
        return 0
    link = (base_url or site_url()).rstrip("/") + manager_page_path(wave)
    sender, rendered, messages = _sender(wave.assessment), {}, []
    for membership in managers:
        user = membership.user
        language = user.language if user.language in ("nl", "en") else "en"
        if language not in rendered:
            rendered[language] = _render(wave=wave, kind="manager_forms", language=language,
                                         extra={"link": link, "wave_number": wave.number})
        subject, text, html, greet_named, greet_plain = rendered[language]
        greeting = greet_named % {"name": user.full_name} if user.full_name else greet_plain
        messages.append(_Message(subject=subject, body=text.replace(_GREETING, greeting), from_email=sender,
                                 to=[user.email], alternatives=[(html.replace(_GREETING, escape(greeting)), "text/html")]))
    outbox_emails_create(messages, refs=[{"manager_wave": wave.pk, "user": m.user_id, "kind": "manager_forms"}
                                         for m in managers])
    audit_record(actor=None, organisation=wave.assessment.organisation, verb="reciprocal.managers_notified", obj=wave,
                 after={"wave": wave.number, "managers": len(messages)})
    return len(messages)


@transaction.atomic
def invite_late(*, actor, wave: Wave, base_url: str | None = None) -> int:
    """Invite people who entered the scope after the wave opened. Returns how many."""
    wave = Wave.objects.select_for_update(of=("self",)).select_related("assessment__organisation", "assessment__created_by").get(pk=wave.pk)
    if wave.status != Wave.Status.OPEN:
        raise WaveError(gettext("People can be invited only while the wave is open."))
    hook = AUDIENCE_HOOKS.get(wave.assessment.audience)
    if hook is not None:
        invited = _invite_listed(wave=wave, hook=hook, base_url=base_url, now=timezone.now())
        if invited:
            audit_record(actor=actor, organisation=wave.assessment.organisation, verb="wave.invited_late", obj=wave,
                         after={"invited": invited})
        return invited
    invited = _invite(wave=wave, people=people_in_scope(wave.assessment).exclude(invitations__wave=wave), base_url=base_url,
                      now=timezone.now())
    if invited:
        audit_record(actor=actor, organisation=wave.assessment.organisation, verb="wave.invited_late", obj=wave, after={"invited": invited})
    return invited


def _invite(*, wave: Wave, people: QuerySet[Person], base_url: str | None, now: datetime.datetime) -> int:
    rows = list(people.order_by("pk").values_list("pk", "email", "first_name", "language"))
    if not rows:
        return 0
    tokens = [token_new() for _ in rows]
    languages = [_language(wave.assessment, language) for *_, language in rows]
    invitations = Invitation.objects.bulk_create(
        [Invitation(wave=wave, person_id=pk, token_hash=token_hash(raw), language=language, created_at=now, sent_at=now)
         for (pk, *_), raw, language in zip(rows, tokens, languages, strict=True)],
        batch_size=BATCH,
    )
    recipients = [(email, first_name, language, raw) for (_, email, first_name, _), raw, language in zip(rows, tokens, languages, strict=True)]
    _emails_queue(wave=wave, kind="invitation", recipients=recipients, invitation_ids=[i.pk for i in invitations], base_url=base_url)
    return len(invitations)


def _invite_listed(*, wave: Wave, hook, base_url: str | None, now: datetime.datetime) -> int:
    """Invitations for a hook's listed invitees not invited yet (same person and subject key)."""
    existing = set(Invitation.objects.filter(wave=wave).values_list("person_id", "subject_key"))
    invitees = [i for i in hook.invitees(wave) if (i.person_id, i.subject_key) not in existing]
    if not invitees:
        return 0
    people = {p.pk: p for p in Person.objects.filter(pk__in={i.person_id for i in invitees}).only("pk", "email", "first_name", "language")}
    tokens = [token_new() for _ in invitees]
    languages = [_language(wave.assessment, people[i.person_id].language) for i in invitees]
    invitations = Invitation.objects.bulk_create(
        [Invitation(wave=wave, person_id=i.person_id, subject_key=i.subject_key, response_attributes=dict(i.response_attributes),
                    token_hash=token_hash(raw), language=language, created_at=now, sent_at=now)
         for i, raw, language in zip(invitees, tokens, languages, strict=True)],
        batch_size=BATCH,
    )
    hook.invited(wave, invitations)
    recipients = [(people[i.person_id].email, people[i.person_id].first_name, language, raw, i.email_context)
                  for i, raw, language in zip(invitees, tokens, languages, strict=True)]
    _emails_queue(wave=wave, kind="invitation", recipients=recipients, invitation_ids=[i.pk for i in invitations], base_url=base_url,
                  templates=hook.templates)
    return len(invitations)


def _language(assessment: Assessment, language: str) -> str:
    offered = assessment.languages or ["nl", "en"]
    return language if language in offered else offered[0]


def reminders_due(wave: Wave, now: datetime.datetime) -> int:
    """How many of the wave's reminder days have passed since it opened (0 when closed or not open)."""
    if wave.status != Wave.Status.OPEN or wave.opened_at is None or now >= wave.closes_at:
        return 0
    return sum(1 for day in wave.reminder_days or [] if wave.opened_at + datetime.timedelta(days=int(day)) <= now)


@transaction.atomic
def reminders_send(*, wave: Wave, now: datetime.datetime | None = None, base_url: str | None = None) -> int:
    """Remind those who have not answered, once per reminder day that has passed (a missed day is not sent twice)."""
    now = now or timezone.now()
    wave = Wave.objects.select_for_update(of=("self",)).select_related("assessment__organisation", "assessment__created_by").get(pk=wave.pk)
    due = reminders_due(wave, now)
    if not due:
        return 0
    invitations = list(Invitation.objects.select_for_update(of=("self",)).filter(wave=wave, answered=False, reminders_sent__lt=due)
                       .select_related("person").order_by("pk"))
    if not invitations:
        return 0
    tokens = [token_new() for _ in invitations]
    new_hash = {inv.token_hash: token_hash(raw) for inv, raw in zip(invitations, tokens, strict=True)}
    new_draft_key = {draft_key_for(old): draft_key_for(new) for old, new in new_hash.items()}
    drafts = list(Draft.objects.filter(key__in=list(new_draft_key)))
    for draft in drafts:
        draft.key = new_draft_key[draft.key]
    Draft.objects.bulk_update(drafts, ["key"], batch_size=BATCH)
    for inv in invitations:
        inv.token_hash, inv.reminders_sent = new_hash[inv.token_hash], due
    Invitation.objects.bulk_update(invitations, ["token_hash", "reminders_sent"], batch_size=BATCH)
    recipients = [(inv.person.email, inv.person.first_name, inv.language, raw) for inv, raw in zip(invitations, tokens, strict=True)]
    templates = "surveys/emails"
    hook = AUDIENCE_HOOKS.get(wave.assessment.audience)
    if hook is not None:
        templates = hook.templates
        recipients = [(*r, extra) for r, extra in zip(recipients, hook.email_context(invitations), strict=True)]
    _emails_queue(wave=wave, kind="reminder", recipients=recipients, invitation_ids=[i.pk for i in invitations], base_url=base_url,
                  templates=templates)
    audit_record(actor=None, organisation=wave.assessment.organisation, verb="wave.reminded", obj=wave,
                 after={"reminder": due, "sent": len(invitations)})
    return len(invitations)


def _emails_queue(*, wave: Wave, kind: str, recipients, invitation_ids: list[int], base_url: str | None,
                  templates: str = "surveys/emails") -> None:
    """One outbox row per recipient; each template rendered once per language (and per distinct extra context)."""
    base = (base_url or site_url()).rstrip("/")
    rendered = {}
    sender = _sender(wave.assessment)
    messages = []
    for email, first_name, language, raw, *rest in recipients:
        extra = rest[0] if rest else {}
        key = (language, tuple(sorted(extra.items())))
        if key not in rendered:
            rendered[key] = _render(wave=wave, kind=kind, language=language, extra=extra, templates=templates)
        subject, text, html, greet_named, greet_plain = rendered[key]
        greeting = greet_named % {"name": first_name} if first_name else greet_plain
        link = base + respond_url(raw)
        messages.append(_Message(
            subject=subject,
            body=text.replace(_GREETING, greeting).replace(_LINK, link),
            from_email=sender,
            to=[email],
            alternatives=[(html.replace(_GREETING, escape(greeting)).replace(_LINK, escape(link)), "text/html")],
        ))
    outbox_emails_create(messages, refs=[{"wave": wave.pk, "invitation": pk, "kind": kind} for pk in invitation_ids], batch_size=BATCH)


class _Message:
    """What `message_to_payload` reads from an EmailMultiAlternatives, without building 10,000 of them."""

    __slots__ = ("subject", "body", "from_email", "to", "alternatives")

    def __init__(self, *, subject, body, from_email, to, alternatives):
        self.subject, self.body, self.from_email, self.to, self.alternatives = subject, body, from_email, to, alternatives


def _sender(assessment: Assessment) -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((f"{assessment.organisation.name} via Trustier", address or "trustier@localhost"))


def _render(*, wave: Wave, kind: str, language: str, extra: dict | None = None,
            templates: str = "surveys/emails") -> tuple[str, str, str, str, str]:
    assessment = wave.assessment
    creator = assessment.created_by
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        context = {
            "organisation": assessment.organisation.name,
            "sender": (creator.full_name or creator.email) if creator else assessment.organisation.name,
            "custom_text": (wave.invitation_text or {}).get(language, ""),
            "greeting": _GREETING,
            "link": _LINK,
            "closes": formats.date_format(timezone.localtime(wave.closes_at), "DATETIME_FORMAT"),
            "anonymous": assessment.anonymity == Assessment.Anonymity.ANONYMOUS,
            "min_group_size": assessment.organisation.min_group_size,
            "assessment": assessment.name,
            **(extra or {}),
        }
        subject = " ".join(render_to_string(f"{templates}/{kind}_subject.txt", context).split())
        text = render_to_string(f"{templates}/{kind}.txt", context)
        html = render_to_string(f"{templates}/{kind}.html", context)
        greet_named, greet_plain = gettext("Hello %(name)s,"), gettext("Hello,")
    return subject, text, html, greet_named, greet_plain


def invitation_failures_sync(*, wave: Wave) -> int:
    """Copy the outbox's final delivery failures onto the invitations (Invitation.last_error). Returns how many failed."""
    failed = dict(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.EMAIL, status=OutboxMessage.Status.FAILED, payload__ref__wave=wave.pk)
                  .values_list("payload__ref__invitation", "last_error"))
    if failed:
        invitations = list(Invitation.objects.filter(wave=wave, pk__in=list(failed)).exclude(last_error__in=set(failed.values())))
        for inv in invitations:
            inv.last_error = failed[inv.pk][:2000] or "failed"
        Invitation.objects.bulk_update(invitations, ["last_error"], batch_size=BATCH)
    return len(failed)


def wave_delivery(*, wave: Wave) -> dict:
    """Emails of this wave still waiting, being retried, or given up on."""
    rows = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.EMAIL, payload__ref__wave=wave.pk)
    return {
        "waiting": rows.filter(status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING], attempts=0).count(),
        "retrying": rows.filter(status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING], attempts__gt=0).count(),
        "failed": rows.filter(status=OutboxMessage.Status.FAILED).count(),
    }


@transaction.atomic
def wave_open_link_new(*, actor, wave: Wave) -> str:
    """A new open link for an outside audience (the old one stops working). Returns the raw token: show it once."""
    wave = Wave.objects.select_for_update(of=("self",)).select_related("assessment__organisation").get(pk=wave.pk)
    if wave.assessment.audience != Assessment.Audience.OUTSIDE:
        raise WaveError(gettext("Open links are for outside audiences only."))
    if wave.status not in (Wave.Status.DRAFT, Wave.Status.OPEN):
        raise WaveError(gettext("This wave is closed."))
    raw = token_new()
    replaced = bool(wave.open_link_hash)
    wave.open_link_hash = token_hash(raw)
    wave.save(update_fields=["open_link_hash"])
    audit_record(actor=actor, organisation=wave.assessment.organisation, verb="wave.open_link_created", obj=wave, after={"replaced": replaced})
    return raw


def waves_tick(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Open due waves, send due reminders, close waves whose time is up. Safe to run twice (or at once)."""
    now = now or timezone.now()
    done = {"opened": 0, "reminded": 0, "closed": 0}
    for wave in Wave.objects.filter(status=Wave.Status.DRAFT, opens_at__lte=now, closes_at__gt=now).order_by("pk"):
        try:
            wave_open(actor=None, wave=wave, now=now)
        except WaveError:
            continue  # someone else opened it in the meantime
        done["opened"] += 1
    for wave in Wave.objects.filter(status=Wave.Status.OPEN, closes_at__lte=now).order_by("pk"):
        wave_close(actor=None, wave=wave, now=now)
        done["closed"] += 1
    for wave in Wave.objects.filter(status=Wave.Status.OPEN).order_by("pk"):
        done["reminded"] += reminders_send(wave=wave, now=now)
        invitation_failures_sync(wave=wave)
    return done
