"""Disclosure thresholds of one organisation (measurement-science.md §4.1, §5).

Industry default is 5 respondents per published figure and never fewer than 3; free-text comments
need 10; a 360° rater group needs 3 (the manager's answers are attributed, so exempt). The floor of
3 is enforced here, not left to the settings form: below 3 a published mean plus the viewer's own
answer pins down the remaining person's answer almost exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

ABSOLUTE_MIN_GROUP = 3
"""No threshold (figures, comments, rater groups) may be configured below this."""


@dataclass(frozen=True, slots=True)
class DisclosurePolicy:
    """Minimum group sizes: ``min_group`` for figures, ``min_comments`` for comments, ``min_raters`` per 360° group.

    Raises ``ValueError`` for a threshold below :data:`ABSOLUTE_MIN_GROUP`, for a comments threshold
    below the figures threshold (a comment identifies more than a mean does), and for non-integers.
    """

    min_group: int = 5
    min_comments: int = 10
    min_raters: int = 3

    def __post_init__(self) -> None:
        for name in ("min_group", "min_comments", "min_raters"):
            _check_threshold(name, getattr(self, name))
        if self.min_comments < self.min_group:
            raise ValueError(
                f"min_comments ({self.min_comments}) must not be below min_group ({self.min_group}): "
                "a comment identifies its author more easily than a mean does"
            )

    def threshold(self, *, comments: bool = False) -> int:
        """The minimum group size for figures, or for comments when ``comments`` is true."""
        return self.min_comments if comments else self.min_group


def _check_threshold(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < ABSOLUTE_MIN_GROUP:
        raise ValueError(f"{name} must be at least {ABSOLUTE_MIN_GROUP} respondents, got {value}")
