"""One access-checked getter per 360° object. Not a member or another organisation → 404; no right → 403."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from assessments.access import Access
from assessments.models import Membership
from feedback.models import Cycle, Nomination, Subject

Role = Membership.Role
MANAGE_CYCLES = {Role.OWNER, Role.CONSULTANT}


def can_manage_cycles(access: Access) -> bool:
    return access.role in MANAGE_CYCLES


def cycle_get_for_user(*, access: Access, pk) -> Cycle:
    """Owners and consultants manage cycles; other roles get 403, other organisations' cycles 404."""
    cycle = (
        Cycle.objects.select_related("assessment", "assessment__organisation")
        .filter(pk=_int(pk), assessment__organisation=access.organisation)
        .first()
    )
    if cycle is None:
        raise Http404
    access.require(can_manage_cycles(access))
    return cycle


def _int(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


def _email(user) -> str:
    return (getattr(user, "email", "") or "").strip().lower()


def is_subject(user, subject: Subject) -> bool:
    email = _email(user)
    return bool(email) and email == (subject.person.email or "").strip().lower()


def is_subject_manager(user, subject: Subject) -> bool:
    manager = subject.person.manager
    email = _email(user)
    return bool(email) and manager is not None and email == (manager.email or "").strip().lower()


def _subject_in_org(org, subject_pk) -> Subject:
    subject = (
        Subject.objects.select_related("cycle", "cycle__assessment__organisation", "person", "person__manager")
        .filter(pk=_int(subject_pk), cycle__assessment__organisation=org)
        .first()
    )
    if subject is None:
        raise Http404
    return subject


def _is_member(user, org) -> bool:
    return bool(user.is_authenticated) and Membership.objects.filter(user=user, organisation=org).exists()


def subject_report_get_for_user(user, org, subject_pk) -> Subject:
    """The Subject if `user` may read its individual report per the cycle's `report_access`; else 404.

    Owners and consultants do not read individual reports unless they are the subject, its manager or a coach.
    """
    if not _is_member(user, org):
        raise Http404
    subject = _subject_in_org(org, subject_pk)
    access = subject.cycle.report_access
    if is_subject(user, subject):
        return subject
    if access in (Cycle.ReportAccess.SUBJECT_MANAGER, Cycle.ReportAccess.SUBJECT_MANAGER_COACH) and is_subject_manager(user, subject):
        return subject
    if access == Cycle.ReportAccess.SUBJECT_MANAGER_COACH and subject.cycle.coaches.filter(pk=user.pk).exists():
        return subject
    raise Http404


def subject_nominations_get_for_user(access: Access, user, subject_pk) -> Subject:
    """Who may see and propose nominations for a subject: owner/consultant, the subject, or the subject's manager."""
    subject = _subject_in_org(access.organisation, subject_pk)
    if can_manage_cycles(access) or is_subject(user, subject) or is_subject_manager(user, subject):
        return subject
    raise Http404


def can_approve(access: Access, user, subject: Subject) -> bool:
    return can_manage_cycles(access) or is_subject_manager(user, subject)


def nomination_decide_get_for_user(access: Access, user, nomination_pk) -> Nomination:
    """A nomination that `user` may approve or reject: its subject's manager, an owner or a consultant; else 404."""
    nomination = (Nomination.objects.select_related("subject").filter(
        pk=_int(nomination_pk), subject__cycle__assessment__organisation=access.organisation).first())
    if nomination is None:
        raise Http404
    subject = _subject_in_org(access.organisation, nomination.subject_id)
    if not can_approve(access, user, subject):
        raise Http404
    nomination.subject = subject
    return nomination


def subject_progress_get_for_user(access: Access, user, subject_pk) -> Subject:
    """The progress view (counts only): owner/consultant and the subject's manager."""
    subject = _subject_in_org(access.organisation, subject_pk)
    if can_manage_cycles(access) or is_subject_manager(user, subject):
        return subject
    raise Http404


def subjects_for_user(user, org):
    """Subjects whose report this user may read (for "My 360° reports")."""
    email = _email(user)
    if not email or not _is_member(user, org):
        return Subject.objects.none()
    qs = Subject.objects.filter(cycle__assessment__organisation=org).select_related("cycle", "cycle__assessment", "person")
    return qs.filter(
        Q(person__email__iexact=email)
        | Q(person__manager__email__iexact=email, cycle__report_access__in=[
            Cycle.ReportAccess.SUBJECT_MANAGER, Cycle.ReportAccess.SUBJECT_MANAGER_COACH])
        | Q(cycle__coaches=user, cycle__report_access=Cycle.ReportAccess.SUBJECT_MANAGER_COACH)
    ).distinct()
