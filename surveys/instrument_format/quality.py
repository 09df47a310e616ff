"""Quality warnings for the builder: things that are allowed but weaken the measurement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from . import wording
from .model import Instrument, Item, Scale
from .vocabulary import (
    DIMENSIONS,
    MAX_WORDS_PER_ITEM,
    MIN_ITEMS_PER_DIMENSION,
    OPEN_ROLES,
    TRUST_GIVEN_ROLES,
)

WARNING_CODES: dict[str, str] = {
    "dimension_too_few_items": "a dimension has 1 or 2 scored items: it cannot be scored reliably",
    "dimension_missing": "a dimension has no scored items while others do: no Trust Index",
    "no_global_trust": "dimension items but no global trust item: no key-driver analysis, no pulse",
    "felt_trust_too_few_items": "fewer than 3 felt-trust items in all",
    "scale_partly_labelled": "not every point of a scale has words",
    "double_barrelled": "the wording may ask about two things at once",
    "negative_wording": "the wording contains a negative word",
    "too_long": f"the wording has more than {MAX_WORDS_PER_ITEM} words",
    "reverse_keyed": "a reverse-keyed item",
    "required_comment": "an open question that must be answered",
    "missing_self_text": "an item about a person has no self-rating wording while others do",
}


@dataclass(frozen=True)
class QualityWarning:
    """One warning: ``item_key`` is None for a warning about the whole instrument."""

    item_key: str | None
    code: str
    message_en: str
    language: str | None = None


def warnings(instrument: Instrument) -> list[QualityWarning]:
    """Every quality warning, instrument-wide ones first, then per item in order."""
    found = list(_scale_warnings(None, instrument.scale))
    found += _coverage_warnings(instrument)
    uses_self_text = any(item.self_text is not None for item in instrument.items)
    for item in instrument.items:
        found += _item_warnings(item, uses_self_text, instrument.languages)
    return found


def _scale_warnings(item_key: str | None, scale: Scale | None) -> Iterator[QualityWarning]:
    if scale is None or len(scale.labels) == scale.points:
        return
    owner = "the instrument's scale" if item_key is None else "this item's scale"
    yield QualityWarning(
        item_key,
        "scale_partly_labelled",
        f"Only {len(scale.labels)} of the {scale.points} points of {owner} have words; "
        "a fully labelled scale is answered more consistently.",
    )


def _coverage_warnings(instrument: Instrument) -> list[QualityWarning]:
    given = Counter(item.dimension for item in instrument.items if item.role in TRUST_GIVEN_ROLES)
    found: list[QualityWarning] = []
    if given:
        found += _dimension_counts(given)
        if not any(item.role == "global_trust" for item in instrument.items):
            found.append(QualityWarning(None, "no_global_trust", _NO_GLOBAL))
    felt = sum(1 for item in instrument.items if item.role == "felt_trust")
    if 0 < felt < MIN_ITEMS_PER_DIMENSION:
        found.append(QualityWarning(None, "felt_trust_too_few_items", _FELT.format(n=felt)))
    return found


_NO_GLOBAL = "There is no global trust item (role 'global_trust'): key drivers cannot be computed and no pulse can be derived."
_FELT = "Felt trust has only {n} item(s); with fewer than 3 felt-trust items the felt-trust score cannot be scored reliably."


def _dimension_counts(given: Mapping[str | None, int]) -> list[QualityWarning]:
    found = []
    for dimension in DIMENSIONS:
        count = given.get(dimension, 0)
        if count == 0:
            message = f"Dimension '{dimension}' has no scored items, so no Trust Index can be computed."
            found.append(QualityWarning(None, "dimension_missing", message))
        elif count < MIN_ITEMS_PER_DIMENSION:
            message = (
                f"Dimension '{dimension}' has only {count} scored item(s); with fewer than "
                f"{MIN_ITEMS_PER_DIMENSION} it cannot be scored reliably."
            )
            found.append(QualityWarning(None, "dimension_too_few_items", message))
    return found


def _item_warnings(item: Item, uses_self_text: bool, languages: tuple[str, ...]) -> list[QualityWarning]:
    found = list(_scale_warnings(item.key, item.scale))
    for label, texts in (("wording", item.text), ("self-rating wording", item.self_text)):
        for language in languages if texts is not None else ():
            found += _wording_warnings(item, language, texts[language], label)
    found += _keying_warnings(item, uses_self_text)
    return found


def _wording_warnings(item: Item, language: str, text: str, label: str) -> list[QualityWarning]:
    found = []
    joiners = wording.joining_words(text, language)
    if joiners:
        message = f"The {label} ({language}) may ask about two things at once ({_quoted(joiners)}); if so, split it into two items."
        found.append(QualityWarning(item.key, "double_barrelled", message, language))
    negatives = wording.negative_words(text, language) if item.role not in OPEN_ROLES else []
    if negatives:
        message = (
            f"The {label} ({language}) is negatively worded ({_quoted(negatives)}); positive wording avoids a method factor and misreading."
        )
        found.append(QualityWarning(item.key, "negative_wording", message, language))
    if wording.too_long(text):
        count = wording.word_count(text)
        message = f"The {label} ({language}) has {count} words; keep items to {MAX_WORDS_PER_ITEM} or fewer."
        found.append(QualityWarning(item.key, "too_long", message, language))
    return found


def _quoted(found: list[str]) -> str:
    return ", ".join(f"'{word}'" for word in dict.fromkeys(found))


def _keying_warnings(item: Item, uses_self_text: bool) -> list[QualityWarning]:
    found = []
    if item.reverse_keyed:
        message = "Reverse-keyed items tend to form a separate method factor; prefer positive wording."
        found.append(QualityWarning(item.key, "reverse_keyed", message))
    if item.role in OPEN_ROLES and item.required:
        message = "A required open question invites empty or careless answers; make it optional."
        found.append(QualityWarning(item.key, "required_comment", message))
    if uses_self_text and item.referent == "person" and item.self_text is None:
        message = "Other items have self-rating wording (self_text) but this one has none."
        found.append(QualityWarning(item.key, "missing_self_text", message))
    return found
