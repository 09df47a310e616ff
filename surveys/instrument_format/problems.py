"""Collects validation problems with a readable location (path, item key, YAML line)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .vocabulary import MAX_PROBLEMS

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """``("sections", 1, "items", 3)`` -> ``"sections[1].items[3]"``; the root is ``"file"``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"


def describe(value: object) -> str:
    """A short, non-technical name for what was found where something else was expected."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"yes/no value ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({_quote(value)})"
    if isinstance(value, Mapping):
        return "a group of fields (a mapping)"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a value of type {type(value).__name__}"


def _quote(value: str, limit: int = 40) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(shown)


def one_of(allowed: Iterable[str]) -> str:
    return ", ".join(allowed)


def did_you_mean(value: object, allowed: Iterable[str]) -> str:
    """`` (did you mean 'competence'?)`` when a close match exists, else ``""``."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value.lower(), list(allowed), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass
class Problems:
    """Problems found in one file, reported in file order (by YAML line where known).

    ``lines`` maps paths to YAML line numbers; labels (such as ``item 'com_quality'``) name the
    object at a path in every message below it, also in messages added before the label.
    """

    lines: Mapping[Path, int] = field(default_factory=dict)
    _found: list[tuple[Path, str]] = field(default_factory=list)
    _labels: dict[Path, str] = field(default_factory=dict)
    _count: int = 0

    def label(self, path: Path, text: str) -> None:
        self._labels[path] = text

    def add(self, path: Path, message: str) -> None:
        self._count += 1
        if self._count <= MAX_PROBLEMS:
            self._found.append((path, message))

    def __len__(self) -> int:
        return self._count

    @property
    def messages(self) -> list[str]:
        """The first MAX_PROBLEMS problems in file order, then a count of the rest."""
        ordered = sorted(enumerate(self._found), key=lambda pair: (self._line(pair[1][0]) or 0, pair[0]))
        listed = [f"{self._where(path)}: {message}" for _, (path, message) in ordered]
        hidden = self._count - len(self._found)
        return listed + ([f"file: {hidden:,} more problems not listed; fix the ones above first"] if hidden else [])

    def _line(self, path: Path) -> int | None:
        found = _nearest(self.lines, path)
        return found if isinstance(found, int) and path else None

    def _where(self, path: Path) -> str:
        notes = [str(label) for label in (_nearest(self._labels, path),) if label]
        line = self._line(path)
        if line is not None:
            notes.append(f"line {line}")
        suffix = f" ({', '.join(notes)})" if notes else ""
        return format_path(path) + suffix


def _nearest(table: Mapping[Path, object], path: Path) -> object | None:
    for end in range(len(path), 0, -1):
        found = table.get(path[:end])
        if found is not None:
            return found
    return None
