"""Hypothesis strategies: random unit trees and random units × attribute tables."""

from __future__ import annotations

from hypothesis import strategies as st

from assessments.disclosure import Node

# Half the draws are small (0..4, i.e. around and below every threshold), half spread to 30.
COUNTS = st.one_of(st.integers(0, 4), st.integers(0, 30))
THRESHOLDS = st.integers(3, 10)


@st.composite
def trees(draw, *, max_nodes: int = 30, max_depth: int = 4, max_children: int = 8) -> list[Node]:
    """A random tree (root at depth 0, leaves down to ``max_depth``) with random direct-member counts."""
    nodes = [Node(0, None, draw(COUNTS))]
    frontier = [(0, 0)]
    while frontier and len(nodes) < max_nodes:
        parent, depth = frontier.pop(0)
        if depth >= max_depth:
            continue
        for _ in range(draw(st.integers(0, min(max_children, max_nodes - len(nodes))))):
            uid = len(nodes)
            nodes.append(Node(uid, parent, draw(COUNTS)))
            frontier.append((uid, depth + 1))
    return nodes


@st.composite
def tables(draw, *, max_rows: int = 5, max_cols: int = 5) -> dict:
    """A random units × attribute table of respondent counts (every row × column pair present)."""
    rows = draw(st.integers(1, max_rows))
    cols = draw(st.integers(1, max_cols))
    return {(f"u{r}", f"v{c}"): draw(COUNTS) for r in range(rows) for c in range(cols)}


@st.composite
def forced_margins(draw, table: dict) -> dict:
    """Margins the caller already hides (e.g. units hidden by the tree): mostly none."""
    rows = sorted({r for r, _ in table})
    cols = sorted({c for _, c in table})
    return {
        "hidden_rows": draw(st.lists(st.sampled_from(rows), max_size=2, unique=True) | st.just([])),
        "hidden_cols": draw(st.lists(st.sampled_from(cols), max_size=2, unique=True) | st.just([])),
        "hide_total": draw(st.booleans()),
    }
