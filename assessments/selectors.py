"""Composed reads for the organisation pages."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from assessments.access import Access
from trustier.models import AuditEvent


def organisation_overview(*, access: Access) -> dict:
    people = access.people().aggregate(active=Count("id", filter=Q(is_active=True)), inactive=Count("id", filter=Q(is_active=False)))
    return {"units": access.units().count(), **people, "members": access.organisation.memberships.count()}


def people_page(*, access: Access, page: int, query: str = "") -> Page:
    people = access.people().select_related("unit", "manager")
    if query:
        people = people.filter(Q(last_name__icontains=query) | Q(first_name__icontains=query) | Q(email__icontains=query) | Q(external_id=query))
    return Paginator(people, 50).get_page(page)


def units_with_counts(*, access: Access):
    return access.units().annotate(n_people=Count("people", filter=Q(people__is_active=True)))


def audit_page(*, access: Access, page: int, verb: str = "") -> Page:
    events = AuditEvent.objects.filter(organisation=access.organisation).select_related("actor")
    if verb:
        events = events.filter(verb__startswith=verb)
    return Paginator(events, 50).get_page(page)
