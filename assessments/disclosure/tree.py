"""Primary and complementary suppression over the organisation's unit tree (measurement-science.md §4.2).

Model
-----
Every unit has respondents attached *directly* to it (``Node.direct``, possibly 0) and its published
group is its whole subtree: ``n(G) = direct(G) + Σ n(child)``. The atomic, disjoint cells are the
units' direct-member sets; every group is a union of them, and every additive figure (count, sum,
mean given n, SD given n and mean, % favourable, answer distribution) of a group is the sum of the
same figure over its atoms. An attacker who sees several groups can therefore learn exactly the
linear combinations of the published groups.

Rules as implemented
--------------------
1. ``n = 0`` → ``empty``: nothing to show, nobody to protect. For subtraction the empty unit is
   treated as *known* to the attacker (conservative: they may know from the org chart or the
   response rate that nobody answered), so it neither needs protection nor can serve as a
   complement — hiding a group of nobody would protect nobody. (Whether the UI says "no
   responses" or the neutral "not enough responses" is its choice; if non-response itself is
   sensitive, render ``empty`` like a hidden group. The guarantees below hold either way.)
2. Primary: ``0 < n < k`` → ``below_threshold``.
3. Remainder rule, generalised to the tree: for a published group G let ``pub(G)`` be its nearest
   published descendants (published children, or published grandchildren below a hidden child,
   ...). The attacker computes ``rem(G) = n(G) − Σ_{D ∈ pub(G)} n(D)``: G's own direct members
   plus every hidden subtree not covered by a published group below G. We require
   ``rem(G) = 0 or rem(G) ≥ k``. The direct members are thus an implicit hidden "child": a
   parent with 2 direct members and children 10 and 10 violates the rule exactly like a parent
   with a hidden child of 2.
4. Repair (next-smallest-sibling suppression): while ``0 < rem(G) < k``, hide the smallest group
   in ``pub(G)`` whose own remainder is non-empty (ties by input order). Its remainder (≥ k)
   merges into G's, so one suppression fixes G. If every group in ``pub(G)`` has an empty
   remainder (each is exactly the sum of published groups below it, i.e. already derivable), hide
   the smallest of them and look among its published children. Reason ``remainder`` when the
   exposed set was G's direct members alone, ``complementary`` otherwise; ``related`` is G.

Why never the parent: the published figures carry as much information as there are non-empty
remainder blocks (the dimension of their span, see below). Any repair must merge G's small block
into another block, costing at least one. Hiding a published descendant with a non-empty
remainder costs exactly one and changes no other block, so it can never create a new violation;
hiding G instead merges its block into its nearest published ancestor's, which cascades upward
whenever that ancestor's remainder was empty — and it removes a larger, more widely read figure.
Such a descendant always exists (G is published, so ``n(G) ≥ k > rem(G)``, so some published
group below G has a non-empty remainder), so hiding the parent is never the only option in a tree.

Why this is exact, not a heuristic: in a tree the published groups form a laminar family, and
``1_G = 1_{R(G)} + Σ_{D ∈ pub(G)} 1_D`` where ``R(G)`` is G's remainder block. The blocks are
disjoint, so the span of the published groups' indicator vectors is the span of the block
indicators, and its 0/1 vectors are exactly unions of blocks. Hence *no linear combination
whatsoever* of published groups isolates a set of 1..k−1 respondents iff every block has 0 or
≥ k respondents — which is what rule 3 enforces. (The test suite checks this with an independent
rational Gaussian elimination.)

Fixed point: the sweep visits published groups bottom-up; a repair at G only merges blocks into
G's, so groups already visited stay valid and one sweep reaches the fixed point. ``suppress_tree``
nevertheless loops until a sweep changes nothing (normally 2 sweeps) and raises ``RuntimeError``
if that ever took more than ``len(nodes) + 1`` sweeps.

Limits: protection is against exact (linear) recovery from the published groups of *one* release.
Counts of invited people or response rates shown for hidden groups would leak their n — hide them
with the figures. Bounds reasoning (n ≥ 1, answers within 1..7) narrows hidden values to intervals;
groups of ≥ k keep that interval wide, nothing more is promised. Cross-classifications are in
``table.py``, ad-hoc filters in ``filters.py``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .decision import COMPLEMENTARY, REMAINDER, Decision, primary
from .policy import DisclosurePolicy


@dataclass(frozen=True, slots=True)
class Node:
    """One unit: its id, its parent's id (``None`` for a root) and its directly attached respondents."""

    id: Hashable
    parent: Hashable | None
    direct: int = 0


@dataclass(frozen=True)
class TreeSuppression:
    """Decision per unit id, subtree sizes (never display a hidden one), and sweeps until the fixed point."""

    decisions: Mapping[Hashable, Decision]
    sizes: Mapping[Hashable, int]
    passes: int

    def __getitem__(self, unit_id: Hashable) -> Decision:
        return self.decisions[unit_id]

    def published(self) -> frozenset[Hashable]:
        return frozenset(u for u, d in self.decisions.items() if d.published)


@dataclass(frozen=True)
class _Forest:
    order: Mapping[Hashable, int]
    children: Mapping[Hashable, tuple[Hashable, ...]]
    roots: tuple[Hashable, ...]
    direct: Mapping[Hashable, int]
    size: Mapping[Hashable, int]
    post_order: tuple[Hashable, ...]


