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


CLIENT_SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$"
CLIENT_LANGUAGES = ("nl", "en")


@transaction.atomic
def client_organisation_create(*, actor, name: str, slug: str, owner_email: str, owner_name: str = "",
                               language: str = "nl", base_url: str) -> Organisation:
    """A consultant's new client: the organisation, the actor as its consultant, and its owner invited
    (a new user gets a set-password link, an existing one a notice) in `language`. All of it audited."""
    import re

    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.core.mail import send_mail
    from django.core.validators import validate_email
    from django.db import IntegrityError
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _

    name, slug, owner_email = name.strip(), slug.strip(), owner_email.strip().lower()
    if not Membership.objects.filter(user=actor, role=Membership.Role.CONSULTANT).exists():
        raise DomainError(_("Only consultants can create client organisations."))
    if not name or len(name) > 200:
        raise DomainError(_("An organisation needs a name of at most 200 characters."))
    if not re.match(CLIENT_SLUG_PATTERN, slug):
        raise DomainError(_("Use 1 to 50 lower-case letters, digits and hyphens for the address."))
    if language not in CLIENT_LANGUAGES:
        raise DomainError(_("Choose Dutch or English."))
    try:
        validate_email(owner_email)
    except ValidationError:
        raise DomainError(_("Enter a valid email address for the client's owner.")) from None
    if owner_email == actor.email.lower():
        raise DomainError(_("You take part as the consultant: invite the client's own owner."))
    try:
        with transaction.atomic():  # a savepoint: a double submit (same slug) ends here, not in a 500
            organisation = Organisation.objects.create(name=name, slug=slug)
    except IntegrityError:
        raise DomainError(_("The address %(slug)s is taken: choose another.") % {"slug": slug}) from None
    audit_record(actor=actor, organisation=organisation, verb="organisation.created", obj=organisation,
                 after={"name": name, "slug": slug, "min_group_size": organisation.min_group_size})
    membership_set(actor=actor, organisation=organisation, user=actor, role=Membership.Role.CONSULTANT)
    existing = get_user_model().objects.filter(email=owner_email).first()
    with translation.override(language):
        owner = member_invite(actor=actor, organisation=organisation, email=owner_email, full_name=owner_name.strip(),
                              role=Membership.Role.OWNER, unit=None, base_url=base_url).user
        if existing is not None:
            link = base_url + reverse("organisation", kwargs={"slug": slug})
            send_mail(_("You are now owner of %(org)s on Trustier") % {"org": name},
                      _("%(actor)s made you owner of %(org)s on Trustier. Open it here:\n%(link)s")
                      % {"actor": actor, "org": name, "link": link}, None, [owner_email])
    if existing is None and owner.language != language:
        owner.language = language
        owner.save(update_fields=["language"])
    return organisation
