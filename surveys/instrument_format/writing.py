"""An Instrument -> plain data in the documented field order (defaults left out) -> YAML or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml

from .model import Instrument, Item, Scale, Section
from .vocabulary import FORMAT_ID

_ITEM_DEFAULTS: dict[str, Any] = {"reverse_keyed": False, "required": True, "pulse": False}


def instrument_to_data(instrument: Instrument) -> dict[str, Any]:
    languages = tuple(instrument.languages)
    data: dict[str, Any] = {"format": FORMAT_ID, "key": instrument.key}
    _put(data, "version", instrument.version)
    data["name"] = _texts(instrument.name, languages)
    _put(data, "description", _texts(instrument.description, languages))
    data["languages"] = list(languages)
    data["scale"] = _scale(instrument.scale, languages)
    data["sections"] = [_section(section, languages) for section in instrument.sections]
    return data


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=yaml.SafeDumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096)


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _put(data: dict[str, Any], name: str, value: Any) -> None:
    if value is not None:
        data[name] = value


def _texts(texts: Mapping[str, str] | None, languages: tuple[str, ...]) -> Any:
    """Declared languages first, in their order; anything else after, so validation can see it."""
    if not isinstance(texts, Mapping):
        return texts
    ordered = [lang for lang in languages if lang in texts]
    ordered += [lang for lang in texts if lang not in languages]
    return {lang: texts[lang] for lang in ordered}


def _scale(scale: Scale | Any, languages: tuple[str, ...]) -> Any:
    if not isinstance(scale, Scale):
        return scale
    data: dict[str, Any] = {"min": scale.min, "max": scale.max}
    if scale.labels:
        data["labels"] = [{"value": label.value, "text": _texts(label.text, languages)} for label in scale.labels]
    _put(data, "dont_know", _texts(scale.dont_know, languages))
    return data


def _section(section: Section, languages: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {"key": section.key, "title": _texts(section.title, languages)}
    _put(data, "intro", _texts(section.intro, languages))
    data["items"] = [_item(item, languages) for item in section.items]
    return data


def _item(item: Item, languages: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {"key": item.key, "role": item.role}
    _put(data, "dimension", item.dimension)
    _put(data, "intention", item.intention)
    data["referent"] = item.referent
    for name, default in _ITEM_DEFAULTS.items():
        value = getattr(item, name)
        if value != default or not isinstance(value, bool):
            data[name] = value
    data["text"] = _texts(item.text, languages)
    _put(data, "self_text", _texts(item.self_text, languages))
    _put(data, "scale", None if item.scale is None else _scale(item.scale, languages))
    return data
