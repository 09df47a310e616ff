"""Frozen, hashable value objects for one instrument version."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class LocalizedText(Mapping[str, str]):
    """An immutable language code -> text mapping that keeps its order and can be hashed."""

    __slots__ = ("_pairs",)

    def __init__(self, texts: Mapping[str, str] | Sequence[tuple[str, str]] = ()) -> None:
        pairs = texts.items() if isinstance(texts, Mapping) else texts
        self._pairs: dict[str, str] = dict(pairs)

    def __getitem__(self, language: str) -> str:
        return self._pairs[language]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __hash__(self) -> int:
        return hash(frozenset(self._pairs.items()))

    def __repr__(self) -> str:
        return f"LocalizedText({self._pairs!r})"


def _text(value: Any) -> Any:
    """Freeze a mapping given for a text field; leave anything else for validation to report."""
    if isinstance(value, Mapping) and not isinstance(value, LocalizedText):
        return LocalizedText(value)
    return value


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _freeze(obj: object, *, texts: tuple[str, ...] = (), seqs: tuple[str, ...] = ()) -> None:
    for name in texts:
        object.__setattr__(obj, name, _text(getattr(obj, name)))
    for name in seqs:
        object.__setattr__(obj, name, _tuple(getattr(obj, name)))


@dataclass(frozen=True)
class ScaleLabel:
    """The words shown for one point of a scale."""

    value: int
    text: LocalizedText

    def __post_init__(self) -> None:
        _freeze(self, texts=("text",))


@dataclass(frozen=True)
class Scale:
    """A rating scale from ``min`` to ``max`` with optional labels and an off-scale "don't know"."""

    min: int
    max: int
    labels: tuple[ScaleLabel, ...] = ()
    dont_know: LocalizedText | None = None

    def __post_init__(self) -> None:
        _freeze(self, texts=("dont_know",), seqs=("labels",))

    @property
    def points(self) -> int:
        return self.max - self.min + 1


@dataclass(frozen=True)
class Item:
    """One question. ``dimension`` is set only for roles scored into a dimension."""

    key: str
    role: str
    referent: str
    text: LocalizedText
    dimension: str | None = None
    intention: str | None = None
    self_text: LocalizedText | None = None
    reverse_keyed: bool = False
    required: bool = True
    pulse: bool = False
    scale: Scale | None = None

    def __post_init__(self) -> None:
        _freeze(self, texts=("text", "self_text"))


@dataclass(frozen=True)
class Section:
    """A titled group of items, shown together to the respondent."""

    key: str
    title: LocalizedText
    items: tuple[Item, ...]
    intro: LocalizedText | None = None

    def __post_init__(self) -> None:
        _freeze(self, texts=("title", "intro"), seqs=("items",))


@dataclass(frozen=True)
class Instrument:
    """One instrument version: what a file in the format holds."""

    key: str
    name: LocalizedText
    languages: tuple[str, ...]
    scale: Scale
    sections: tuple[Section, ...]
    version: int | None = None
    description: LocalizedText | None = None

    def __post_init__(self) -> None:
        _freeze(self, texts=("name", "description"), seqs=("languages", "sections"))

    @property
    def items(self) -> tuple[Item, ...]:
        """All items in the order a respondent sees them."""
        return tuple(item for section in self.sections for item in section.items)

    def item(self, key: str) -> Item:
        """The item with this key (KeyError if there is none)."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def scale_for(self, item: Item) -> Scale:
        """The scale an item is answered on: its own override, else the instrument's."""
        return item.scale if item.scale is not None else self.scale
