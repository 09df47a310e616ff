"""Disclosure control for Trustier's anonymous results — pure Python, standard library only.

Rules and their sources: ``docs/reference/measurement-science.md`` §4 (thresholds, remainder rule,
complementary suppression, filter difference checks, live results) and §5 (360° rater groups).
One module per job:

- ``policy``    — :class:`DisclosurePolicy` (5 / 10 comments / 3 raters; never below 3)
- ``decision``  — :class:`Decision` and the reason codes the UI translates
- ``tree``      — :func:`suppress_tree`: primary + remainder rule + sibling complement on the unit tree
- ``table``     — :func:`suppress_table`: units × attribute value, with an exact min-cut audit
- ``filters``   — :func:`filter_allowed`: ad-hoc filters against the viewer's release log
- ``live``      — :func:`stepped_count`: live counts only in steps of k
- ``raters``    — :func:`rater_groups_visible`: 360° groups, "others" pooling, all-raters remainder
- ``mincut``    — the capped directed min-cut the table audit uses

Every hidden group hides its respondent count too: show one neutral "not enough responses" for
every hidden reason (see ``decision.py``), and apply the same decisions to exports.
"""

from __future__ import annotations

from .decision import (
    ATTRIBUTED,
    BELOW_THRESHOLD,
    COMPLEMENTARY,
    DIFFERENCE,
    EMPTY,
    EXTERNAL,
    MERGED,
    OVERLAP,
    PUBLISHED,
    REMAINDER,
    SELF,
    Decision,
)
from .filters import filter_allowed
from .live import stepped_count
from .policy import ABSOLUTE_MIN_GROUP, DisclosurePolicy
from .raters import ALL_RATERS, OTHERS, RaterVisibility, rater_groups_visible
from .table import TableSuppression, suppress_table
from .tree import Node, TreeSuppression, suppress_tree, tree_remainders

__all__ = [
    "ABSOLUTE_MIN_GROUP",
    "ALL_RATERS",
    "ATTRIBUTED",
    "BELOW_THRESHOLD",
    "COMPLEMENTARY",
    "DIFFERENCE",
    "EMPTY",
    "EXTERNAL",
    "MERGED",
    "OTHERS",
    "OVERLAP",
    "PUBLISHED",
    "REMAINDER",
    "SELF",
    "Decision",
    "DisclosurePolicy",
    "Node",
    "RaterVisibility",
    "TableSuppression",
    "TreeSuppression",
    "filter_allowed",
    "rater_groups_visible",
    "stepped_count",
    "suppress_table",
    "suppress_tree",
    "tree_remainders",
]
