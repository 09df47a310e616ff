"""Every write to organisations, units, people and roles; each leaves an audit event."""

from __future__ import annotations

from django.db import transaction

from assessments.models import Membership, Organisation, Person, Unit
from trustier.audit import audit_record


class DomainError(Exception):
    """A rule of the domain was broken; the message is safe to show to the user."""


@transaction.atomic
def unit_create(*, actor, organisation: Organisation, name: str, parent: Unit | None = None, kind: str = Unit.Kind.DEPARTMENT) -> Unit:
    name = name.strip()
    if not name or "/" in name:
        raise DomainError("A unit name cannot be empty or contain '/'.")
    if parent is not None and parent.organisation_id != organisation.pk:
        raise DomainError("The parent unit belongs to another organisation.")
    path = f"{parent.path}/{name}" if parent else name
    if Unit.objects.filter(organisation=organisation, path=path).exists():
        raise DomainError(f"A unit {path} exists already.")
    unit = Unit.objects.create(organisation=organisation, parent=parent, name=name, kind=kind, path=path)
    unit.tree_path = f"{parent.tree_path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["tree_path"])
    audit_record(actor=actor, organisation=organisation, verb="unit.created", obj=unit, after={"path": path, "kind": kind})
    return unit


def unit_ensure_path(*, actor, organisation: Organisation, path: str, cache: dict[str, Unit]) -> Unit:
    """The unit at `Sales/North`, creating missing levels (used by the import)."""
    if path in cache:
        return cache[path]
    parent = None
    parts = [p.strip() for p in path.split("/") if p.strip()]
    for depth in range(1, len(parts) + 1):
        sub = "/".join(parts[:depth])
        if sub not in cache:
            cache[sub] = unit_create(actor=actor, organisation=organisation, name=parts[depth - 1], parent=parent)
        parent = cache[sub]
    return parent


@transaction.atomic
def person_deactivate(*, actor, person: Person) -> Person:
    if person.is_active:
        person.is_active = False
        person.save(update_fields=["is_active"])
        audit_record(actor=actor, organisation=person.organisation, verb="person.deactivated", obj=person,
                     before={"is_active": True}, after={"is_active": False})
    return person


@transaction.atomic
def membership_set(*, actor, organisation: Organisation, user, role: str, unit: Unit | None = None) -> Membership:
    if role == Membership.Role.MANAGER and unit is None:
        raise DomainError("A manager needs a unit.")
    if unit is not None and unit.organisation_id != organisation.pk:
        raise DomainError("The unit belongs to another organisation.")
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    before = {"role": membership.role, "unit": membership.unit_id} if membership else {}
    if membership is None:
        membership = Membership(user=user, organisation=organisation)
    membership.role, membership.unit = role, unit if role == Membership.Role.MANAGER else None
    membership.save()
    audit_record(actor=actor, organisation=organisation, verb="membership.set", obj=membership,
                 before=before, after={"role": role, "unit": membership.unit_id})
    return membership


@transaction.atomic
def member_invite(*, actor, organisation: Organisation, email: str, full_name: str, role: str, unit: Unit | None, base_url: str) -> Membership:
    """Give someone a role; a new user gets an email with a link to choose a password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from django.utils.translation import gettext as _

    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, full_name=full_name)
        link = base_url + reverse("password_reset_confirm", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
        send_mail(
            _("You have been invited to %(org)s on Trustier") % {"org": organisation.name},
            _("%(actor)s gave you access to %(org)s on Trustier. Choose your password here:\n%(link)s") % {"actor": actor, "org": organisation.name, "link": link},
            None, [email],
        )
    return membership_set(actor=actor, organisation=organisation, user=user, role=role, unit=unit)
