"""Derive the short pulse form: one item per dimension plus the global trust item."""

from __future__ import annotations

from dataclasses import replace

from .errors import InstrumentFormatError
from .files import checked
from .model import Instrument, Item, LocalizedText
from .vocabulary import DIMENSIONS, MAX_KEY_CHARS

PULSE_SUFFIX = "-pulse"
_NAME_SUFFIX = {"nl": "pulsmeting", "en": "pulse"}


def pulse(instrument: Instrument) -> Instrument:
    """The pulse form of ``instrument``, keeping item keys, texts, order and scales.

    Per dimension it takes the item with role 'dimension' marked ``pulse: true``, else the first
    such item; for global trust the marked 'global_trust' item, else the first. The chosen items
    are marked ``pulse: true`` so that the pulse of a pulse has the same items. Raises
    InstrumentFormatError when a dimension or the global trust item is missing.
    """
    chosen = _chosen_keys(instrument)
    sections = []
    for section in instrument.sections:
        items = tuple(replace(item, pulse=True) for item in section.items if item.key in chosen)
        if items:
            sections.append(replace(section, items=items))
    return checked(
        replace(
            instrument,
            key=instrument.key[: MAX_KEY_CHARS - len(PULSE_SUFFIX)] + PULSE_SUFFIX,
            name=_pulse_name(instrument.name),
            sections=tuple(sections),
        )
    )


def _slot(item: Item) -> str | None:
    """The pulse slot an item can fill: a dimension name, 'global_trust', or None."""
    if item.role == "dimension":
        return item.dimension
    return "global_trust" if item.role == "global_trust" else None


def _chosen_keys(instrument: Instrument) -> set[str]:
    slots: dict[str, Item] = {}
    for item in instrument.items:
        slot = _slot(item)
        if slot is not None and (slot not in slots or (item.pulse and not slots[slot].pulse)):
            slots[slot] = item
    missing = [slot for slot in (*DIMENSIONS, "global_trust") if slot not in slots]
    if missing:
        raise InstrumentFormatError([f"pulse: the instrument has no {_slot_name(slot)}" for slot in missing])
    return {item.key for item in slots.values()}


def _slot_name(slot: str) -> str:
    return "global trust item (role 'global_trust')" if slot == "global_trust" else f"item for dimension '{slot}'"


def _pulse_name(name: LocalizedText) -> LocalizedText:
    return LocalizedText({lang: f"{text} — {_NAME_SUFFIX.get(lang, 'pulse')}" for lang, text in name.items()})
