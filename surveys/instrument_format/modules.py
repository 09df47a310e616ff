"""Add optional modules (such as felt trust) to an instrument."""

from __future__ import annotations

from dataclasses import replace

from .errors import InstrumentFormatError
from .files import checked
from .model import Instrument, Section


def with_modules(base: Instrument, *modules: Instrument) -> Instrument:
    """``base`` with the sections of each module appended (same key, name and scale as ``base``).

    A module must use the same languages. Items of a module whose scale differs from ``base``'s
    keep their module scale as an item override. Raises InstrumentFormatError on a language
    mismatch or on section or item keys that clash.
    """
    sections = list(base.sections)
    for module in modules:
        if set(module.languages) != set(base.languages):
            raise InstrumentFormatError([f"module '{module.key}': languages {list(module.languages)} differ from {list(base.languages)}"])
        sections += [_rescaled(section, module, base) for section in module.sections]
    return checked(replace(base, sections=tuple(sections)))


def _rescaled(section: Section, module: Instrument, base: Instrument) -> Section:
    if module.scale == base.scale:
        return section
    items = tuple(item if item.scale is not None else replace(item, scale=module.scale) for item in section.items)
    return replace(section, items=items)
