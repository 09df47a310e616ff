"""Independent exact audit for the property tests: exact rational linear algebra, no knowledge of trees or tables.

Published groups are linear equations over disjoint atoms (a unit's direct members, a table cell).
An attacker who combines published figures with any real coefficients learns the figure of every
vector in the row space V of the published indicator vectors. A *set* of respondents S is disclosed
iff its indicator vector 1_S lies in V. We search for every such S with 0 < n(S) < k.

Atoms with no respondents are dropped (a conservative choice: the attacker is assumed to know
which atoms are empty), so coordinates are the non-empty atoms only.

Two exact search methods, both built on the reduced row echelon form (RREF) over Fractions:
- block method: coordinates i, j are equal in every vector of V iff columns i and j of the RREF are
  equal. If dim V equals the number of distinct non-zero columns, V is exactly the span of those
  blocks, so its 0/1 vectors are the unions of blocks (this is always the case for a laminar family
  such as a tree, but the code *checks* it instead of assuming it);
- pivot enumeration: every v ∈ V equals Σ v[p_i]·row_i over the pivot columns p_i, so each 0/1
  vector of V is determined by a 0/1 choice on the pivots: enumerate all 2^rank choices.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction

Vector = list[Fraction]


def rref(rows: Iterable[Sequence[int | Fraction]], width: int) -> tuple[list[Vector], list[int]]:
    """Reduced row echelon form (non-zero rows only) and its pivot columns."""
    matrix = [[Fraction(x) for x in row] for row in rows]
    pivots: list[int] = []
    rank = 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][col]
        matrix[rank] = [x / lead for x in matrix[rank]]
        for i in range(len(matrix)):
            if i != rank and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        pivots.append(col)
        rank += 1
    return matrix[:rank], pivots


def in_row_space(basis: list[Vector], pivots: list[int], vector: Sequence[int | Fraction]) -> bool:
    """Is ``vector`` a linear combination of the RREF rows?"""
    residue = [Fraction(x) for x in vector]
    for row, col in zip(basis, pivots, strict=True):
        if residue[col] != 0:
            factor = residue[col]
            residue = [a - factor * b for a, b in zip(residue, row, strict=True)]
    return all(x == 0 for x in residue)


class LinearAudit:
    """The attacker's knowledge: the row space of ``equations`` (sets of atoms) over the non-empty atoms."""

    def __init__(self, equations: Iterable[Iterable[Hashable]], sizes: Mapping[Hashable, int]) -> None:
        self.sizes = dict(sizes)
        self.atoms = [a for a, n in sizes.items() if n > 0]
        self.index = {a: i for i, a in enumerate(self.atoms)}
        rows = [self.indicator(eq) for eq in equations]
        self.basis, self.pivots = rref(rows, len(self.atoms))

    def indicator(self, atoms: Iterable[Hashable]) -> list[int]:
        vector = [0] * len(self.atoms)
        for atom in atoms:
            if atom in self.index:
                vector[self.index[atom]] = 1
        return vector

    def derivable(self, atoms: Iterable[Hashable]) -> bool:
        """Can the attacker compute the figure of this union of atoms?"""
        return in_row_space(self.basis, self.pivots, self.indicator(atoms))

    def small_disclosed_sets(self, k: int, *, max_rank: int = 18) -> list[frozenset[Hashable]]:
        """Every union S of non-empty atoms with 0 < n(S) < k whose indicator lies in the row space."""
        blocks = self._blocks()
        if blocks is not None:
            sets = self._unions_of_blocks(blocks, k)
        else:
            assert len(self.pivots) <= max_rank, f"rank {len(self.pivots)} too large to enumerate"
            sets = self._enumerate_pivot_choices()
        return [s for s in sets if 0 < sum(self.sizes[a] for a in s) < k]

    def _blocks(self) -> list[list[Hashable]] | None:
        columns: dict[tuple[Fraction, ...], list[Hashable]] = {}
        for j, atom in enumerate(self.atoms):
            column = tuple(row[j] for row in self.basis)
            if any(column):
                columns.setdefault(column, []).append(atom)
        return list(columns.values()) if len(columns) == len(self.basis) else None

    def _unions_of_blocks(self, blocks: list[list[Hashable]], k: int) -> list[frozenset[Hashable]]:
        """Small unions of blocks; any union containing a block of ≥ k is not small, so skip those."""
        small = [b for b in blocks if sum(self.sizes[a] for a in b) < k]
        found: list[frozenset[Hashable]] = []

        def extend(start: int, chosen: frozenset[Hashable], total: int) -> None:
            for i in range(start, len(small)):
                weight = total + sum(self.sizes[a] for a in small[i])
                if weight < k:
                    union = chosen | frozenset(small[i])
                    found.append(union)
                    extend(i + 1, union, weight)

        extend(0, frozenset(), 0)
        return found

    def _enumerate_pivot_choices(self) -> list[frozenset[Hashable]]:
        """Walk all 2^rank pivot choices in Gray-code order, adding or removing one scaled integer row per step."""
        scale = math.lcm(*(x.denominator for row in self.basis for x in row)) if self.basis else 1
        rows = [[int(x * scale) for x in row] for row in self.basis]
        current = [0] * len(self.atoms)
        chosen = [False] * len(rows)
        found = []
        for step in range(1, 2 ** len(rows)):
            flip = (step & -step).bit_length() - 1
            sign = -1 if chosen[flip] else 1
            chosen[flip] = not chosen[flip]
            current = [a + sign * b for a, b in zip(current, rows[flip], strict=True)]
            if all(x in (0, scale) for x in current):
                found.append(frozenset(a for a, x in zip(self.atoms, current, strict=True) if x == scale))
        return found
