"""What the scoring engine needs to know about each answered item."""

from __future__ import annotations

from typing import NamedTuple

from .model import Instrument
from .vocabulary import OPEN_ROLES


class ScoredItem(NamedTuple):
    """How to read one closed item's answers: its role, dimension, keying and scale range."""

    role: str
    dimension: str | None
    reverse_keyed: bool
    scale_min: int
    scale_max: int


def scored_items(instrument: Instrument) -> dict[str, ScoredItem]:
    """Item key -> ScoredItem for every closed item, in instrument order.

    Open questions (role 'comment') are left out. Roles 'global_trust', 'intention' and
    'custom_unscored' are included with ``dimension`` None so answers can be checked against their
    scale; only 'dimension' and 'custom_scored' count as trust given, 'felt_trust' is kept apart.
    """
    out: dict[str, ScoredItem] = {}
    for item in instrument.items:
        if item.role in OPEN_ROLES:
            continue
        scale = instrument.scale_for(item)
        out[item.key] = ScoredItem(item.role, item.dimension, item.reverse_keyed, scale.min, scale.max)
    return out
