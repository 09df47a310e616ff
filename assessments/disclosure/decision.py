"""The verdict on one group, and the machine codes the UI translates (measurement-science.md §4.2).

Viewers should see one neutral message for every hidden reason ("not enough responses to show
this"): telling them *which* hidden cells are primary (``below_threshold``, n < k) and which are
``complementary`` (n ≥ k) narrows the hidden counts down, which is an interval attack. The reason
codes are for the audit log, for owners configuring thresholds, and for tests.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

PUBLISHED = "published"
"""Shown: at least the threshold and no subtraction isolates a small group."""
EMPTY = "empty"
"""No respondents: nothing to compute, nobody to protect (see tree.py on how n = 0 is treated)."""
BELOW_THRESHOLD = "below_threshold"
"""Primary suppression: 0 < n < threshold."""
COMPLEMENTARY = "complementary"
"""Secondary suppression: hidden so that a hidden group cannot be recovered by subtraction."""
REMAINDER = "remainder"
"""Secondary suppression protecting a remainder: a unit's own direct members, or 360° "all raters"."""
EXTERNAL = "external"
"""Hidden because the caller said so (e.g. a table margin already hidden by the unit tree)."""
DIFFERENCE = "difference"
"""Filter refused: differs from a group the viewer already saw by fewer than threshold people."""
OVERLAP = "overlap"
"""Comment filter refused: together with comment lists already seen it isolates a small set."""
SELF = "self"
"""360°: the subject's own answers, always shown to the subject."""
ATTRIBUTED = "attributed"
"""360°: manager's answers, shown attributed (the manager is told before answering)."""
MERGED = "merged"
"""360°: group too small on its own; its answers are shown inside the "others" group."""

REASONS = frozenset({PUBLISHED, EMPTY, BELOW_THRESHOLD, COMPLEMENTARY, REMAINDER, EXTERNAL, DIFFERENCE, OVERLAP, SELF, ATTRIBUTED, MERGED})


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a group's figures (and its respondent count) may be shown, and why.

    ``related`` names what the decision depends on: for secondary suppression the group or line
    whose hidden remainder this suppression protects; for a refused filter the index of the
    conflicting group in the viewer's release log; for a merged 360° group ``"others"``.
    """

    published: bool
    reason: str
    related: Hashable | None = None

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"unknown reason code {self.reason!r}")


SHOWN = Decision(True, PUBLISHED)
NOTHING = Decision(False, EMPTY)
TOO_SMALL = Decision(False, BELOW_THRESHOLD)


def primary(n: int, threshold: int) -> Decision:
    """Primary suppression of one group of ``n`` respondents: empty, below threshold, or shown."""
    if n < 0:
        raise ValueError(f"a respondent count cannot be negative, got {n}")
    if n == 0:
        return NOTHING
    return TOO_SMALL if n < threshold else SHOWN
