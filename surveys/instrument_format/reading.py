"""Bytes or text -> plain Python data, refusing oversized, mis-encoded and unsafe files.

YAML is read with ``yaml.SafeLoader`` only and aliases (``*name``) are refused, so a "billion
laughs" file cannot expand. Line numbers of every field are kept for error messages, and a field
written twice in one mapping is reported (YAML and JSON would silently keep the last one).
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import InstrumentFormatError
from .problems import Path
from .vocabulary import MAX_FILE_BYTES, MAX_VALUES

_MAX_INDEX_DEPTH = 12
_SEVERAL_DOCUMENTS = "the file holds more than one YAML document ('---'); keep one"
_UTF16_32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass
class RawDocument:
    """Parsed data before validation, with YAML line numbers and duplicate-field problems."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    duplicates: list[tuple[Path, str]] = field(default_factory=list)


def read(source: str | bytes, fmt: str) -> RawDocument:
    """Parse ``source`` as ``fmt`` ("yaml" or "json"); raise InstrumentFormatError if unreadable."""
    if fmt not in ("yaml", "json"):
        raise ValueError(f"fmt must be 'yaml' or 'json', not {fmt!r}")
    text = _as_text(source).removeprefix("\ufeff")
    if not text.strip():
        raise _fail("the file is empty")
    document = _read_yaml(text) if fmt == "yaml" else _read_json(text)
    if not isinstance(document.data, dict):
        found = "a list" if isinstance(document.data, list) else "a single value"
        raise _fail(f"the file must hold a mapping of fields (such as 'key: ...') at the top, found {found}")
    return document


def _fail(message: str) -> InstrumentFormatError:
    return InstrumentFormatError([f"file: {message}"])


def _as_text(source: str | bytes) -> str:
    if isinstance(source, str):
        _check_size(len(source) if len(source) > MAX_FILE_BYTES else _utf8_size(source))
        return source
    if not isinstance(source, bytes | bytearray):
        raise TypeError(f"source must be str or bytes, not {type(source).__name__}")
    _check_size(len(source))
    return _decode(bytes(source))


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise _fail(f"the file is {size:,} bytes; the limit is 1 MB ({MAX_FILE_BYTES:,} bytes)")


