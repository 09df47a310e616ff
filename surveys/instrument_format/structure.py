"""Plain data (from YAML or JSON) -> a checked Instrument, collecting every problem."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import fields
from .errors import InstrumentFormatError
from .item_fields import ITEM_KEY, item
from .model import Instrument, Item, Section
from .problems import Path, Problems, describe, format_path
from .scale_fields import default_or_problem, scale
from .vocabulary import DIMENSIONS, FORMAT_ID

INSTRUMENT_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
INSTRUMENT_KEY_RULE = "lower-case letters and digits, words joined by '-' (e.g. 'core-inside')"
SECTION_KEY = re.compile(r"[a-z][a-z0-9_]*")
SECTION_KEY_RULE = "lower-case letters, digits and '_', starting with a letter (e.g. 'overall')"
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Z]{2})?")
LANGUAGE_RULE = "a code such as 'nl', 'en' or 'en-GB'"


def instrument_from_data(data: Any, problems: Problems) -> Instrument:
    """Check ``data`` and build the Instrument; raise InstrumentFormatError with every problem."""
    p = problems
    top = fields.mapping(
        p,
        (),
        data,
        required=("format", "key", "name", "languages", "sections"),
        optional=("version", "description", "scale"),
        what="a mapping of fields at the top of the file",
    )
    built = _instrument(p, top) if top is not None else None
    if p or built is None:
        raise InstrumentFormatError(p.messages)
    return built


def _instrument(p: Problems, top: dict[str, Any]) -> Instrument | None:
    _format_marker(p, top)
    key = fields.key(p, ("key",), top["key"], pattern=INSTRUMENT_KEY, rule=INSTRUMENT_KEY_RULE) if "key" in top else None
    version = fields.whole_number(p, ("version",), top["version"], minimum=1) if top.get("version") is not None else None
    languages = _languages(p, top["languages"]) if "languages" in top else None
    name = fields.texts(p, ("name",), top["name"], languages) if "name" in top else None
    description = fields.texts(p, ("description",), top["description"], languages) if top.get("description") is not None else None
    the_scale = scale(p, ("scale",), top["scale"], languages) if top.get("scale") is not None else default_or_problem(p, languages)
    sections = _sections(p, top["sections"], languages) if "sections" in top else None
    if p or None in (key, languages, name, the_scale, sections):
        return None
    return Instrument(key=key, name=name, languages=languages, scale=the_scale, sections=sections, version=version, description=description)


def _format_marker(p: Problems, top: dict[str, Any]) -> None:
    if "format" in top and top["format"] != FORMAT_ID:
        p.add(("format",), f"expected '{FORMAT_ID}', found {describe(top['format'])}")


def _languages(p: Problems, value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not value:
        p.add(("languages",), f"expected a list of at least one language ({LANGUAGE_RULE}), found {describe(value)}")
        return None
    before = len(p)
    for index, code in enumerate(value):
        if not isinstance(code, str) or not LANGUAGE.fullmatch(code):
            hint = "; put it in quotes" if isinstance(code, bool | int | float) else ""
            p.add(("languages", index), f"expected {LANGUAGE_RULE}, found {describe(code)}{hint}")
        elif code in value[:index]:
            p.add(("languages", index), f"language '{code}' is listed twice")
    return tuple(value) if len(p) == before else None


def _sections(p: Problems, value: Any, languages: tuple[str, ...] | None) -> tuple[Section, ...] | None:
    if not isinstance(value, list):
        p.add(("sections",), f"expected a list of sections, found {describe(value)}")
        return None
    if not value:
        p.add(("sections",), "the instrument has no items; add at least one section with items")
        return None
    sections = [_section(p, ("sections", index), raw, languages) for index, raw in enumerate(value)]
    _unique_keys(p, value)
    _one_pulse_each(p, value)
    if any(section is None for section in sections):
        return None
    return tuple(section for section in sections if section is not None)


def _section(p: Problems, path: Path, value: Any, languages: tuple[str, ...] | None) -> Section | None:
    data = fields.mapping(p, path, value, required=("key", "title", "items"), optional=("intro",), what="a section")
    if data is None:
        return None
    before = len(p)
    key = fields.key(p, (*path, "key"), data["key"], pattern=SECTION_KEY, rule=SECTION_KEY_RULE) if "key" in data else None
    title = fields.texts(p, (*path, "title"), data["title"], languages) if "title" in data else None
    intro = fields.texts(p, (*path, "intro"), data["intro"], languages) if data.get("intro") is not None else None
    items = _items(p, (*path, "items"), data["items"], languages) if "items" in data else None
    if len(p) > before or key is None or title is None or items is None:
        return None
    return Section(key=key, title=title, items=items, intro=intro)


def _items(p: Problems, path: Path, value: Any, languages: tuple[str, ...] | None) -> tuple[Item, ...] | None:
    if not isinstance(value, list):
        p.add(path, f"expected a list of items, found {describe(value)}")
        return None
    if not value:
        p.add(path, "the section has no items")
        return None
    items = [item(p, (*path, index), raw, languages) for index, raw in enumerate(value)]
    return None if any(i is None for i in items) else tuple(i for i in items if i is not None)


def _raw_items(raw_sections: list[Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(path, fields) of every item written as a mapping, even in otherwise broken sections."""
    for s, section in enumerate(raw_sections):
        items = section.get("items") if isinstance(section, dict) else None
        for i, it in enumerate(items if isinstance(items, list) else []):
            if isinstance(it, dict):
                yield ("sections", s, "items", i), it


def _well_formed_key(value: Any, pattern: re.Pattern[str]) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _unique_keys(p: Problems, raw_sections: list[Any]) -> None:
    section_keys = [
        (("sections", s, "key"), section["key"])
        for s, section in enumerate(raw_sections)
        if isinstance(section, dict) and _well_formed_key(section.get("key"), SECTION_KEY)
    ]
    item_keys = [((*path, "key"), it["key"]) for path, it in _raw_items(raw_sections) if _well_formed_key(it.get("key"), ITEM_KEY)]
    for what, found in (("section", section_keys), ("item", item_keys)):
        first: dict[str, Path] = {}
        for path, key in found:
            if key in first:
                p.add(path, f"duplicate {what} key '{key}' (first used at {format_path(first[key][:-1])})")
            first.setdefault(key, path)


def _pulse_slot(it: dict[str, Any]) -> str | None:
    if it.get("role") == "dimension" and it.get("dimension") in DIMENSIONS:
        return f"dimension '{it['dimension']}'"
    return "global trust" if it.get("role") == "global_trust" else None


def _one_pulse_each(p: Problems, raw_sections: list[Any]) -> None:
    first: dict[str, str] = {}
    for path, it in _raw_items(raw_sections):
        slot = _pulse_slot(it)
        if it.get("pulse") is not True or slot is None:
            continue
        if slot in first:
            p.add((*path, "pulse"), f"more than one pulse item for {slot} (first: '{first[slot]}')")
        first.setdefault(slot, str(it.get("key")))
