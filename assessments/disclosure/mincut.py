"""Find a small directed cut in a small graph — the exact audit behind ``table.py``.

Pure graph algorithm, no disclosure vocabulary: given a directed graph with integer capacities,
find a vertex set S (neither empty nor everything) whose outgoing capacity is below ``limit``.
We only ever need to know whether a cut is *below* ``limit`` (the threshold k ≤ a few dozen), so
every augmenting-path max-flow stops after ``limit`` units of flow and capacities ≥ ``limit`` act
as infinite. A global directed min cut separates a fixed vertex v0 from some t in one of the two
directions, so 2·(|V| − 1) capped flows settle it: O(|V| · limit · |E|).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Mapping, Sequence

Arc = tuple[Hashable, Hashable]


def small_cut(vertices: Sequence[Hashable], capacity: Mapping[Arc, int], limit: int) -> frozenset[Hashable] | None:
    """Return S with ∅ ≠ S ⊊ vertices and Σ capacity(u→v), u ∈ S, v ∉ S, below ``limit``; else ``None``.

    Arcs with an endpoint outside ``vertices`` are ignored. Deterministic for a given input order,
    so the same release always yields the same suppression pattern.
    """
    inside = set(vertices)
    caps = {a: min(c, limit) for a, c in capacity.items() if a[0] in inside and a[1] in inside and c > 0}
    neighbours: dict[Hashable, dict[Hashable, None]] = {v: {} for v in vertices}  # dicts: deterministic order
    for u, v in caps:
        neighbours[u][v] = None
        neighbours[v][u] = None
    first = vertices[0]
    for other in vertices[1:]:
        for source, sink in ((first, other), (other, first)):
            side = _capped_min_cut(neighbours, caps, source, sink, limit)
            if side is not None:
                return side
    return None


def _capped_min_cut(
    neighbours: Mapping[Hashable, Mapping[Hashable, None]], caps: Mapping[Arc, int], source: Hashable, sink: Hashable, limit: int
) -> frozenset[Hashable] | None:
    """Source side of a source–sink cut below ``limit``, or ``None`` when the max flow reaches ``limit``."""
    residual = dict(caps)
    flow = 0
    while flow < limit:
        parent = _augmenting_path(neighbours, residual, source, sink)
        if parent is None:
            return frozenset(_reachable(neighbours, residual, source))
        flow += _push(parent, residual, source, sink)
    return None


def _augmenting_path(
    neighbours: Mapping[Hashable, Mapping[Hashable, None]], residual: Mapping[Arc, int], source: Hashable, sink: Hashable
) -> dict[Hashable, Hashable] | None:
    parent: dict[Hashable, Hashable] = {source: source}
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for v in neighbours[u]:
            if v not in parent and residual.get((u, v), 0) > 0:
                parent[v] = u
                if v == sink:
                    return parent
                queue.append(v)
    return None


def _push(parent: Mapping[Hashable, Hashable], residual: dict[Arc, int], source: Hashable, sink: Hashable) -> int:
    path = []
    v = sink
    while v != source:
        path.append((parent[v], v))
        v = parent[v]
    amount = min(residual[a] for a in path)
    for u, v in path:
        residual[(u, v)] -= amount
        residual[(v, u)] = residual.get((v, u), 0) + amount
    return amount


def _reachable(neighbours: Mapping[Hashable, Mapping[Hashable, None]], residual: Mapping[Arc, int], source: Hashable) -> set[Hashable]:
    seen = {source}
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for v in neighbours[u]:
            if v not in seen and residual.get((u, v), 0) > 0:
                seen.add(v)
                queue.append(v)
    return seen
