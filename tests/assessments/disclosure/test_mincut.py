"""small_cut: the capped directed min cut behind the table audit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.disclosure.mincut import small_cut

INF = 10**18


def cut_weight(side: frozenset, capacity: dict) -> int:
    return sum(c for (u, v), c in capacity.items() if u in side and v not in side)


def test_a_bridge_is_a_small_cut():
    # given two strongly tied pairs joined by one arc of weight 1 (and an infinite reverse arc)
    capacity = {("a", "b"): 9, ("b", "a"): INF, ("c", "d"): 9, ("d", "c"): INF, ("b", "c"): 1, ("c", "b"): INF}
    side = small_cut(["a", "b", "c", "d"], capacity, 5)
    assert side is not None and cut_weight(side, capacity) == 1


def test_a_cycle_of_large_arcs_has_no_small_cut():
    capacity = {
        ("r1", "c1"): 5,
        ("c1", "r1"): INF,
        ("r1", "c2"): 5,
        ("c2", "r1"): INF,
        ("r2", "c1"): 5,
        ("c1", "r2"): INF,
        ("r2", "c2"): 5,
        ("c2", "r2"): INF,
    }
    assert small_cut(["r1", "c1", "r2", "c2"], capacity, 5) is None


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.just(n), st.dictionaries(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), st.integers(1, 12), max_size=12)
        )
    ),
    st.integers(1, 10),
)
def test_agrees_with_brute_force_over_all_vertex_sets(graph, limit):
    n, arcs = graph
    capacity = {(u, v): c for (u, v), c in arcs.items() if u != v}
    vertices = list(range(n))
    side = small_cut(vertices, capacity, limit)
    subsets = [frozenset(v for v in vertices if mask >> v & 1) for mask in range(1, 2**n - 1)]
    best = min(cut_weight(s, capacity) for s in subsets)
    if side is None:
        assert best >= limit
    else:
        assert 0 < len(side) < n and cut_weight(side, capacity) < limit
