"""Ad-hoc filter differencing check against what the viewer already saw (measurement-science.md §4.2, rec. 3).

The Django side keeps, per viewer and wave, a release log: the respondent-id set of every group it
has shown that viewer (tree groups, table cells, filtered groups, live snapshots — everything).
Ids never leave the server; only the decision does. Before showing a new filtered group:

- figures (``comments=False``): the group needs ``n ≥ k`` and, for every logged group B,
  ``|A △ B| = 0 or ≥ k`` — the Google Ads Data Hub style pairwise difference check. Two sums over
  A and B reveal the sum over A △ B only when one contains the other, but a small symmetric
  difference also lets a viewer attribute a shift in the mean to a handful of people, so the rule
  is kept symmetric as recommended.
- comments (``comments=True``): comment lists are sets, so a comment that appears in A's list and
  in B's list is localised to A ∩ B — intersections leak too. Every region of the Venn diagram of
  A with the logged groups that A creates or splits (A ∩ region, region ∖ A) must hold 0 or ≥ k
  respondents, with k the comments threshold. This check is exact for set-valued releases.

Limits: for figures the check is pairwise, as in Data Hub. It does not see three-way combinations
(A − B − C with B, C disjoint inside A); those are excluded for the pre-defined tree and table
releases by ``tree.py`` and ``table.py``, but an exact audit over arbitrary ad-hoc sets (a
minimum-weight 0/1 vector in a subspace) is expensive in general and is not attempted here. Keep
ad-hoc filters few and coarse, and log every release.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Set

from .decision import DIFFERENCE, OVERLAP, SHOWN, Decision, primary
from .policy import DisclosurePolicy


def filter_allowed(
    requested: Set[Hashable], seen: Iterable[Set[Hashable]], policy: DisclosurePolicy, *, comments: bool = False
) -> Decision:
    """May the group ``requested`` (respondent ids) be shown to a viewer who already saw ``seen``?

    Returns ``Decision(True, "published")`` or a refusal: ``empty``, ``below_threshold``,
    ``difference`` (``related`` = index of the conflicting group in ``seen``) or ``overlap``.
    Record ``requested`` in the viewer's log only when it is allowed and actually shown.
    """
    k = policy.threshold(comments=comments)
    decision = primary(len(requested), k)
    if not decision.published:
        return decision
    if comments:
        return _regions_allowed(requested, list(seen), k)
    return _differences_allowed(requested, seen, k)


def _differences_allowed(requested: Set[Hashable], seen: Iterable[Set[Hashable]], k: int) -> Decision:
    n = len(requested)
    for index, other in enumerate(seen):
        if abs(n - len(other)) >= k:  # |A △ B| ≥ ||A| − |B||: cannot be small
            continue
        difference = n + len(other) - 2 * len(_intersection(requested, other))
        if 0 < difference < k:
            return Decision(False, DIFFERENCE, related=index)
    return SHOWN


def _regions_allowed(requested: Set[Hashable], seen: list[Set[Hashable]], k: int) -> Decision:
    signature: dict[Hashable, list[int]] = {}
    for index, group in enumerate(seen):
        for member in group:
            signature.setdefault(member, []).append(index)
    region = Counter(tuple(s) for s in signature.values())
    inside = Counter(tuple(signature.get(member, ())) for member in requested)
    for key, count in inside.items():
        outside = region[key] - count if key else 0  # key () = in no logged group: the rest is never listed
        if count < k or 0 < outside < k:
            return Decision(False, OVERLAP)
    return SHOWN


def _intersection(a: Set[Hashable], b: Set[Hashable]) -> Set[Hashable]:
    return a & b if len(a) <= len(b) else b & a
