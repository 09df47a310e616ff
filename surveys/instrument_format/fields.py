"""Checks for single fields: mappings, keys, choices, yes/no, numbers and texts per language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from .model import LocalizedText
from .problems import Path, Problems, describe, did_you_mean, one_of
from .vocabulary import MAX_KEY_CHARS, MAX_TEXT_CHARS, PLACEHOLDERS

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp", "Co", "Cn"})
_QUOTE_HINT = "; put the text in quotes"


def mapping(p: Problems, path: Path, value: Any, *, required: Sequence[str], optional: Sequence[str], what: str) -> dict[str, Any] | None:
    """``value`` as a mapping with only known fields; report unknown and missing fields."""
    if not isinstance(value, dict):
        p.add(path, f"expected {what}, found {describe(value)}")
        return None
    allowed = (*required, *optional)
    for name in value:
        if not isinstance(name, str):
            p.add((*path, str(name)), f"a field name must be text, found {describe(name)}{_QUOTE_HINT}")
        elif name not in allowed:
            hint = did_you_mean(name, allowed)
            p.add((*path, name), f"unknown field '{name}'{hint}; allowed fields: {one_of(allowed)}")
    for name in required:
        if name not in value:
            p.add(path, f"missing field '{name}'")
    return value


def key(p: Problems, path: Path, value: Any, *, pattern: re.Pattern[str], rule: str) -> str | None:
    """A machine key such as ``com_quality``; ``rule`` explains ``pattern`` to a person."""
    if not isinstance(value, str):
        p.add(path, f"expected a key ({rule}), found {describe(value)}")
        return None
    if len(value) > MAX_KEY_CHARS:
        p.add(path, f"key is {len(value)} characters long; the limit is {MAX_KEY_CHARS}")
        return None
    if not pattern.fullmatch(value):
        p.add(path, f"key {value!r} is not allowed: use {rule}")
        return None
    return value


def choice(p: Problems, path: Path, value: Any, *, allowed: Iterable[str], what: str) -> str | None:
    options = tuple(allowed)
    if isinstance(value, str) and value in options:
        return value
    if isinstance(value, str):
        p.add(path, f"unknown {what} '{value}'{did_you_mean(value, options)}; allowed: {one_of(options)}")
    else:
        p.add(path, f"expected a {what} ({one_of(options)}), found {describe(value)}")
    return None


def yes_no(p: Problems, path: Path, value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    p.add(path, f"expected true or false, found {describe(value)}")
    return None


def whole_number(p: Problems, path: Path, value: Any, *, minimum: int | None = None) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        p.add(path, f"expected a whole number, found {describe(value)}")
        return None
    if minimum is not None and value < minimum:
        p.add(path, f"expected a whole number of at least {minimum}, found {value}")
        return None
    return value


def placeholders_in(text: str) -> frozenset[str]:
    return frozenset(_PLACEHOLDER.findall(text))


def placeholders_filled(text: str, organisation: str, name: str = "…") -> str:
    """A text as a reader sees it: {organisation} and {name} replaced ("…" for a missing value)."""
    return str(text).replace("{organisation}", organisation or "…").replace("{name}", name or "…")


def text(p: Problems, path: Path, value: Any) -> str | None:
    """One text shown to people: non-empty, trimmed, printable, with known placeholders only."""
    if not isinstance(value, str):
        hint = _QUOTE_HINT if isinstance(value, bool | int | float) or value is None else ""
        p.add(path, f"expected text, found {describe(value)}{hint}")
        return None
    problem = _text_problem(value)
    if problem:
        p.add(path, problem)
        return None
    return value


def _text_problem(value: str) -> str | None:
    if not value.strip():
        return "the text is empty"
    if value != value.strip():
        return "the text starts or ends with a space"
    if len(value) > MAX_TEXT_CHARS:
        return f"the text is {len(value)} characters long; the limit is {MAX_TEXT_CHARS}"
    bad = next((ch for ch in value if _forbidden(ch)), None)
    if bad is not None:
        return f"the text contains a control or invisible character (U+{ord(bad):04X})"
    return _placeholder_problem(value)


def _forbidden(ch: str) -> bool:
    return ch == "\ufeff" or unicodedata.category(ch) in _FORBIDDEN_CATEGORIES


def _placeholder_problem(value: str) -> str | None:
    allowed = one_of("{" + name + "}" for name in PLACEHOLDERS)
    for name in _PLACEHOLDER.findall(value):
        if name not in PLACEHOLDERS:
            return f"unknown placeholder '{{{name}}}'; allowed placeholders: {allowed}"
    if "{" in _PLACEHOLDER.sub("", value) or "}" in _PLACEHOLDER.sub("", value):
        return f"the text has a '{{' or '}}' that is not part of a placeholder ({allowed})"
    return None


def texts(p: Problems, path: Path, value: Any, languages: tuple[str, ...] | None) -> LocalizedText | None:
    """A text per language; exactly the declared ``languages`` when they are known."""
    if not isinstance(value, dict):
        example = " and ".join(f"'{lang}: ...'" for lang in (languages or ("nl", "en")))
        p.add(path, f"expected a text per language (such as {example}), found {describe(value)}")
        return None
    before = len(p)
    found = _language_texts(p, path, value, languages)
    if languages is not None:
        for lang in languages:
            if lang not in value:
                p.add(path, f"missing text for language '{lang}'")
    if len(p) > before:
        return None
    _check_same_placeholders(p, path, found)
    return None if len(p) > before else LocalizedText(found)


def _language_texts(p: Problems, path: Path, value: dict[Any, Any], languages: tuple[str, ...] | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for lang, raw in value.items():
        if not isinstance(lang, str):
            p.add((*path, str(lang)), f"a language code must be text, found {describe(lang)}{_QUOTE_HINT}")
            continue
        if languages is not None and lang not in languages:
            p.add((*path, lang), f"text in language '{lang}', which is not declared in 'languages' ({one_of(languages)})")
            continue
        checked = text(p, (*path, lang), raw)
        if checked is not None:
            found[lang] = checked
    return found


def _check_same_placeholders(p: Problems, path: Path, found: dict[str, str]) -> None:
    used = {lang: placeholders_in(value) for lang, value in found.items()}
    if len(set(used.values())) > 1:
        detail = "; ".join(f"{lang} uses {_names(names)}" for lang, names in used.items())
        p.add(path, f"the languages use different placeholders: {detail}")


def _names(names: frozenset[str]) -> str:
    return ", ".join("{" + n + "}" for n in sorted(names)) or "none"