def _decode(data: bytes) -> str:
    if data.startswith(_UTF16_32_BOMS):
        raise _fail("the file is saved as UTF-16 or UTF-32; save it as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise _fail(f"the file is not UTF-8 text (byte 0x{bad:02X} at position {exc.start}); save it as UTF-8") from None


# --- YAML ---------------------------------------------------------------------------------


_TOO_MANY_VALUES = f"the file holds more than {MAX_VALUES:,} values; an instrument file is far smaller"


class _AliasError(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (nothing can expand) and stops after MAX_VALUES nodes."""

    values = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _AliasError(self.peek_event().start_mark)
        self.values += 1
        if self.values > MAX_VALUES:
            raise _fail(_TOO_MANY_VALUES)
        return super().compose_node(parent, index)


def _read_yaml(text: str) -> RawDocument:
    try:
        node, data = _compose_and_construct(text)
    except InstrumentFormatError:
        raise
    except _AliasError as exc:
        raise _fail(f"line {exc.mark.line + 1}: YAML aliases ('*name') are not allowed; write the value out in full") from None
    except yaml.reader.ReaderError as exc:
        raise _fail(_reader_message(exc, text)) from None
    except yaml.composer.ComposerError as exc:
        raise _fail(_composer_message(exc, text)) from None
    except yaml.constructor.ConstructorError as exc:
        tag_problem = "constructor for the tag" in (exc.problem or "")
        raise _fail(_tag_message(exc) if tag_problem else _yaml_syntax_message(exc, text)) from None
    except yaml.MarkedYAMLError as exc:
        raise _fail(_yaml_syntax_message(exc, text)) from None
    except RecursionError:
        raise _fail("the file is nested too deeply") from None
    except ValueError as exc:  # e.g. a number with too many digits, an impossible date
        raise _fail(_value_message(exc)) from None
    document = RawDocument(data)
    _index_node(node, (), document, depth=0)
    return document


def _compose_and_construct(text: str) -> tuple[yaml.Node, Any]:
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _fail("the file is empty (it holds only comments)")
        return node, loader.construct_document(node)
    finally:
        loader.dispose()


def _composer_message(exc: yaml.composer.ComposerError, text: str) -> str:
    if "single document" in (exc.context or ""):
        return _SEVERAL_DOCUMENTS
    if "duplicate anchor" in (exc.context or "") and exc.problem_mark:
        return f"line {exc.problem_mark.line + 1}: a YAML anchor ('&name') is defined twice; anchors are not needed here"
    return _yaml_syntax_message(exc, text)


def _value_message(exc: ValueError) -> str:
    if "digits" in str(exc):
        return "the file holds a number with too many digits"
    return f"the file holds a value that cannot be read: {exc}"


def _tag_message(exc: yaml.constructor.ConstructorError) -> str:
    mark = exc.problem_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    tag = re.search(r"'tag:yaml\.org,2002:([^']*)'|'(![^']*)'", exc.problem or "")
    shown = f"!!{tag.group(1)}" if tag and tag.group(1) else (tag.group(2) if tag else "this tag")
    return f"the file is not valid YAML: {where}YAML tags such as '{shown}' are not allowed; write plain values"


def _reader_message(exc: yaml.reader.ReaderError, text: str) -> str:
    line = text.count("\n", 0, exc.position) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return f"line {line}: the file contains a character that is not allowed (U+{code:04X})"


def _yaml_syntax_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    what = exc.problem or exc.context or "syntax error"
    if "'\\t'" in what:
        what += " (indent with spaces, not tabs)"
    return f"the file is not valid YAML: {where}{what}{_brace_hint(mark, text)}"


def _brace_hint(mark: yaml.Mark | None, text: str) -> str:
    lines = text.splitlines()
    if mark is None:
        return ""
    nearby = lines[max(mark.line - 1, 0) : mark.line + 1]
    if any(re.search(r":\s*\{\w+\}", line) for line in nearby):
        return " (a text that starts with a placeholder like {organisation} must be put in quotes)"
    return ""


def _index_node(node: yaml.Node, path: Path, document: RawDocument, depth: int) -> None:
    if depth > _MAX_INDEX_DEPTH:
        return
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            child = (*path, key)
            document.lines.setdefault(child, key_node.start_mark.line + 1)
            if key in seen:
                document.duplicates.append((child, key))
            seen.add(key)
            _index_node(value_node, child, document, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, value_node in enumerate(node.value):
            document.lines[(*path, index)] = value_node.start_mark.line + 1
            _index_node(value_node, (*path, index), document, depth + 1)


# --- JSON ---------------------------------------------------------------------------------


class _JsonObject(dict):  # type: ignore[type-arg]
    """A JSON object that remembers the field names it held more than once."""

    repeated: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject(pairs)
    names = [name for name, _ in pairs]
    obj.repeated = tuple(dict.fromkeys(n for i, n in enumerate(names) if n in names[:i]))
    return obj


def _read_json(text: str) -> RawDocument:
    try:
        data = json.loads(text, object_pairs_hook=_object_pairs)
    except json.JSONDecodeError as exc:
        raise _fail(f"the file is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise _fail("the file is nested too deeply") from None
    except ValueError as exc:
        raise _fail(_value_message(exc)) from None
    if _count_values(data) > MAX_VALUES:
        raise _fail(_TOO_MANY_VALUES)
    document = RawDocument(data)
    _collect_json_duplicates(data, (), document, depth=0)
    return document


def _count_values(data: Any) -> int:
    count, stack = 0, [data]
    while stack and count <= MAX_VALUES:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            count += len(value)  # the field names
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count


def _collect_json_duplicates(value: Any, path: Path, document: RawDocument, depth: int) -> None:
    if depth > _MAX_INDEX_DEPTH:
        return
    if isinstance(value, _JsonObject):
        document.duplicates.extend(((*path, name), name) for name in value.repeated)
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    else:
        return
    for name, child in children:
        _collect_json_duplicates(child, (*path, name), document, depth + 1)


def duplicate_messages(document: RawDocument) -> list[tuple[Path, str]]:
    """(path, message) for every field written twice in the same mapping."""
    return [(path, f"field '{name}' is written more than once here; keep one") for path, name in document.duplicates]
