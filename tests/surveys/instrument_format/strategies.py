"""Hypothesis strategies that build random *valid* instruments."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from surveys.instrument_format import (
    DIMENSIONS,
    INTENTIONS,
    REFERENTS,
    ROLES,
    Instrument,
    Item,
    LocalizedText,
    Scale,
    ScaleLabel,
    Section,
)

LANGUAGES = ("nl", "en", "de", "fr", "en-GB", "fy")
RESERVED = {"unit", "wave", "id", "respondent"}
# Texts that YAML would read as something else unless quoted, and other awkward ones.
TRICKY = (
    "yes", "No", "off", "null", "~", "true", "1", "0o17", "0x1F", "1.5e3", ".inf", "- item",
    "key: value", "#hash", "a # b", "'quoted'", '"double"', "@at", "`tick", "!tag", "&anchor",
    "*alias", "%percent", "a  b", "…", "über", "€ 5", "[x]", ":", "? q", "---", "...", "<<",
    "=", "2024-01-01", "12:30", ">", "|", "a\\b", "don't", "Collega's", "😀 emoji", "日本語",
)  # fmt: skip

_PLAIN = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"), blacklist_characters="{}\ufeff")
_BASE_TEXT = st.one_of(
    st.text(alphabet=_PLAIN, min_size=1, max_size=40).filter(lambda s: s.strip() == s and s != ""),
    st.sampled_from(TRICKY),
)


@st.composite
def text_with(draw: st.DrawFn, placeholders: frozenset[str]) -> str:
    """One text holding exactly the given placeholders, at random places."""
    parts = [draw(_BASE_TEXT) for _ in range(len(placeholders) + 1)]
    names = draw(st.permutations(sorted(placeholders)))
    pieces = [parts[0]]
    for name, part in zip(names, parts[1:], strict=True):
        pieces += ["{" + name + "}", part]
    return " ".join(pieces)


@st.composite
def texts(draw: st.DrawFn, languages: tuple[str, ...], allowed: tuple[str, ...] = ("organisation",)) -> LocalizedText:
    chosen = frozenset(draw(st.lists(st.sampled_from(allowed), unique=True, max_size=len(allowed))))
    return LocalizedText({lang: draw(text_with(chosen)) for lang in languages})


@st.composite
def scales(draw: st.DrawFn, languages: tuple[str, ...]) -> Scale:
    low = draw(st.integers(-3, 5))
    high = low + draw(st.integers(1, 10))
    values = sorted(draw(st.sets(st.integers(low, high))))
    labels = tuple(ScaleLabel(value, draw(texts(languages))) for value in values)
    dont_know = draw(st.none() | texts(languages))
    return Scale(min=low, max=high, labels=labels, dont_know=dont_know)


def _role_fields(draw: st.DrawFn, role: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if role in ("dimension", "custom_scored", "felt_trust"):
        out["dimension"] = draw(st.sampled_from(DIMENSIONS))
    if role == "intention":
        out["intention"] = draw(st.sampled_from(INTENTIONS))
    if role in ("dimension", "global_trust"):
        out["pulse"] = draw(st.booleans())
    return out


@st.composite
def items(draw: st.DrawFn, key: str, languages: tuple[str, ...]) -> Item:
    role = draw(st.sampled_from(ROLES))
    referent = draw(st.sampled_from(tuple(REFERENTS)))
    person = referent == "person"
    allowed = ("organisation", "name") if person else ("organisation",)
    closed = role != "comment"
    return Item(
        key=key,
        role=role,
        referent=referent,
        text=draw(texts(languages, allowed)),
        self_text=draw(st.none() | texts(languages)) if person else None,
        reverse_keyed=draw(st.booleans()) if closed else False,
        required=draw(st.booleans()),
        scale=draw(st.none() | scales(languages)) if closed else None,
        **_role_fields(draw, role),
    )


def _one_pulse_per_slot(sections: list[Section]) -> tuple[Section, ...]:
    taken: set[str | None] = set()
    fixed = []
    for section in sections:
        new_items = []
        for item in section.items:
            slot = item.dimension if item.role == "dimension" else item.role
            if item.pulse and slot in taken:
                item = replace(item, pulse=False)
            taken.add(slot if item.pulse else None)
            new_items.append(item)
        fixed.append(replace(section, items=tuple(new_items)))
    return tuple(fixed)


_ITEM_KEY = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(lambda k: k not in RESERVED)
_SECTION_KEY = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
_INSTRUMENT_KEY = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)


@st.composite
def instruments(draw: st.DrawFn) -> Instrument:
    languages = tuple(draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True)))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    keys = iter(draw(st.lists(_ITEM_KEY, min_size=sum(sizes), max_size=sum(sizes), unique=True)))
    section_keys = draw(st.lists(_SECTION_KEY, min_size=len(sizes), max_size=len(sizes), unique=True))
    sections = [
        Section(
            key=section_key,
            title=draw(texts(languages)),
            items=tuple(draw(items(next(keys), languages)) for _ in range(size)),
            intro=draw(st.none() | texts(languages)),
        )
        for section_key, size in zip(section_keys, sizes, strict=True)
    ]
    return Instrument(
        key=draw(_INSTRUMENT_KEY),
        name=draw(texts(languages)),
        languages=languages,
        scale=draw(scales(languages)),
        sections=_one_pulse_per_slot(sections),
        version=draw(st.none() | st.integers(1, 10_000)),
        description=draw(st.none() | texts(languages)),
    )
