"""Instrument versions in the database <-> the pure instrument format (surveys/instrument_format).

Preview, export, warnings and scoring all go through `version_to_format`, so the database rows and
the documented file format can never disagree about what a version means.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from surveys import instrument_format as fmt
from surveys.instrument_format.problems import Problems
from surveys.instrument_format.structure import instrument_from_data
from surveys.instrument_format.writing import instrument_to_data
from surveys.models import Instrument, InstrumentVersion, Item, Section


def version_to_data(version: InstrumentVersion) -> dict[str, Any]:
    """The version as the format's plain data (may be invalid while it is a draft)."""
    data: dict[str, Any] = {"format": fmt.FORMAT_ID, "key": version.instrument.key, "version": version.number,
                            "name": version.name}
    if version.description:
        data["description"] = version.description
    data["languages"] = list(version.languages)
    data["scale"] = version.scale
    items_by_section: dict[int, list[Item]] = {}
    for item in version.items.order_by("position", "id"):
        items_by_section.setdefault(item.section_id, []).append(item)
    data["sections"] = [_section_data(section, items_by_section.get(section.pk, []))
                        for section in version.sections.order_by("position", "id")]
    return data


def _section_data(section: Section, items: list[Item]) -> dict[str, Any]:
    data: dict[str, Any] = {"key": section.key, "title": section.title}
    if section.intro:
        data["intro"] = section.intro
    data["items"] = [_item_data(item) for item in items]
    return data


def _item_data(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"key": item.key, "role": item.role}
    if item.dimension:
        data["dimension"] = item.dimension
    if item.intention:
        data["intention"] = item.intention
    data.update(referent=item.referent, reverse_keyed=item.reverse_keyed, required=item.required, pulse=item.pulse,
                text=item.text)
    if item.self_text:
        data["self_text"] = item.self_text
    if item.scale:
        data["scale"] = item.scale
    return data


def version_to_format(version: InstrumentVersion) -> fmt.Instrument:
    """The version as a checked format Instrument; InstrumentFormatError lists what is wrong."""
    return instrument_from_data(version_to_data(version), Problems())


def version_published_format(version: InstrumentVersion) -> tuple[fmt.Instrument, dict[str, int]]:
    """(format Instrument, {item key: Item id}) of a version; cached per process once it is published.

    Safe because a published version never changes (FrozenVersionError on every write path); the key
    includes published_at, so a reused primary key (test databases) never returns stale content.
    """
    if version.status != InstrumentVersion.Status.PUBLISHED or version.published_at is None:
        return version_to_format(version), dict(version.items.values_list("key", "pk"))
    return _published(version.pk, version.published_at.isoformat())


@functools.lru_cache(maxsize=256)
def _published(version_id: int, published_at: str) -> tuple[fmt.Instrument, dict[str, int]]:
    version = InstrumentVersion.objects.select_related("instrument").get(pk=version_id)
    return version_to_format(version), dict(version.items.values_list("key", "pk"))


def version_problems(version: InstrumentVersion) -> list[str]:
    """What blocks publishing (missing translations, unknown dimension, ...); [] when publishable."""
    try:
        version_to_format(version)
    except fmt.InstrumentFormatError as exc:
        return list(exc.problems)
    return []


def fingerprint(instrument: fmt.Instrument) -> str:
    """Hash of what scores depend on: two waves are comparable when their versions share it."""
    scored = [(item.key, item.role, item.dimension, item.reverse_keyed, dict(item.text),
               instrument_to_data(instrument)["scale"] if item.scale is None else None)
              for item in instrument.items if item.role in ("dimension", "custom_scored", "global_trust", "intention")]
    return hashlib.sha256(json.dumps(scored, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def version_rows_create(*, instrument: Instrument, source: fmt.Instrument, number: int, created_by=None,
                        based_on: InstrumentVersion | None = None) -> InstrumentVersion:
    """Create a draft version's rows from a format Instrument (bulk: one insert per table)."""
    data = instrument_to_data(source)
    version = InstrumentVersion.objects.create(
        instrument=instrument, number=number, name=data["name"], description=data.get("description"),
        languages=data["languages"], scale=data["scale"], created_by=created_by, based_on=based_on)
    sections = Section.objects.bulk_create([
        Section(version=version, position=i, key=s["key"], title=s["title"], intro=s.get("intro"))
        for i, s in enumerate(data["sections"])])
    Item.objects.bulk_create([
        Item(version=version, section=section, position=j, key=it["key"], role=it["role"],
             dimension=it.get("dimension") or "", intention=it.get("intention") or "", referent=it["referent"],
             text=it["text"], self_text=it.get("self_text"), reverse_keyed=it.get("reverse_keyed", False),
             required=it.get("required", True), pulse=it.get("pulse", False), scale=it.get("scale"))
        for section, s in zip(sections, data["sections"], strict=True) for j, it in enumerate(s["items"])])
    return version
