"""The executive summary of a report: the three things that matter most, chosen from the figures.

Pure (no Django). It never invents: every finding is a figure already in the report, with its n
and interval, and a difference counts only when its interval excludes zero (the verdicts and the
FDR-corrected unit flags computed by the scoring engine). The template words each finding.

Order of importance: (1) the Trust Index with its change; (2) the clearest drop of an element of
trust, else a clear rise; (3) units clearly below the rest of the organisation; then a clear gap
between inside and outside; then the weakest element when it is clearly below the strongest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ELEMENTS = ("competence", "reliability", "integrity", "empathy")


@dataclass(frozen=True)
class Figure:
    value: float
    low: float
    high: float
    n: int
    diff: float | None = None
    diff_low: float | None = None
    diff_high: float | None = None
    verdict: str = ""  # "up" | "down" | "none" | "" (no comparable previous wave)


@dataclass(frozen=True)
class UnitGap:
    unit: str
    measure: str
    diff: float  # unit minus the rest, POMP points
    low: float
    high: float
    n: int
    significant: bool


@dataclass(frozen=True)
class Finding:
    kind: str  # index | drop | rise | units_below | gap | weakest
    measure: str = ""
    figure: Figure | None = None
    other: str = ""  # the strongest element for "weakest"; the unit for "units_below"
    other_figure: Figure | None = None
    count: int = 0
    gap: UnitGap | None = None


def findings(figures: Mapping[str, Figure], *, units: Sequence[UnitGap] = (), gaps: Mapping[str, Figure] | None = None,
             limit: int = 3) -> list[Finding]:
    """Up to `limit` findings from the published figures (hidden groups are simply absent)."""
    out: list[Finding] = []
    if "trust_index" in figures:
        out.append(Finding("index", "trust_index", figures["trust_index"]))
    elements = {m: figures[m] for m in ELEMENTS if m in figures}
    drops = sorted((f.diff, m) for m, f in elements.items() if f.verdict == "down" and f.diff is not None)
    rises = sorted(((-f.diff, m) for m, f in elements.items() if f.verdict == "up" and f.diff is not None))
    if drops:
        out.append(Finding("drop", drops[0][1], elements[drops[0][1]]))
    elif rises:
        out.append(Finding("rise", rises[0][1], elements[rises[0][1]]))
    below = sorted((u for u in units if u.significant and u.diff < 0 and u.measure == "trust_index"),
                   key=lambda u: u.diff)
    if below:
        out.append(Finding("units_below", "trust_index", other=below[0].unit, count=len(below), gap=below[0]))
    gaps = gaps or {}
    clear_gaps = sorted((m for m, g in gaps.items() if g.verdict in ("up", "down") and g.diff is not None),
                        key=lambda m: -abs(gaps[m].diff))
    if clear_gaps:
        out.append(Finding("gap", clear_gaps[0], gaps[clear_gaps[0]]))
    if len(elements) >= 2:
        weakest = min(elements, key=lambda m: elements[m].value)
        strongest = max(elements, key=lambda m: elements[m].value)
        if elements[weakest].high < elements[strongest].low:  # intervals apart: a clear difference
            out.append(Finding("weakest", weakest, elements[weakest], other=strongest,
                               other_figure=elements[strongest]))
    return out[:limit]