def suppress_tree(nodes: Iterable[Node], policy: DisclosurePolicy, *, comments: bool = False) -> TreeSuppression:
    """Decide for every unit whether its subtree group may be published (rules in the module docstring).

    ``comments=True`` uses the comments threshold: comment lists are localised by the same blocks
    (a comment in G's list but in no published descendant's list comes from ``R(G)``).
    """
    forest = _build_forest(nodes)
    k = policy.threshold(comments=comments)
    decisions = {u: primary(forest.size[u], k) for u in forest.order}
    passes = 0
    while True:
        passes += 1
        if passes > len(forest.order) + 1:
            raise RuntimeError("complementary suppression did not reach a fixed point")
        if not _sweep(forest, decisions, k):
            break
    return TreeSuppression(MappingProxyType(decisions), MappingProxyType(dict(forest.size)), passes)


def tree_remainders(nodes: Iterable[Node], decisions: Mapping[Hashable, Decision]) -> dict[Hashable, int]:
    """What an attacker computes per published unit G: ``n(G) − Σ n(nearest published descendants)``.

    The audit invariant after :func:`suppress_tree` is that each value is 0 or ≥ the threshold.
    """
    forest = _build_forest(nodes)
    pub_children = _published_forest(forest, decisions)
    return {g: _remainder(forest, g, kids) for g, kids in pub_children.items()}


def _sweep(forest: _Forest, decisions: dict[Hashable, Decision], k: int) -> bool:
    """One bottom-up pass of the remainder rule; returns whether anything was hidden."""
    pub_children = _published_forest(forest, decisions)
    rem = {g: _remainder(forest, g, kids) for g, kids in pub_children.items()}
    changed = False
    for g in forest.post_order:
        while g in pub_children and 0 < rem[g] < k:
            victim = _choose_complement(forest, pub_children[g], rem)
            reason = REMAINDER if rem[g] == forest.direct[g] else COMPLEMENTARY
            decisions[victim] = Decision(False, reason, related=g)
            pub_children[g].remove(victim)
            pub_children[g].extend(pub_children.pop(victim))
            rem[g] += rem.pop(victim)
            changed = True
    return changed


def _choose_complement(forest: _Forest, candidates: list[Hashable], rem: Mapping[Hashable, int]) -> Hashable:
    """Smallest candidate whose remainder is non-empty; else the smallest (already derivable) one."""
    if not candidates:  # impossible for a published group with 0 < rem < k; guards the proof
        raise RuntimeError("published group with a small remainder but no published descendant")
    useful = [d for d in candidates if rem[d] > 0]
    pool = useful or candidates
    return min(pool, key=lambda d: (forest.size[d], forest.order[d]))


def _remainder(forest: _Forest, g: Hashable, kids: Iterable[Hashable]) -> int:
    return forest.size[g] - sum(forest.size[d] for d in kids)


def _published_forest(forest: _Forest, decisions: Mapping[Hashable, Decision]) -> dict[Hashable, list[Hashable]]:
    """Published unit → its nearest published descendants, in input order."""
    pub_children: dict[Hashable, list[Hashable]] = {}
    stack: list[tuple[Hashable, Hashable | None]] = [(r, None) for r in reversed(forest.roots)]
    while stack:
        unit, ancestor = stack.pop()
        if decisions[unit].published:
            pub_children[unit] = []
            if ancestor is not None:
                pub_children[ancestor].append(unit)
            ancestor = unit
        stack.extend((c, ancestor) for c in reversed(forest.children[unit]))
    return pub_children


def _build_forest(nodes: Iterable[Node]) -> _Forest:
    """Validate ids, parents and counts; compute subtree sizes and a post-order."""
    nodes = list(nodes)
    order = _index_ids(nodes)
    children: dict[Hashable, list[Hashable]] = {u: [] for u in order}
    roots = []
    for node in nodes:
        _check_count(node)
        if node.parent is None:
            roots.append(node.id)
        elif node.parent not in children:
            raise ValueError(f"unit {node.id!r} has unknown parent {node.parent!r}")
        else:
            children[node.parent].append(node.id)
    post = _post_order(roots, children)
    if len(post) != len(order):
        raise ValueError("the unit parents form a cycle")
    direct = {n.id: n.direct for n in nodes}
    size = dict(direct)
    for u in post:
        size[u] += sum(size[c] for c in children[u])
    frozen_children = {u: tuple(c) for u, c in children.items()}
    return _Forest(order, frozen_children, tuple(roots), direct, size, tuple(post))


def _index_ids(nodes: list[Node]) -> dict[Hashable, int]:
    order: dict[Hashable, int] = {}
    for i, node in enumerate(nodes):
        if node.id is None or node.id in order:
            raise ValueError(f"unit ids must be unique and not None, got {node.id!r} twice or None")
        order[node.id] = i
    return order


def _check_count(node: Node) -> None:
    if isinstance(node.direct, bool) or not isinstance(node.direct, int) or node.direct < 0:
        raise ValueError(f"unit {node.id!r}: direct respondents must be an integer ≥ 0, got {node.direct!r}")


def _post_order(roots: list[Hashable], children: Mapping[Hashable, list[Hashable]]) -> list[Hashable]:
    """Children before parents, iteratively (deep trees must not hit the recursion limit)."""
    out: list[Hashable] = []
    stack: list[tuple[Hashable, bool]] = [(r, False) for r in reversed(roots)]
    while stack:
        unit, expanded = stack.pop()
        if expanded:
            out.append(unit)
            continue
        stack.append((unit, True))
        stack.extend((c, False) for c in reversed(children[unit]))
    return out
