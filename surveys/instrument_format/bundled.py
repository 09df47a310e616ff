"""The instruments shipped with Trustier in ``surveys/instruments/``."""

from __future__ import annotations

from pathlib import Path

from .files import load_file
from .model import Instrument

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "instruments"
CORE_KEYS = ("core-inside", "core-outside", "core-person")
MODULE_KEYS = ("module-felt-trust", "module-manager-team")


def bundled_path(key: str) -> Path:
    """The path of a shipped instrument, e.g. ``bundled_path("core-inside")``."""
    if key not in (*CORE_KEYS, *MODULE_KEYS):
        raise KeyError(key)
    return BUNDLED_DIR / f"{key}.yaml"


def load_bundled(key: str) -> Instrument:
    return load_file(bundled_path(key))
