"""Reads and checks one item, including the rules that tie its fields to its role."""

from __future__ import annotations

import re
from typing import Any

from . import fields
from .model import Item
from .problems import Path, Problems
from .scale_fields import scale
from .vocabulary import (
    DIMENSIONS,
    INTENTIONS,
    OPEN_ROLES,
    PERSON_PLACEHOLDER,
    PULSE_ROLES,
    REFERENTS,
    RESERVED_ITEM_KEYS,
    ROLES,
    ROLES_WITH_DIMENSION,
)

ITEM_KEY = re.compile(r"[a-z][a-z0-9_]*")
ITEM_KEY_RULE = "lower-case letters, digits and '_', starting with a letter (e.g. 'com_quality')"
REQUIRED = ("key", "role", "referent", "text")
OPTIONAL = ("dimension", "intention", "self_text", "reverse_keyed", "required", "pulse", "scale")


def item(p: Problems, path: Path, value: Any, languages: tuple[str, ...] | None) -> Item | None:
    data = fields.mapping(p, path, value, required=REQUIRED, optional=OPTIONAL, what="an item")
    if data is None:
        return None
    if isinstance(data.get("key"), str):
        p.label(path, f"item '{data['key']}'")
    before = len(p)
    parsed = _fields(p, path, data, languages)
    if parsed["role"] is not None:
        _role_rules(p, path, data, parsed)
    if parsed["referent"] is not None:
        _person_rules(p, path, data, parsed)
    complete = all(parsed[name] is not None for name in REQUIRED)
    return Item(**parsed) if complete and len(p) == before else None


def _fields(p: Problems, path: Path, data: dict[str, Any], languages: tuple[str, ...] | None) -> dict[str, Any]:
    def field(name: str) -> Path:
        return (*path, name)

    out: dict[str, Any] = {
        "key": _item_key(p, field("key"), data["key"]) if "key" in data else None,
        "role": fields.choice(p, field("role"), data["role"], allowed=ROLES, what="role") if "role" in data else None,
        "referent": fields.choice(p, field("referent"), data["referent"], allowed=REFERENTS, what="referent")
        if "referent" in data
        else None,
        "text": fields.texts(p, field("text"), data["text"], languages) if "text" in data else None,
    }
    out.update(_optional_fields(p, path, data, languages))
    return out


def _optional_fields(p: Problems, path: Path, data: dict[str, Any], languages: tuple[str, ...] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if data.get("dimension") is not None:
        out["dimension"] = fields.choice(p, (*path, "dimension"), data["dimension"], allowed=DIMENSIONS, what="dimension")
    if data.get("intention") is not None:
        out["intention"] = fields.choice(p, (*path, "intention"), data["intention"], allowed=INTENTIONS, what="intention")
    if data.get("self_text") is not None:
        out["self_text"] = fields.texts(p, (*path, "self_text"), data["self_text"], languages)
    for name in ("reverse_keyed", "required", "pulse"):
        if name in data:
            out[name] = fields.yes_no(p, (*path, name), data[name])
    if data.get("scale") is not None:
        out["scale"] = scale(p, (*path, "scale"), data["scale"], languages)
    return out


def _item_key(p: Problems, path: Path, value: Any) -> str | None:
    checked = fields.key(p, path, value, pattern=ITEM_KEY, rule=ITEM_KEY_RULE)
    if checked in RESERVED_ITEM_KEYS:
        p.add(path, f"item key '{checked}' is reserved (it names a column in response files); choose another")
        return None
    return checked


def _role_rules(p: Problems, path: Path, data: dict[str, Any], parsed: dict[str, Any]) -> None:
    role = parsed["role"]
    _needs_if(p, path, "dimension", data, needed=role in ROLES_WITH_DIMENSION, role=role, choices=DIMENSIONS)
    _needs_if(p, path, "intention", data, needed=role == "intention", role=role, choices=INTENTIONS)
    if parsed.get("pulse") and role not in PULSE_ROLES:
        p.add((*path, "pulse"), "only items with role 'dimension' or 'global_trust' can be pulse items")
    if role in OPEN_ROLES:
        _open_question_rules(p, path, data, parsed)


def _needs_if(p: Problems, path: Path, name: str, data: dict[str, Any], *, needed: bool, role: str, choices: tuple[str, ...]) -> None:
    if needed and data.get(name) is None:
        p.add(path, f"an item with role '{role}' needs the field '{name}' (one of: {', '.join(choices)})")
    elif not needed and data.get(name) is not None:
        p.add((*path, name), f"an item with role '{role}' has no {name}; remove '{name}'")


def _open_question_rules(p: Problems, path: Path, data: dict[str, Any], parsed: dict[str, Any]) -> None:
    if parsed.get("reverse_keyed"):
        p.add((*path, "reverse_keyed"), "an open question (role 'comment') cannot be reverse keyed")
    if data.get("scale") is not None:
        p.add((*path, "scale"), "an open question (role 'comment') has no scale; remove 'scale'")


def _person_rules(p: Problems, path: Path, data: dict[str, Any], parsed: dict[str, Any]) -> None:
    if parsed["referent"] == "person":
        return
    if data.get("self_text") is not None:
        p.add((*path, "self_text"), "self_text is only for items about a person (referent 'person')")
    text = parsed["text"]
    if text is not None and any(PERSON_PLACEHOLDER in fields.placeholders_in(t) for t in text.values()):
        p.add((*path, "text"), "the placeholder {name} can only be used in items about a person (referent 'person')")
