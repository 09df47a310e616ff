"""Complementary suppression for a cross-classification: units × attribute value (measurement-science.md §4.2).

Model
-----
Rows are units, columns the values of one pre-defined attribute (e.g. tenure band); the cells are
disjoint respondent sets. Row margins are the units' groups, column margins the organisation-wide
attribute groups, the total is the organisation. Every respondent must be in exactly one column:
put "not stated" in its own column. As in ``tree.py`` every additive figure is linear in the cells,
an empty cell (n = 0) is ``empty`` and treated as known to the attacker.

Rules as implemented
--------------------
1. Primary: a cell or margin with ``0 < n < k`` is ``below_threshold``; margins named in
   ``hidden_rows`` / ``hidden_cols`` / ``hide_total`` are ``external`` (pass the units hidden by
   :func:`~assessments.disclosure.tree.suppress_tree`, so the two releases agree).
2. Line rule (the classic rule, to a fixed point): for every published row, column and the
   total, the hidden cells it contains must sum to 0 or ≥ k — otherwise the margin minus the
   published cells isolates them. Violations are repaired by hiding the smallest published cell
   of that line, preferring a cell whose crossing line is violated too. This implies the classic
   "a published line with a below-threshold hidden cell has at least two hidden cells"; a line
   whose only hidden cell is a complementary one (n ≥ k) is left alone: recovering a group of ≥ k
   discloses nobody, and step 3 checks the combinations that could.
3. Exact audit, to a fixed point: no combination of published margins and cells may isolate a set
   of 1..k−1 respondents. Subtracting published cells, the unknowns are the hidden non-empty
   cells: edges of a bipartite graph between rows and columns. A published margin is the sum of
   its line's edges; rows/columns with hidden margins are merged into one "grounded" vertex (two,
   rows and columns apart, when the total is published, since the total adds a free common
   shift). Writing a combination as vertex potentials, the 0/1 vectors it can produce are exactly
   sums of directed cuts δ⁺(S) = {(r, c) hidden: r ∈ S, c ∉ S} over vertex sets S with no hidden
   (r, c) having c ∈ S, r ∉ S. So the release is safe iff every such cut holds 0 or ≥ k respondents —
   a capped directed min-cut per connected component (``mincut.py``). A violating S is repaired by
   hiding the smallest published cell crossing S (which either adds ≥ k to the cut or breaks its
   closure); if none crosses, by hiding a margin whose equation the cut uses (the smallest that
   will expose a crossing cell), then the total, then any margin. Margins hidden here are reported
   as ``complementary``: the caller must hide them everywhere (unit dashboard, exports) too.

Limits
------
- Heuristic choice, exact check: the suppression pattern is greedy, not the minimum-loss pattern
  an LP/ILP (e.g. sdcTable's or τ-ARGUS's optimal methods, Statistics Norway's GaussSuppression)
  would find; but the released table passes the exact linear audit of step 3.
- Linear attacks only: bounds reasoning (n ≥ 0, answers in 1..7) can narrow hidden cells to
  intervals; with the reason codes shown to viewers it narrows further (see ``decision.py``).
- One table at a time. Two attributes cut across the same units (tenure and location) form a
  3-D structure, and the tree's sub-unit groups are not modelled here; audit such combinations
  with pre-defined cuts only, or run them as filters (``filters.py``).
- Figures only. Comment *lists* are localised by set intersection, not subtraction: publishing a
  row's and a column's comment lists reveals the comments of their common cell. Show comments for
  a single classification (a tree) only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .decision import COMPLEMENTARY, EXTERNAL, Decision, primary
from .mincut import small_cut
from .policy import DisclosurePolicy

Cell = tuple[Hashable, Hashable]
Line = tuple[str, Hashable]  # ("row", r), ("col", c) or ("total", None)
TOTAL_LINE: Line = ("total", None)
_GROUNDED = ("grounded", None)
_GROUNDED_ROWS = ("grounded", "rows")
_GROUNDED_COLS = ("grounded", "cols")
_INFINITE = 10**18  # closure arcs; small_cut caps every capacity at the threshold anyway


@dataclass(frozen=True)
class TableSuppression:
    """Decisions per cell (every row × column, missing cells as empty), per row and column margin, and the total."""

    cells: Mapping[Cell, Decision]
    rows: Mapping[Hashable, Decision]
    cols: Mapping[Hashable, Decision]
    total: Decision
    passes: int


@dataclass(frozen=True)
class _Table:
    rows: tuple[Hashable, ...]
    cols: tuple[Hashable, ...]
    n: Mapping[Cell, int]

    def cells(self, line: Line) -> list[Cell]:
        kind, key = line
        if kind == "row":
            return [(key, c) for c in self.cols]
        if kind == "col":
            return [(r, key) for r in self.rows]
        return [(r, c) for r in self.rows for c in self.cols]

    def size(self, line: Line) -> int:
        return sum(self.n[cell] for cell in self.cells(line))

    def lines(self) -> list[Line]:
        return [("row", r) for r in self.rows] + [("col", c) for c in self.cols] + [TOTAL_LINE]


@dataclass
class _State:
    cell: dict[Cell, Decision]
    line: dict[Line, Decision]

    def hidden_positive(self, table: _Table, cells: Iterable[Cell]) -> list[Cell]:
        return [c for c in cells if table.n[c] > 0 and not self.cell[c].published]

    def published_positive(self, table: _Table, cells: Iterable[Cell]) -> list[Cell]:
        return [c for c in cells if table.n[c] > 0 and self.cell[c].published]


def suppress_table(
    cells: Mapping[Cell, int],
    policy: DisclosurePolicy,
    *,
    hidden_rows: Iterable[Hashable] = (),
    hidden_cols: Iterable[Hashable] = (),
    hide_total: bool = False,
) -> TableSuppression:
    """Decide which cells and margins of a units × attribute table may be published (module docstring).

    ``cells`` maps ``(row, column)`` to a respondent count; missing pairs count as 0.
    """
    table = _build_table(cells)
    k = policy.min_group
    state = _primary(table, k, set(hidden_rows), set(hidden_cols), hide_total)
    _line_rule(table, state, k)
    passes = _exact_rule(table, state, k)
    rows = {r: state.line[("row", r)] for r in table.rows}
    cols = {c: state.line[("col", c)] for c in table.cols}
    return TableSuppression(
        MappingProxyType(dict(state.cell)), MappingProxyType(rows), MappingProxyType(cols), state.line[TOTAL_LINE], passes
    )


def _build_table(cells: Mapping[Cell, int]) -> _Table:
    rows: dict[Hashable, None] = {}
    cols: dict[Hashable, None] = {}
    for key, n in cells.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"cell keys must be (row, column) pairs, got {key!r}")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"cell {key!r}: count must be an integer ≥ 0, got {n!r}")
        rows.setdefault(key[0])
        cols.setdefault(key[1])
    full = {(r, c): cells.get((r, c), 0) for r in rows for c in cols}
    return _Table(tuple(rows), tuple(cols), full)


def _primary(table: _Table, k: int, hidden_rows: set, hidden_cols: set, hide_total: bool) -> _State:
    unknown = (hidden_rows - set(table.rows)) | (hidden_cols - set(table.cols))
    if unknown:
        raise ValueError(f"hidden margins not in the table: {sorted(map(repr, unknown))}")
    forced = {("row", r) for r in hidden_rows} | {("col", c) for c in hidden_cols} | ({TOTAL_LINE} if hide_total else set())
    lines = {}
    for line in table.lines():
        decision = primary(table.size(line), k)
        lines[line] = Decision(False, EXTERNAL) if line in forced and decision.published else decision
    return _State({cell: primary(n, k) for cell, n in table.n.items()}, lines)


def _line_rule(table: _Table, state: _State, k: int) -> None:
    """Every published line's hidden cells sum to 0 or ≥ k; bounded by the number of cells."""
    for _ in range(len(table.n) + 1):
        violated = [line for line in table.lines() if _line_violated(table, state, line, k)]
        if not violated:
            return
        for line in violated:
            if _line_violated(table, state, line, k):
                cell = _choose_line_complement(table, state, line, k)
                state.cell[cell] = Decision(False, COMPLEMENTARY, related=line)
    raise RuntimeError("line rule did not reach a fixed point")


