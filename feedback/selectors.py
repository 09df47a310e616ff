"""Reads for the 360° pages: cycles, a subject's nominations against the limits, progress (counts only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from feedback import groups
from feedback.models import Cycle, Nomination, Subject
from feedback.services import group_counts, limits_problems
from surveys.models import Invitation, Response


def cycles_for(access):
    return (Cycle.objects.filter(assessment__organisation=access.organisation).select_related("assessment")
            .annotate(n_subjects=Count("subjects", distinct=True)).order_by("-created_at", "-id"))


def my_subjects(access, user):
    """Subjects the user nominates for or approves: themself (by email) or the people they manage."""
    email = (user.email or "").strip()
    if not email:
        return Subject.objects.none()
    return (Subject.objects.filter(cycle__assessment__organisation=access.organisation)
            .filter(Q(person__email__iexact=email) | Q(person__manager__email__iexact=email))
            .select_related("cycle__assessment", "person").order_by("-cycle__created_at", "person__last_name"))


@dataclass(frozen=True)
class GroupRow:
    group: str
    label: str
    count: int
    minimum: int
    maximum: int

    @property
    def ok(self) -> bool:
        return self.minimum <= self.count <= self.maximum


def subjects_overview(cycle: Cycle) -> list[dict]:
    subjects = list(cycle.subjects.select_related("person").order_by("person__last_name", "person__first_name", "pk"))
    counts = {}
    for row in (Nomination.objects.filter(subject__cycle=cycle, status__in=[Nomination.Status.PROPOSED, Nomination.Status.APPROVED])
                .values("subject_id", "status").annotate(n=Count("id"))):
        counts.setdefault(row["subject_id"], {})[row["status"]] = row["n"]
    return [{"subject": s, "proposed": counts.get(s.pk, {}).get("proposed", 0), "approved": counts.get(s.pk, {}).get("approved", 0)}
            for s in subjects]


def nominations_page(subject: Subject) -> dict:
    counts = group_counts(subject)
    rows = []
    for group in groups.GROUPS:
        lo, hi = (0, 1) if group == groups.MANAGER else subject.cycle.limits(group)
        rows.append(GroupRow(group=group, label=str(groups.label(group)), count=counts[group], minimum=lo, maximum=hi))
    nominations = list(subject.nominations.select_related("rater", "rater__unit").order_by("group", "rater__last_name", "pk"))
    return {"rows": rows, "nominations": nominations, "problems": limits_problems(subject)}


@dataclass(frozen=True)
class ProgressRow:
    group: str
    label: str
    invited: int
    answered: int
    threshold: int | None  # None: attributed groups (self, manager) have no threshold

    @property
    def reaches(self) -> bool | None:
        return None if self.threshold is None else self.answered >= self.threshold


def progress(subject: Subject) -> list[ProgressRow]:
    """Invited and answered per rater group: counts only, never who."""
    wave = subject.cycle.wave
    invited = {row["response_attributes__group"]: row["n"] for row in
               Invitation.objects.filter(wave=wave, subject_key=str(subject.pk)).values("response_attributes__group")
               .annotate(n=Count("id"))}
    answered = {row["attributes__group"]: row["n"] for row in
                Response.objects.filter(wave=wave, attributes__subject=subject.pk).values("attributes__group").annotate(n=Count("id"))}
    k = subject.cycle.min_raters
    return [ProgressRow(group=g, label=str(groups.label(g)), invited=invited.get(g, 0), answered=answered.get(g, 0),
                        threshold=k if g in groups.ANONYMOUS_GROUPS else None)
            for g in groups.ALL_GROUPS_WITH_SELF if invited.get(g) or answered.get(g)]
