from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from assessments.models import Membership, Organisation, Person, Unit
from assessments.services import unit_ensure_path
from trustier.models import User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


def unit_tree(organisation: Organisation, paths: list[str]) -> dict[str, Unit]:
    """Create units from paths such as Sales/North; returns every level by path."""
    cache: dict[str, Unit] = {}
    for path in paths:
        unit_ensure_path(actor=None, organisation=organisation, path=path, cache=cache)
    return cache


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.OWNER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    external_id = factory.Sequence(lambda n: f"P{n:05d}")
    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


def core_version(key: str = "core-inside"):
    """Trustier's shipped instrument `key`, loaded and published (idempotent)."""
    from surveys.services import instruments_load_bundled

    return {v.instrument.key: v for v in instruments_load_bundled()}[key]


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.Assessment"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Trust assessment {n}")
    instrument_version = factory.LazyFunction(core_version)
    languages = ["nl", "en"]


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.Wave"

    assessment = factory.SubFactory(AssessmentFactory)
    number = factory.Sequence(lambda n: n + 1)
    opens_at = factory.LazyFunction(timezone.now)
    closes_at = factory.LazyAttribute(lambda w: w.opens_at + datetime.timedelta(days=14))
    reminder_days = [3, 7]