def _line_violated(table: _Table, state: _State, line: Line, k: int) -> bool:
    if not state.line[line].published:
        return False
    hidden = sum(table.n[c] for c in state.hidden_positive(table, table.cells(line)))
    return 0 < hidden < k


def _choose_line_complement(table: _Table, state: _State, line: Line, k: int) -> Cell:
    """Smallest published cell of the line, preferring one whose crossing line also needs a complement."""
    candidates = state.published_positive(table, table.cells(line))
    if not candidates:  # impossible: a published line has n ≥ k but its hidden cells sum below k
        raise RuntimeError(f"no complement available in {line!r}")
    order = {cell: i for i, cell in enumerate(table.n)}

    def key(cell: Cell) -> tuple[bool, int, int]:
        crossing = ("col", cell[1]) if line[0] == "row" else ("row", cell[0])
        helps_twice = line != TOTAL_LINE and _line_violated(table, state, crossing, k)
        return (not helps_twice, table.n[cell], order[cell])

    return min(candidates, key=key)


def _exact_rule(table: _Table, state: _State, k: int) -> int:
    """Audit with the min-cut criterion and repair until no small cut remains; returns the audit rounds."""
    bound = len(table.n) + len(table.rows) + len(table.cols) + 2
    for passes in range(1, bound + 1):
        graph = _Graph.build(table, state)
        cut = graph.find_small_cut(k)
        if cut is None:
            return passes
        _repair(table, state, graph, cut)
    raise RuntimeError("exact audit did not reach a fixed point")


