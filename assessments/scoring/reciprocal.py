"""Reciprocal trust and blind spots (measurement-science.md §1.5, §3.3, §5; issue 11). Pure numpy/scipy.

Every figure is on POMP 0–100 and scored by the same rules as any dimension (respondent.py: a dimension needs
⌈2/3·k⌉ answered items, the index all four dimensions):

- upward: the team's trust in its leadership (trust-given items whose referent is the leadership or the manager);
- felt: felt trust, how trusted people feel by their manager and the organisation (items of role felt_trust);
- felt gap = felt − upward per respondent: a paired difference, mean with a t-interval. Its verdict is
  change.verdict: "up"/"down" when the interval lies above/below 0, i.e. when |gap| exceeds its mdc95.
  The reciprocal sample is the respondents with a full index on both, so every reciprocal figure of a group has
  one n and the gap is paired on exactly those people.
- downward: managers' trust in their team, each manager's form scored the same way; per group the mean over the
  managers who rated it, with a t-interval across managers from two ratings on (one rating has no sampling
  interval, and says so).
- mutuality gap = upward − downward (§1.5). Its interval is the upward interval shifted: the team's sampling
  uncertainty; the managers' own ratings are taken as given.
- blind spot: a manager's prediction − the team's upward mean; mdc95 = half-width of that mean's 95% t-interval.
  "overestimate" (a blind spot) when gap > mdc95, "underestimate" (a hidden strength) when gap < −mdc95, else
  "in_line" — the §5 labels, with the group interval in place of an individual's MDC.
- average gap across managers: the mean of their gaps with a t-interval (n = managers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .change import verdict
from .groups import Membership, moments
from .intervals import t_interval
from .items import DIMENSIONS, ItemSpec
from .jsonsafe import number
from .respondent import score_respondents

MEASURES: tuple[str, ...] = (*DIMENSIONS, "trust_index")
OVERESTIMATE, UNDERESTIMATE, IN_LINE = "overestimate", "underestimate", "in_line"


def index_scores(values: np.ndarray, items: Sequence[ItemSpec]) -> dict[str, np.ndarray]:
    """POMP per respondent for the four dimensions and their index, from items whose role is the dimension."""
    scores = score_respondents(values, items)
    return {m: scores.pomp[m] for m in MEASURES}


def figures(scores: Mapping[str, np.ndarray], membership: Membership, *, level: float = 0.95
            ) -> dict[str, dict[str, dict[str, Any]]]:
    """label → measure → n, mean_pomp, sd_pomp, ci_low_pomp, ci_high_pomp (t-interval; None below n = 2)."""
    out: dict[str, dict[str, dict[str, Any]]] = {label: {} for label in membership.labels}
    for measure, values in scores.items():
        mo = moments(np.asarray(values, dtype=float), membership)
        sd = np.sqrt(mo.var)
        low, high = t_interval(mo.mean, sd, mo.n, level)
        for g, label in enumerate(membership.labels):
            out[label][measure] = {"n": int(mo.n[g]), "mean_pomp": number(mo.mean[g]), "sd_pomp": number(sd[g]),
                                   "ci_low_pomp": number(low[g]), "ci_high_pomp": number(high[g])}
    return out


def gap_figures(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray], membership: Membership, *,
                level: float = 0.95) -> dict[str, dict[str, dict[str, Any]]]:
    """Paired a − b per respondent: the figures of the differences, each with its verdict."""
    diffs = {m: np.asarray(a[m], dtype=float) - np.asarray(b[m], dtype=float) for m in a}
    out = figures(diffs, membership, level=level)
    for by_measure in out.values():
        for row in by_measure.values():
            row["verdict"] = verdict(row["ci_low_pomp"], row["ci_high_pomp"])
    return out


def shifted_gap(upward: Mapping[str, Any], downward_mean: float | None) -> dict[str, Any]:
    """Mutuality gap upward − downward with the upward interval shifted (module docstring)."""
    mean = upward.get("mean_pomp")
    if mean is None or downward_mean is None:
        return {"n": upward.get("n"), "mean_pomp": None, "ci_low_pomp": None, "ci_high_pomp": None, "verdict": ""}
    low, high = upward.get("ci_low_pomp"), upward.get("ci_high_pomp")
    low = None if low is None else low - downward_mean
    high = None if high is None else high - downward_mean
    return {"n": upward.get("n"), "mean_pomp": mean - downward_mean, "ci_low_pomp": low, "ci_high_pomp": high,
            "verdict": verdict(low, high)}


@dataclass(frozen=True)
class BlindSpot:
    """One manager's prediction against the team's actual mean on one measure."""

    measure: str
    prediction: float
    actual: float
    actual_low: float | None
    actual_high: float | None
    n: int
    gap: float
    mdc95: float | None
    label: str


def blind_spot(measure: str, prediction: float, actual: Mapping[str, Any]) -> BlindSpot | None:
    """Prediction − actual with its verdict; None when the actual has no figure (hidden or missing)."""
    mean = actual.get("mean_pomp")
    if mean is None:
        return None
    low, high = actual.get("ci_low_pomp"), actual.get("ci_high_pomp")
    gap = float(prediction) - mean
    mdc = None if high is None else high - mean
    if mdc is None:
        label = IN_LINE
    elif gap > mdc:
        label = OVERESTIMATE
    elif gap < -mdc:
        label = UNDERESTIMATE
    else:
        label = IN_LINE
    return BlindSpot(measure, float(prediction), mean, low, high, int(actual.get("n") or 0), gap, mdc, label)


@dataclass(frozen=True)
class AverageGap:
    measure: str
    n: int
    mean: float | None
    low: float | None
    high: float | None
    n_over: int
    n_under: int

    @property
    def verdict(self) -> str:
        return verdict(self.low, self.high)


def average_gaps(spots: Sequence[BlindSpot], *, level: float = 0.95) -> dict[str, AverageGap]:
    """Per measure, the mean of the managers' gaps with a t-interval, and how many over/underestimate."""
    out = {}
    for measure in MEASURES:
        mine = [s for s in spots if s.measure == measure]
        gaps = np.array([s.gap for s in mine], dtype=float)
        n = len(gaps)
        mean = float(gaps.mean()) if n else None
        sd = float(gaps.std(ddof=1)) if n >= 2 else np.nan
        low, high = t_interval(np.array([mean if n else np.nan]), np.array([sd]), np.array([n]), level)
        out[measure] = AverageGap(measure, n, number(mean), number(low[0]), number(high[0]),
                                  sum(s.label == OVERESTIMATE for s in mine), sum(s.label == UNDERESTIMATE for s in mine))
    return out
