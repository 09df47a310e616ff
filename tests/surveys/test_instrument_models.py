"""Instrument rows: the shipped core instruments, freezing on every write path, DB round trip."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.contrib.admin.sites import site
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import instrument_format as fmt
from surveys.instrument_store import version_rows_create, version_to_format
from surveys.models import FrozenVersionError, Instrument, InstrumentVersion, Item, Section
from surveys.services import instruments_load_bundled, item_save, section_add, version_update
from tests.factories import core_version
from tests.surveys.instrument_format.strategies import instruments

pytestmark = pytest.mark.django_db

PREFIX = {"com_": "competence", "rel_": "reliability", "int_": "integrity", "emp_": "empathy"}


def test_core_instruments_load_as_three_published_variants():
    # given / when the shipped instruments are loaded
    loaded = {v.instrument.key: v for v in instruments_load_bundled()}
    # then there are exactly 3 core variants, each published, in nl and en (plus core inside with felt trust)
    cores = [key for key in loaded if key.startswith("core-") and key != "core-inside-felt-trust"]
    assert sorted(cores) == ["core-inside", "core-outside", "core-person"]
    assert loaded["core-inside-felt-trust"].is_frozen
    for key in cores:
        version = loaded[key]
        assert version.is_frozen and version.fingerprint
        assert version.languages == ["nl", "en"]
        items = list(version.items.all())
        roles = [item.role for item in items]
        # 16 dimension items (4 per dimension), 1 global trust, 2 intentions, 2 open questions
        assert roles.count("dimension") == 16
        assert roles.count("global_trust") == 1
        assert roles.count("intention") == 2
        assert roles.count("comment") == 2
        assert len(items) == 21
        for dimension in fmt.DIMENSIONS:
            assert sum(1 for i in items if i.dimension == dimension and i.role == "dimension") == 4
        for item in items:
            assert set(item.text) == {"nl", "en"} and all(item.text.values())
            if item.role == "dimension":
                # and each item maps to the dimension its key claims
                assert PREFIX[item.key[:4]] == item.dimension, item.key


def test_loading_twice_changes_nothing():
    first = instruments_load_bundled()
    second = instruments_load_bundled()
    assert [v.pk for v in first] == [v.pk for v in second]
    assert InstrumentVersion.objects.filter(instrument__organisation=None).count() == len(first)


def _snapshot(version):
    return (list(InstrumentVersion.objects.filter(pk=version.pk).values()),
            list(Section.objects.filter(version=version).values()), list(Item.objects.filter(version=version).values()))


def test_published_version_refuses_service_writes():
    # given a published version
    version = core_version("core-inside")
    before = _snapshot(version)
    # when services try to change it, then each is refused
    with pytest.raises(FrozenVersionError):
        version_update(actor=None, version=version, name={"en": "x"}, languages=["en"])
    with pytest.raises(FrozenVersionError):
        section_add(actor=None, version=version)
    with pytest.raises(FrozenVersionError):
        item_save(actor=None, version=version, section=version.sections.first(), key="new_one", role="comment",
                  referent="organisation", text={"nl": "a", "en": "b"})
    # and nothing changed
    assert _snapshot(version) == before


def test_published_version_refuses_queryset_and_model_writes():
    version = core_version("core-inside")
    before = _snapshot(version)
    with pytest.raises(FrozenVersionError):
        Item.objects.filter(version=version).update(text={"en": "changed"})
    with pytest.raises(FrozenVersionError):
        Section.objects.filter(version=version).delete()
    item = version.items.first()
    item.text = {"en": "changed"}
    with pytest.raises(FrozenVersionError):
        item.save()
    with pytest.raises(FrozenVersionError):
        version.delete()
    assert _snapshot(version) == before


def test_admin_shows_published_versions_read_only(rf, django_user_model):
    # given a superuser and a published version
    version = core_version("core-inside")
    admin_user = django_user_model.objects.create_superuser(email="root@x.test", password="pw-123456-long")
    request = rf.get("/")
    request.user = admin_user
    # then the admin allows neither change nor delete of it or its items
    for model, obj in ((InstrumentVersion, version), (Item, version.items.first()), (Section, version.sections.first())):
        model_admin = site._registry[model]
        assert not model_admin.has_change_permission(request, obj)
        assert not model_admin.has_delete_permission(request, obj)


class _Rollback(Exception):
    pass


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(source=instruments(), number=st.integers(min_value=1, max_value=50))
def test_rows_round_trip(source, number):
    # given any valid instrument
    source = replace(source, version=number)
    try:
        with transaction.atomic():
            # when it is stored as rows
            instrument = Instrument.objects.create(organisation=None, key=source.key, name=dict(source.name))
            version = version_rows_create(instrument=instrument, source=source, number=number)
            # then reading the rows gives back the same instrument
            assert version_to_format(version) == source
            raise _Rollback
    except _Rollback:
        pass