@dataclass(frozen=True)
class _Graph:
    """Hidden non-empty cells as arcs row-vertex → column-vertex, grounded margins merged."""

    vertex_of: Mapping[Line, Line]
    capacity: Mapping[tuple[Line, Line], int]
    edges: Mapping[Cell, tuple[Line, Line]]
    vertices: tuple[Line, ...]
    total_published: bool

    @staticmethod
    def build(table: _Table, state: _State) -> _Graph:
        total = state.line[TOTAL_LINE].published
        vertex_of: dict[Line, Line] = {}
        for line in table.lines()[:-1]:
            grounded = _GROUNDED_ROWS if line[0] == "row" else _GROUNDED_COLS
            vertex_of[line] = line if state.line[line].published else (grounded if total else _GROUNDED)
        capacity: dict[tuple[Line, Line], int] = {}
        edges: dict[Cell, tuple[Line, Line]] = {}
        for cell in state.hidden_positive(table, table.n):
            tail, head = vertex_of[("row", cell[0])], vertex_of[("col", cell[1])]
            if tail == head:  # hidden cell in a hidden row and hidden column: in no published equation
                continue
            edges[cell] = (tail, head)
            capacity[(tail, head)] = capacity.get((tail, head), 0) + table.n[cell]
            capacity[(head, tail)] = _INFINITE
        vertices = tuple(dict.fromkeys(v for pair in edges.values() for v in pair))
        return _Graph(vertex_of, capacity, edges, vertices, total)

    def components(self) -> list[list[Line]]:
        parent = {v: v for v in self.vertices}

        def find(v: Line) -> Line:
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        for tail, head in self.edges.values():
            parent[find(tail)] = find(head)
        groups: dict[Line, list[Line]] = {}
        for v in self.vertices:
            groups.setdefault(find(v), []).append(v)
        return list(groups.values())

    def component_of(self, vertex: Line) -> list[Line]:
        return next(c for c in self.components() if vertex in c)

    def find_small_cut(self, k: int) -> frozenset[Line] | None:
        for component in self.components():
            cut = small_cut(component, self.capacity, k)
            if cut is not None:
                return cut
        return None

    def side(self, line: Line, cut: frozenset[Line]) -> bool:
        return self.vertex_of[line] in cut


def _repair(table: _Table, state: _State, graph: _Graph, cut: frozenset[Line]) -> None:
    exposed = tuple(cell for cell, (tail, head) in graph.edges.items() if tail in cut and head not in cut)
    crossing = [
        cell for cell in state.published_positive(table, table.n) if graph.side(("row", cell[0]), cut) != graph.side(("col", cell[1]), cut)
    ]
    if crossing:
        order = {cell: i for i, cell in enumerate(table.n)}
        component = set(graph.component_of(next(iter(cut))))

        def key(c: Cell) -> tuple[bool, int, int]:  # prefer closing the gap inside S's own component
            ends = {graph.vertex_of[("row", c[0])], graph.vertex_of[("col", c[1])]}
            return (not ends <= component, table.n[c], order[c])

        cell = min(crossing, key=key)
        state.cell[cell] = Decision(False, COMPLEMENTARY, related=exposed)
        return
    line = _margin_to_hide(table, state, graph, cut)
    state.line[line] = Decision(False, COMPLEMENTARY, related=exposed)


def _margin_to_hide(table: _Table, state: _State, graph: _Graph, cut: frozenset[Line]) -> Line:
    """No published cell crosses the cut: remove an equation the cut relies on (see module docstring).

    First choice: a margin whose vertex would move to the grounded vertex on the other side of the
    cut, preferring the one that carries the most hidden respondents across (that alone may close
    the gap), then the smallest. Next the total (if some margin is hidden, else it is derivable),
    then the smallest published margin.
    """
    published = [line for line in table.lines()[:-1] if state.line[line].published and table.size(line) > 0]
    moves = {line: _switch(table, state, graph, cut, line) for line in published}
    switching = [line for line in published if moves[line] is not None]
    if switching:
        return min(switching, key=lambda line: (-min(moves[line], table.size(line)), table.size(line), table.lines().index(line)))
    if state.line[TOTAL_LINE].published and (_GROUNDED_ROWS in graph.vertices or _GROUNDED_COLS in graph.vertices):
        return TOTAL_LINE  # with no hidden margin the total is derivable anyway: hiding it would change nothing
    if published:
        return min(published, key=lambda line: (table.size(line), table.lines().index(line)))
    raise RuntimeError("a small cut remains but nothing is left to hide")


def _switch(table: _Table, state: _State, graph: _Graph, cut: frozenset[Line], line: Line) -> int | None:
    """Hidden respondents carried across the cut if this margin were hidden; ``None`` if that changes nothing.

    Hiding the margin moves its vertex to the grounded vertex. That matters for this cut only when
    the grounded vertex lies on the other side and the line has non-empty cells towards its own side
    (hidden ones then cross the cut, published ones become crossing complements for the next round).
    """
    kind = line[0]
    grounded = (_GROUNDED_ROWS if kind == "row" else _GROUNDED_COLS) if graph.total_published else _GROUNDED
    if grounded not in graph.vertices or (grounded in cut) == (line in cut):
        return None
    other = "col" if kind == "row" else "row"
    same_side = [
        cell
        for cell in table.cells(line)
        if table.n[cell] > 0 and graph.side((other, cell[1] if kind == "row" else cell[0]), cut) == (line in cut)
    ]
    if not same_side:
        return None
    return sum(table.n[cell] for cell in same_side if not state.cell[cell].published)
