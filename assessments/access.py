"""One access-checked getter per object. Not a member → 404; member without the right → 403."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from assessments.models import Membership, Organisation, Person, Unit

Role = Membership.Role
MANAGE_PEOPLE = {Role.OWNER, Role.CONSULTANT}


@dataclass(frozen=True)
class Access:
    """What the current user may do in one organisation."""

    organisation: Organisation
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def can_manage_people(self) -> bool:
        return self.role in MANAGE_PEOPLE

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied

    def units(self) -> QuerySet[Unit]:
        units = Unit.objects.filter(organisation=self.organisation)
        if self.role == Role.MANAGER:
            units = units.filter(tree_path__startswith=self.membership.unit.tree_path)
        return units

    def people(self) -> QuerySet[Person]:
        people = Person.objects.filter(organisation=self.organisation)
        if self.role == Role.MANAGER:
            people = people.filter(unit__tree_path__startswith=self.membership.unit.tree_path)
        elif self.role == Role.VIEWER:
            people = people.none()
        return people


def access_for_user(*, user, slug: str) -> Access:
    membership = (
        Membership.objects.select_related("organisation", "unit").filter(user=user, organisation__slug=slug).first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404
    return Access(organisation=membership.organisation, membership=membership)


def person_get_for_user(*, access: Access, pk: int) -> Person:
    access.require(access.role != Role.VIEWER)
    person = access.people().select_related("unit", "manager").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def unit_get_for_user(*, access: Access, pk: int) -> Unit:
    unit = access.units().filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit
