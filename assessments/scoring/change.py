"""Differences between two independent groups: wave change, unit vs rest, inside vs outside
(measurement-science.md §3.4–3.6).

All differences are a − b on the POMP 0–100 scale (points of the scale range):
Welch interval and p, Hedges' g, and the change in % favourable respondents with a
Newcombe interval. Two "minimum change" figures are given:

- mdc95 = t(0.975, ν)·SE, the half-width of the 95% Welch interval: the smallest observed
  difference that these samples can tell apart from zero. The verdict is "up" when
  diff > mdc95 (i.e. the interval lies above 0), "down" when diff < −mdc95, otherwise
  "no_clear_change" — so "CI excludes 0" and "|diff| beyond the MDC" are one rule, and
  a change smaller than the minimum detectable change is never called a change (design §6).
- mdd80 = (z(0.975) + z(0.80))·SE, the true difference these sample sizes detect with
  80% power (§3.5); a planning figure to print next to trend lines, not a verdict rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, NamedTuple

import numpy as np
from scipy import stats

from .groups import MeasureStats
from .intervals import bh_qvalues, hedges_g, newcombe, welch
from .jsonsafe import clean, number
from .respondent import RespondentScores

UP, DOWN, NO_CLEAR_CHANGE = "up", "down", "no_clear_change"


class Summary(NamedTuple):
    """Respondent-level summary of a measure on POMP: n, mean, variance, n above 50."""

    n: np.ndarray | int
    mean: np.ndarray | float
    var: np.ndarray | float
    favourable: np.ndarray | int


@dataclass(frozen=True)
class Difference:
    """a − b for one measure; POMP points except hedges_g (standardised) and p_value.

    pct_favourable_*: percentage of respondents above the midpoint in a and b, their
    difference in percentage points and its Newcombe (hybrid Wilson) interval.
    q_value/significant are set only inside a Benjamini–Hochberg family (unit vs rest).
    """

    n_a: int
    n_b: int
    mean_a: float | None
    mean_b: float | None
    diff: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    df: float | None
    hedges_g: float | None
    mdc95: float | None
    mdd80: float | None
    verdict: str
    pct_favourable_a: float | None
    pct_favourable_b: float | None
    pct_favourable_diff: float | None
    pct_favourable_diff_ci_low: float | None
    pct_favourable_diff_ci_high: float | None
    q_value: float | None = None
    significant: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return clean(asdict(self))


def verdict(ci_low: float | None, ci_high: float | None) -> str:
    """'up' if the interval lies above 0, 'down' if below, else 'no_clear_change'."""
    if ci_low is not None and ci_low > 0:
        return UP
    if ci_high is not None and ci_high < 0:
        return DOWN
    return NO_CLEAR_CHANGE


def compare(a: Summary, b: Summary, level: float = 0.95) -> list[Difference]:
    """Differences a − b, vectorised over equal-length summaries (scalars give one)."""
    a = Summary(*(np.atleast_1d(np.asarray(x, dtype=float)) for x in a))
    b = Summary(*(np.atleast_1d(np.asarray(x, dtype=float)) for x in b))
    w = welch(a.mean, a.var, a.n, b.mean, b.var, b.n, level)
    g = hedges_g(a.mean, a.var, a.n, b.mean, b.var, b.n)
    power = float(stats.norm.ppf((1 + level) / 2) + stats.norm.ppf(0.80))
    fav_diff, fav_low, fav_high = newcombe(a.favourable, a.n, b.favourable, b.n, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        fav_a, fav_b = 100 * a.favourable / a.n, 100 * b.favourable / b.n
    result = []
    for i in range(len(a.n)):
        low, high = number(w.low[i]), number(w.high[i])
        result.append(Difference(
            n_a=int(a.n[i]), n_b=int(b.n[i]), mean_a=number(a.mean[i]), mean_b=number(b.mean[i]),
            diff=number(w.diff[i]), ci_low=low, ci_high=high, p_value=number(w.p[i]), df=number(w.df[i]),
            hedges_g=number(g[i]), mdc95=number(w.high[i] - w.diff[i]), mdd80=number(power * w.se[i]),
            verdict=verdict(low, high), pct_favourable_a=number(fav_a[i]), pct_favourable_b=number(fav_b[i]),
            pct_favourable_diff=number(100 * fav_diff[i]), pct_favourable_diff_ci_low=number(100 * fav_low[i]),
            pct_favourable_diff_ci_high=number(100 * fav_high[i]),
        ))
    return result


def summary_of_scores(pomp: np.ndarray) -> Summary:
    """Summary of one group's respondent POMP scores (NaN ignored)."""
    valid = np.asarray(pomp, dtype=float)
    valid = valid[~np.isnan(valid)]
    n = len(valid)
    return Summary(n, valid.mean() if n else np.nan, valid.var(ddof=1) if n >= 2 else np.nan,
                   int(np.sum(valid > 50 + 1e-9)))


