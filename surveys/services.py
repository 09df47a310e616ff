"""Writes for instruments. Every change leaves an audit event (bundled instruments have no organisation)."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from surveys import instrument_format as fmt
from surveys.instrument_store import fingerprint, version_rows_create, version_to_format
from surveys.models import Instrument, InstrumentVersion
from trustier.audit import audit_record


@transaction.atomic
def instruments_load_bundled() -> list[InstrumentVersion]:
    """Load Trustier's shipped instruments as published versions; idempotent.

    A shipped file that changed since it was loaded becomes a new published version (old ones stay
    frozen for the waves that used them).
    """
    loaded = []
    for key in (*fmt.CORE_KEYS, *fmt.MODULE_KEYS):
        source = fmt.load_bundled(key)
        instrument, _ = Instrument.objects.get_or_create(organisation=None, key=key, defaults={"name": dict(source.name)})
        latest = instrument.versions.order_by("-number").first()
        if latest is not None and version_to_format(latest) == _numbered(source, latest.number):
            loaded.append(latest)
            continue
        number = (latest.number + 1) if latest else 1
        version = version_rows_create(instrument=instrument, source=_numbered(source, number), number=number)
        loaded.append(version_publish(version=version, actor=None))
    return loaded


def _numbered(source: fmt.Instrument, number: int) -> fmt.Instrument:
    return replace(source, version=number)


def version_publish(*, version: InstrumentVersion, actor) -> InstrumentVersion:
    """Freeze a draft version. Raises InstrumentFormatError listing what blocks publishing."""
    checked = version_to_format(version)
    version.fingerprint = fingerprint(checked)
    version.status = InstrumentVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save()  # allowed: the stored row is still a draft
    audit_record(actor=actor, organisation=version.instrument.organisation, verb="instrument.publish", obj=version,
                 after={"number": version.number, "fingerprint": version.fingerprint})
    return version


def next_version_number(instrument: Instrument) -> int:
    return (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1
