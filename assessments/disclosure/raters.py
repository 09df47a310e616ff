"""Which 360° rater groups a subject's report may show (measurement-science.md §5; issue 9 item 2).

Rules as implemented, with k = ``policy.min_raters`` (3 by default, never below 3):

- ``self``: always shown to the subject (``self``) — their own answers.
- ``manager``: shown attributed even with one rater (``attributed``); the manager is told before
  answering. Being attributed, the manager's answers count as known in every subtraction below.
- every other group with ``n ≥ k``: shown (``published``); with ``0 < n < k``: pooled into
  ``"others"``. If the pool reaches k, "others" is shown and its members are ``merged``. If it
  does not, and some group is shown, the smallest shown group joins the pool (``complementary``):
  a pool of 1..k−1 would otherwise be recoverable as all raters − manager − shown groups.
  Joining a group to the pool instead of hiding it keeps its raters' answers in the report.
- ``all_raters`` (everyone but self, manager included): after the steps above the remainder
  ``all_raters − manager − shown groups − shown "others"`` is either 0 or the hidden pool; if the
  pool is 1..k−1 (only possible when no group could be merged), ``all_raters`` is hidden
  (``remainder``) — the manager cannot be un-attributed, so all_raters is the only option left.
  With no anonymous rater at all, all_raters equals the manager's answers (``attributed``).

Comments: apply the same function to the counts of raters who commented. Rater identities are
never part of the result. Differencing across several reports or cycles of the same subject is a
release-log question (``filters.py``), not handled here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .decision import ATTRIBUTED, COMPLEMENTARY, MERGED, NOTHING, REMAINDER, SELF, SHOWN, TOO_SMALL, Decision
from .policy import DisclosurePolicy

OTHERS = "others"
ALL_RATERS = "all_raters"


@dataclass(frozen=True)
class RaterVisibility:
    """Decision per rater group (the caller's groups plus ``others`` and ``all_raters``), and the pooled groups."""

    decisions: Mapping[str, Decision]
    pooled: tuple[str, ...]

    def __getitem__(self, group: str) -> Decision:
        return self.decisions[group]


def rater_groups_visible(
    counts: Mapping[str, int], policy: DisclosurePolicy, *, self_group: str = "self", manager_group: str = "manager"
) -> RaterVisibility:
    """Apply the 360° rules (module docstring) to ``counts``: rater group name → raters who answered."""
    _validate(counts, self_group, manager_group)
    k = policy.min_raters
    anonymous = {g: n for g, n in counts.items() if g not in (self_group, manager_group)}
    shown = [g for g, n in anonymous.items() if n >= k]
    pooled = [g for g, n in anonymous.items() if 0 < n < k]
    donor = None
    if pooled and sum(anonymous[g] for g in pooled) < k and shown:
        donor = min(shown, key=lambda g: (anonymous[g], list(anonymous).index(g)))
        shown.remove(donor)
        pooled.append(donor)
    pool_n = sum(anonymous[g] for g in pooled)
    decisions = {g: _attributed(counts[g], SELF) for g in counts if g == self_group}
    decisions |= {g: _attributed(counts[g], ATTRIBUTED) for g in counts if g == manager_group}
    for group, n in anonymous.items():
        decisions[group] = _anonymous(group, n, shown, pool_n >= k, donor)
    decisions[OTHERS] = SHOWN if pool_n >= k else (NOTHING if pool_n == 0 else TOO_SMALL)
    decisions[ALL_RATERS] = _all_raters(sum(anonymous.values()), counts.get(manager_group, 0), pool_n, k)
    return RaterVisibility(MappingProxyType(decisions), tuple(pooled))


def _anonymous(group: str, n: int, shown: list[str], pool_shown: bool, donor: str | None) -> Decision:
    if n == 0:
        return NOTHING
    if group in shown:
        return SHOWN
    if group == donor:
        return Decision(False, COMPLEMENTARY, related=OTHERS)
    return Decision(False, MERGED, related=OTHERS) if pool_shown else TOO_SMALL


def _attributed(n: int, reason: str) -> Decision:
    return Decision(True, reason) if n > 0 else NOTHING


def _all_raters(anonymous_n: int, manager_n: int, pool_n: int, k: int) -> Decision:
    if anonymous_n == 0:
        return _attributed(manager_n, ATTRIBUTED)
    if 0 < pool_n < k:
        return Decision(False, REMAINDER)
    return SHOWN


def _validate(counts: Mapping[str, int], self_group: str, manager_group: str) -> None:
    if self_group == manager_group:
        raise ValueError("self and manager must be different rater groups")
    for name in (OTHERS, ALL_RATERS):
        if name in counts:
            raise ValueError(f"{name!r} is computed here and cannot be an input rater group")
    for group, n in counts.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"rater group {group!r}: count must be an integer ≥ 0, got {n!r}")
