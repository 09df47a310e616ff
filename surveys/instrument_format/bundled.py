"""The instruments shipped with Trustier in ``surveys/instruments/``, and the combinations offered ready-made."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .files import load_file
from .model import Instrument, LocalizedText
from .modules import with_modules

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "instruments"
CORE_KEYS = ("core-inside", "core-outside", "core-person")
MODULE_KEYS = ("module-felt-trust", "module-manager-team")
# key → (base, modules, name): a core instrument with optional modules, shipped as its own instrument so that an
# assessment can choose it without building it (issue 11: felt trust beside trust given).
COMBINED = {
    "core-inside-felt-trust": ("core-inside", ("module-felt-trust",), LocalizedText(
        {"nl": "Vertrouwen binnen de organisatie, met ervaren vertrouwen",
         "en": "Trust inside the organisation, with felt trust"})),
}
COMBINED_KEYS = tuple(COMBINED)
BUNDLED_KEYS = (*CORE_KEYS, *COMBINED_KEYS, *MODULE_KEYS)


def bundled_path(key: str) -> Path:
    """The path of a shipped instrument file, e.g. ``bundled_path("core-inside")``."""
    if key not in (*CORE_KEYS, *MODULE_KEYS):
        raise KeyError(key)
    return BUNDLED_DIR / f"{key}.yaml"


def load_bundled(key: str) -> Instrument:
    if key in COMBINED:
        base, modules, name = COMBINED[key]
        combined = with_modules(load_bundled(base), *(load_bundled(m) for m in modules))
        return replace(combined, key=key, name=name)
    return load_file(bundled_path(key))
