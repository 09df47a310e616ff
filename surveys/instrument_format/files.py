"""Public load / dump of instrument files (YAML or JSON)."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InstrumentFormatError
from .model import Instrument
from .problems import Problems
from .reading import duplicate_messages, read
from .structure import instrument_from_data
from .vocabulary import MAX_FILE_BYTES
from .writing import instrument_to_data, to_json, to_yaml

_SUFFIX_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def load(source: str | bytes, *, fmt: str = "yaml") -> Instrument:
    """Parse and check an instrument file; raise InstrumentFormatError listing every problem."""
    document = read(source, fmt)
    problems = Problems(lines=document.lines)
    for path, message in duplicate_messages(document):
        problems.add(path, message)
    return instrument_from_data(document.data, problems)


def dump(instrument: Instrument, *, fmt: str = "yaml") -> str:
    """Write ``instrument`` as YAML or JSON; ``load`` of the result gives back an equal Instrument.

    Raises InstrumentFormatError if the instrument breaks a rule of the format (so an invalid
    instrument is never written) and ValueError for an unknown ``fmt``.
    """
    if fmt not in ("yaml", "json"):
        raise ValueError(f"fmt must be 'yaml' or 'json', not {fmt!r}")
    data = instrument_to_data(instrument)
    if instrument_from_data(data, Problems()) != instrument:
        raise InstrumentFormatError(["file: the instrument would not load back unchanged; check its field types"])
    return to_yaml(data) if fmt == "yaml" else to_json(data)


def checked(instrument: Instrument) -> Instrument:
    """``instrument`` itself if it obeys every rule of the format; else InstrumentFormatError."""
    dump(instrument, fmt="json")
    return instrument


def load_file(path: str | os.PathLike[str]) -> Instrument:
    """Load a ``.yaml``, ``.yml`` or ``.json`` file, refusing files over 1 MB before reading them."""
    file = Path(path)
    fmt = _SUFFIX_FORMATS.get(file.suffix.lower())
    if fmt is None:
        raise InstrumentFormatError([f"file: '{file.name}' must end in .yaml, .yml or .json"])
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InstrumentFormatError([f"file: the file is {size:,} bytes; the limit is 1 MB ({MAX_FILE_BYTES:,} bytes)"])
        with file.open("rb") as handle:
            source = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InstrumentFormatError([f"file: cannot read '{file}': {exc.strerror or exc}"]) from None
    return load(source, fmt=fmt)
