"""Trustier's instrument file format: one instrument version as YAML or JSON.

Pure Python (stdlib + PyYAML), no Django. The format is documented in
``docs/instrument-rationale.md``; in short::

    format: trustier-instrument/1
    key: core-inside
    name: {nl: ..., en: ...}
    languages: [nl, en]
    scale: {min: 1, max: 7, labels: [...], dont_know: {nl: ..., en: ...}}
    sections:
      - key: organisation
        title: {nl: ..., en: ...}
        items:
          - key: com_quality
            role: dimension
            dimension: competence
            referent: organisation
            pulse: true
            text: {nl: ..., en: ...}

Public API: ``load``, ``load_file``, ``dump``, ``warnings``, ``pulse``, ``scored_items``,
``with_modules``, ``load_bundled``; the dataclasses ``Instrument``, ``Section``, ``Item``,
``Scale``, ``ScaleLabel``, ``LocalizedText``; ``InstrumentFormatError`` and ``QualityWarning``.
"""

from __future__ import annotations

from .bundled import BUNDLED_DIR, BUNDLED_KEYS, COMBINED_KEYS, CORE_KEYS, MODULE_KEYS, bundled_path, load_bundled
from .default_scale import DEFAULT_SCALE
from .errors import InstrumentFormatError
from .files import checked, dump, load, load_file
from .model import Instrument, Item, LocalizedText, Scale, ScaleLabel, Section
from .modules import with_modules
from .pulse import pulse
from .quality import WARNING_CODES, QualityWarning, warnings
from .scoring import ScoredItem, scored_items
from .vocabulary import DIMENSIONS, FORMAT_ID, INTENTIONS, MAX_FILE_BYTES, REFERENTS, ROLES

__all__ = [
    "BUNDLED_DIR",
    "BUNDLED_KEYS",
    "COMBINED_KEYS",
    "CORE_KEYS",
    "DEFAULT_SCALE",
    "DIMENSIONS",
    "FORMAT_ID",
    "INTENTIONS",
    "MAX_FILE_BYTES",
    "MODULE_KEYS",
    "REFERENTS",
    "ROLES",
    "WARNING_CODES",
    "Instrument",
    "InstrumentFormatError",
    "Item",
    "LocalizedText",
    "QualityWarning",
    "Scale",
    "ScaleLabel",
    "ScoredItem",
    "Section",
    "bundled_path",
    "checked",
    "dump",
    "load",
    "load_bundled",
    "load_file",
    "pulse",
    "scored_items",
    "warnings",
    "with_modules",
]