def summary_of_stats(stats_: MeasureStats) -> Summary:
    sd = stats_.sd_pomp
    return Summary(stats_.n, _nan(stats_.mean_pomp), np.nan if sd is None else sd**2, stats_.n_favourable)


def compare_scores(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> Difference:
    """a − b from two arrays of respondent POMP scores."""
    return compare(summary_of_scores(a), summary_of_scores(b), level)[0]


def inside_outside_gap(inside: RespondentScores, outside: RespondentScores,
                       level: float = 0.95) -> dict[str, Difference]:
    """Inside (e.g. employees) − outside (e.g. customers) for every measure both forms have.

    Two independent samples, so the same Welch machinery as wave change. Comparing
    the forms presumes measurement invariance (§3.7), which is tested elsewhere.
    """
    shared = [m for m in inside.pomp if m in outside.pomp]
    return {m: compare_scores(inside.pomp[m], outside.pomp[m], level) for m in shared}


def rest_of(whole: Summary, part: Summary) -> Summary:
    """Summary of whole minus part (part ⊆ whole), by inverting the pooled-variance formula
    M2_whole = M2_part + M2_rest + n_part·n_rest/n_whole·(m_part − m_rest)²."""
    n_rest = np.asarray(whole.n, dtype=float) - part.n
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_part = np.nan_to_num(part.mean)
        mean_rest = (whole.n * np.nan_to_num(whole.mean) - part.n * mean_part) / n_rest
        m2_whole = np.nan_to_num(whole.var) * (np.asarray(whole.n) - 1)
        m2_part = np.nan_to_num(part.var) * (np.asarray(part.n) - 1)
        m2_rest = m2_whole - m2_part - part.n * n_rest / whole.n * (mean_part - mean_rest) ** 2
        var_rest = np.where(n_rest >= 2, np.maximum(m2_rest, 0) / (n_rest - 1), np.nan)
    return Summary(n_rest, np.where(n_rest > 0, mean_rest, np.nan), var_rest,
                   np.asarray(whole.favourable) - part.favourable)


def versus_rest(whole: Sequence[Summary], parts: Sequence[Sequence[Summary]], *, q: float = 0.10,
                level: float = 0.95) -> list[list[Difference]]:
    """Each part (unit) vs the rest of the whole, per measure, with Benjamini–Hochberg.

    `whole[j]` is the organisation's summary of measure j; `parts[i][j]` unit i's. The
    family is the whole grid (every unit × measure with a p-value) [32], §3.6.
    """
    if not parts:
        return []
    width = len(whole)
    part = Summary(*(np.array([cell[f] for row in parts for cell in row], dtype=float) for f in range(4)))
    total = Summary(*(np.array([whole[j][f] for _ in parts for j in range(width)], dtype=float) for f in range(4)))
    flat = compare(part, rest_of(total, part), level)
    q_values = bh_qvalues(np.array([np.nan if c.p_value is None else c.p_value for c in flat]))
    cells = [_with_q(c, qv, q) for c, qv in zip(flat, q_values, strict=True)]
    return [cells[i * width:(i + 1) * width] for i in range(len(parts))]


def _with_q(cell: Difference, q_value: float, q: float) -> Difference:
    value = number(q_value)
    return replace(cell, q_value=value, significant=None if value is None else value <= q)


def _nan(value: float | None) -> float:
    return np.nan if value is None else value
