"""Live results while a wave is open (measurement-science.md §4.2, rec. 4).

Two views of a group that differ by one response disclose that response. While a wave is open,
compute figures only over the first ``stepped_count(n, k)`` responses in submission order, so the
figure (and the count shown) changes only in jumps of at least ``k`` responses; ``stepped_count``
below ``k`` is 0, i.e. nothing shown. Run the tree/table suppression on the stepped counts.

Each live snapshot is a release: log its respondent set like any other group. When the wave closes,
the final group must pass :func:`~assessments.disclosure.filters.filter_allowed` against the last
snapshot the viewer saw — 22 final responses after a snapshot of 20 would disclose the last two.
If it fails, keep showing the snapshot until enough further responses arrive, or (the default we
recommend for anonymous waves) show no live results at all.
"""

from __future__ import annotations


def stepped_count(n: int, step: int) -> int:
    """``n`` rounded down to a multiple of ``step`` (``stepped_count(13, 5) == 10``)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be an integer ≥ 0, got {n!r}")
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        raise ValueError(f"step must be an integer ≥ 1, got {step!r}")
    return n - n % step
