"""Alerts (issue 7, point 6): one email digest per wave and recipient listing significant drops.

After snapshots are built, the latest built wave of each assessment (built within ALERT_WINDOW, so
a crash between build and alerts is caught up by the next run, and rebuilding history after an
upgrade does not mail about old waves) is checked for published rows of the four dimensions or the
Trust Index whose verdict is "down" (the change interval lies below 0). Owners get every drop;
managers the drops of units in their subtree (tree_path prefix), and the organisation-wide row only
when their unit is the organisation's single root. Suppressed rows carry no verdict, so groups below
the threshold never appear. Each digest is one SnapshotAlert row (unique per wave and user) written in
the same transaction as its outbox email: a rebuild or a second worker never sends twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from assessments.models import Membership, Unit, Wave
from assessments.scoring.engine import HEATMAP_MEASURES
from reports.measures import measure_label
from reports.models import SnapshotAlert, SnapshotClaim, TrendSnapshot
from trustier.audit import audit_record

ALERT_WINDOW = datetime.timedelta(days=7)
BUILT_STATUSES = (Wave.Status.CLOSED, Wave.Status.RELEASED)
ALERT_ROLES = (Membership.Role.OWNER, Membership.Role.MANAGER)


@dataclass(frozen=True)
class Recipient:
    user: object
    role: str
    tree_path: str | None  # the manager's unit subtree; None for owners
    sees_organisation: bool


def alert_waves(*, now: datetime.datetime) -> list[int]:
    """Ids of waves to check: the latest built wave of each assessment, built within ALERT_WINDOW."""
    recent = list(SnapshotClaim.objects.filter(built_at__gte=now - ALERT_WINDOW)
                  .values_list("wave_id", "wave__assessment_id", "wave__number"))
    latest = dict(Wave.objects.filter(assessment_id__in={a for _, a, _ in recent}, status__in=BUILT_STATUSES)
                  .order_by().values("assessment_id").annotate(m=Max("number")).values_list("assessment_id", "m"))
    return [wave_id for wave_id, assessment_id, number in recent if latest.get(assessment_id) == number]


def drops_of(wave_ids: list[int]) -> dict[int, list[TrendSnapshot]]:
    """wave id → its published "down" rows of the heatmap measures (organisation first, then by path)."""
    rows = (TrendSnapshot.objects.filter(wave_id__in=wave_ids, cut="", suppressed=False, verdict="down",
                                         measure__in=HEATMAP_MEASURES)
            .select_related("unit", "previous_wave", "wave__assessment__organisation"))
    out: dict[int, list[TrendSnapshot]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.unit is not None, r.unit.path if r.unit else "",
                                           HEATMAP_MEASURES.index(r.measure))):
        out[row.wave_id].append(row)
    return out


def recipients_of(organisation_ids: set[int]) -> dict[int, list[Recipient]]:
    """organisation id → owners and managers (active users) who may receive alerts."""
    roots: dict[int, list[int]] = defaultdict(list)
    for org_id, unit_id in Unit.objects.filter(organisation_id__in=organisation_ids, parent__isnull=True) \
            .values_list("organisation_id", "id"):
        roots[org_id].append(unit_id)
    out: dict[int, list[Recipient]] = defaultdict(list)
    for m in (Membership.objects.filter(organisation_id__in=organisation_ids, role__in=ALERT_ROLES,
                                        user__is_active=True).select_related("user", "unit").order_by("user_id")):
        if m.role == Membership.Role.OWNER:
            out[m.organisation_id].append(Recipient(m.user, m.role, None, True))
        elif m.unit is not None:
            only_root = roots[m.organisation_id] == [m.unit_id]
            out[m.organisation_id].append(Recipient(m.user, m.role, m.unit.tree_path, only_root))
    return out


def visible_drops(recipient: Recipient, drops: list[TrendSnapshot]) -> list[TrendSnapshot]:
    """The drops a recipient is responsible for (never a unit outside a manager's subtree)."""
    if recipient.tree_path is None:
        return list(drops)
    return [r for r in drops if (r.unit is None and recipient.sees_organisation)
            or (r.unit is not None and r.unit.tree_path.startswith(recipient.tree_path))]


def dashboard_link(wave: Wave) -> str:
    organisation = wave.assessment.organisation
    return (f"{settings.TRUSTIER_SITE_URL.rstrip('/')}/o/{organisation.slug}/dashboard/"
            f"?assessment={wave.assessment_id}&wave={wave.number}")


def points(value: float) -> str:
    """One decimal, more when that would round a non-zero bound to 0 (an interval ending at -0.0 reads oddly)."""
    decimals = 1
    while decimals < 3 and value and round(value, decimals) == 0:
        decimals += 1
    return formats.number_format(value, decimals)


def render_digest(*, wave: Wave, drops: list[TrendSnapshot], language: str) -> tuple[str, str, str]:
    """(subject, text, html) of one digest, in `language`."""
    organisation = wave.assessment.organisation
    with translation.override(language):
        lines = [{"scope": row.unit.path if row.unit else organisation.name,
                  "measure": measure_label(row.measure),
                  "diff": points(row.diff), "low": points(row.diff_ci_low), "high": points(row.diff_ci_high),
                  "previous": row.previous_wave.number if row.previous_wave else ""} for row in drops]
        context = {"organisation": organisation.name, "assessment": wave.assessment.name, "wave": wave.number,
                   "drops": lines, "link": dashboard_link(wave)}
        subject = " ".join(render_to_string("reports/email/alert_subject.txt", context).split())
        text = render_to_string("reports/email/alert.txt", context)
        html = render_to_string("reports/email/alert.html", context)
    return subject, text, html


def alert_send(*, wave: Wave, recipient: Recipient, drops: list[TrendSnapshot], now: datetime.datetime) -> bool:
    """Record and queue one digest; False when this user already had the wave's digest."""
    subject, text, html = render_digest(wave=wave, drops=drops, language=recipient.user.language or "en")
    try:
        with transaction.atomic():
            SnapshotAlert.objects.create(wave=wave, user=recipient.user, sent_at=now)
            message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL,
                                             to=[recipient.user.email])
            message.attach_alternative(html, "text/html")
            message.send()
    except IntegrityError:  # sent meanwhile (another worker); the unique row keeps it at one
        return False
    return True


def alerts_send(*, now: datetime.datetime | None = None) -> int:
    """Send the pending digests of recently built waves; returns how many were sent. Idempotent."""
    now = now or timezone.now()
    drops = drops_of(alert_waves(now=now))
    if not drops:
        return 0
    waves = {wave_id: rows[0].wave for wave_id, rows in drops.items()}
    recipients = recipients_of({w.assessment.organisation_id for w in waves.values()})
    done = set(SnapshotAlert.objects.filter(wave_id__in=waves).values_list("wave_id", "user_id"))
    sent = 0
    for wave_id, wave in waves.items():
        notified = []
        for recipient in recipients.get(wave.assessment.organisation_id, []):
            mine = visible_drops(recipient, drops[wave_id])
            if not mine or (wave_id, recipient.user.pk) in done:
                continue
            if alert_send(wave=wave, recipient=recipient, drops=mine, now=now):
                notified.append({"user": recipient.user.pk, "role": recipient.role, "drops": len(mine)})
        if notified:
            audit_record(actor=None, organisation=wave.assessment.organisation, verb="snapshot.alert_sent", obj=wave,
                         after={"recipients": notified,
                                "measures": sorted({r.measure for r in drops[wave_id]})})
            sent += len(notified)
    return sent
