"""Small helpers that build instruments in tests."""

from __future__ import annotations

from surveys.instrument_format import DEFAULT_SCALE, DIMENSIONS, Instrument, Item, LocalizedText, Section


def texts(nl: str, en: str) -> LocalizedText:
    return LocalizedText({"nl": nl, "en": en})


def item(key: str, en: str = "The work is good.", nl: str = "Het werk is goed.", **fields) -> Item:
    fields.setdefault("role", "dimension")
    fields.setdefault("referent", "organisation")
    if fields["role"] in ("dimension", "custom_scored", "felt_trust"):
        fields.setdefault("dimension", "competence")
    return Item(key=key, text=texts(nl, en), **fields)


def instrument(*items: Item, key: str = "test") -> Instrument:
    return Instrument(
        key=key,
        name=texts("Test", "Test"),
        languages=("nl", "en"),
        scale=DEFAULT_SCALE,
        sections=(Section(key="main", title=texts("Vragen", "Questions"), items=tuple(items)),),
    )


def balanced(per_dimension: int = 3, *extra: Item) -> Instrument:
    """An instrument with ``per_dimension`` plain items per dimension, a global trust item and ``extra``."""
    items = [item(f"{dimension[:3]}_{n}", dimension=dimension) for dimension in DIMENSIONS for n in range(per_dimension)]
    items.append(item("global", "I trust them.", "Ik vertrouw ze.", role="global_trust"))
    return instrument(*items, *extra)
