"""Group membership (unit subtrees) and vectorised group statistics (measurement-science.md §2.3).

A respondent labelled "Sales/North" counts for "Sales/North", "Sales" and the
organisation root "". Membership is a list of (row, group) pairs, so every statistic
is one `np.bincount` over the pairs: no Python loop over respondents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .intervals import t_interval, wilson
from .items import ItemSpec
from .jsonsafe import clean, number
from .reliability import Reliability
from .respondent import RespondentScores

FAVOURABLE_EPS = 1e-9  # POMP points; guards "above the midpoint" against rounding in means


@dataclass(frozen=True, eq=False)
class Membership:
    """Group labels and the (row, group) pairs that say who belongs where."""

    labels: tuple[str, ...]
    rows: np.ndarray
    groups: np.ndarray

    @property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.groups, minlength=len(self.labels))


def normalise_path(label: str | None) -> str:
    """'/Sales//North/ ' → 'Sales/North'; None or blank → '' (the organisation root)."""
    if label is None:
        return ""
    return "/".join(part.strip() for part in str(label).split("/") if part.strip())


def ancestors(path: str) -> tuple[str, ...]:
    """'Sales/North' → ('', 'Sales', 'Sales/North')."""
    parts = path.split("/") if path else []
    return ("", *("/".join(parts[: i + 1]) for i in range(len(parts))))


def parent_path(path: str) -> str | None:
    """'Sales/North' → 'Sales'; 'Sales' → '' (the organisation); '' → None."""
    return None if path == "" else path.rpartition("/")[0]


def direct_counts(sizes: Mapping[str, int]) -> dict[str, int]:
    """Respondents attached directly to each path, from subtree sizes (n(path) − Σ n(child)).

    For suppression code that models the tree as nodes with direct members."""
    direct = dict(sizes)
    for path, n in sizes.items():
        parent = parent_path(path)
        if parent is not None and parent in direct:
            direct[parent] -= n
    return direct


def whole(n_rows: int) -> Membership:
    """Everybody in one group, the root ''."""
    return Membership(("",), np.arange(n_rows), np.zeros(n_rows, dtype=np.intp))


def unit_membership(labels: Sequence[str | None]) -> Membership:
    """Subtree membership for unit paths; group 0 is the root ''."""
    raw = np.array(["" if x is None else str(x) for x in labels], dtype=str)
    leaves, leaf_of_row = np.unique(raw, return_inverse=True)
    chains = [ancestors(normalise_path(str(leaf))) for leaf in leaves]
    paths = sorted({""} | {p for chain in chains for p in chain})
    index = {p: i for i, p in enumerate(paths)}
    depth = max((len(c) for c in chains), default=1)
    table = np.full((len(leaves), depth), -1, dtype=np.intp)
    for i, chain in enumerate(chains):
        table[i, : len(chain)] = [index[p] for p in chain]
    per_row = table[leaf_of_row]
    mask = per_row >= 0
    rows = np.broadcast_to(np.arange(len(labels))[:, None], per_row.shape)[mask]
    return Membership(tuple(paths), rows, per_row[mask])


@dataclass(frozen=True)
class ItemStats:
    """One item in one group. pct_* are percentages of answered; dont_know_rate a proportion."""

    key: str
    scale: tuple[int, int]
    n_answered: int
    dont_know_rate: float | None
    pct_favourable: float | None
    pct_neutral: float | None
    pct_unfavourable: float | None
    distribution: tuple[int, ...] | None

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("key", "distribution")}
        out["distribution"] = (None if self.distribution is None
                               else {str(self.scale[0] + i): c for i, c in enumerate(self.distribution)})
        return clean(out)


@dataclass(frozen=True)
class Moments:
    """Respondent-level summary of one measure per group (POMP scale), as arrays over groups."""

    n: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    favourable: np.ndarray


def item_counts(recoded: np.ndarray, items: Sequence[ItemSpec], membership: Membership) -> list[np.ndarray]:
    """Per item a (groups × (points + 1)) count table; the last column counts don't know."""
    tables = []
    for column, item in enumerate(items):
        points = item.scale_max - item.scale_min + 1
        values = recoded[membership.rows, column]
        codes = np.where(np.isnan(values), points, values - item.scale_min).astype(np.intp)
        flat = np.bincount(membership.groups * (points + 1) + codes, minlength=len(membership.labels) * (points + 1))
        tables.append(flat.reshape(len(membership.labels), points + 1))
    return tables


def split_counts(table: np.ndarray, item: ItemSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(answered, above, at, below the midpoint) per group from one item's count table."""
    points = np.arange(item.scale_min, item.scale_max + 1)
    answers = table[:, :-1]
    return (answers.sum(axis=1), answers[:, points > item.midpoint].sum(axis=1),
            answers[:, points == item.midpoint].sum(axis=1), answers[:, points < item.midpoint].sum(axis=1))


def moments(scores: np.ndarray, membership: Membership) -> Moments:
    """n, mean, variance (ddof 1, two-pass) and count above POMP 50 per group."""
    size = len(membership.labels)
    values = scores[membership.rows]
    valid = ~np.isnan(values)
    filled = np.where(valid, values, 0.0)
    n = np.bincount(membership.groups, weights=valid, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(membership.groups, weights=filled, minlength=size) / n
        deviation = np.where(valid, values - mean[membership.groups], 0.0)
        var = np.bincount(membership.groups, weights=deviation**2, minlength=size) / (n - 1)
    var = np.where(n >= 2, var, np.nan)
    favourable = np.bincount(membership.groups, weights=valid & (filled > 50 + FAVOURABLE_EPS), minlength=size)
    return Moments(n.astype(np.int64), mean, var, favourable.astype(np.int64))


def item_stats(tables: list[np.ndarray], items: Sequence[ItemSpec], group: int, size: int,
               min_n_distribution: int) -> tuple[ItemStats, ...]:
    """ItemStats of every item for one group (group size `size`)."""
    result = []
    for table, item in zip(tables, items, strict=True):
        answered, above, at, below = (int(x[group]) for x in split_counts(table, item))
        pct = [100 * x / answered if answered else None for x in (above, at, below)]
        distribution = tuple(int(c) for c in table[group, :-1]) if size >= min_n_distribution else None
        result.append(ItemStats(item.key, (item.scale_min, item.scale_max), answered,
                                (size - answered) / size if size else None, *pct, distribution))
    return tuple(result)


@dataclass(frozen=True)
class MeasureStats:
    """One measure (dimension or index) in one group.

    mean, sd, ci_low, ci_high: raw response scale (None when the measure's parts use
    different scales); *_pomp: the same on POMP 0–100; the t-interval is at `level`.
    pct_favourable/neutral/unfavourable: mean over the measure's items of each item's
    percentage of valid answers above/at/below the midpoint (GPTW practice, §2.3).
    pct_favourable_respondents: percentage of respondents whose measure score is above
    the midpoint, with a Wilson interval — the respondent is the unit, so the interval
    is not made too narrow by pooling correlated item answers (§2.3).
    dont_know_rate: proportion of the group's item cells left empty or "don't know".
    distribution: answers per scale point summed over the items (None below
    `min_n_distribution` respondents, §2.3 Rec, or with mixed scales).
    """

    n: int
    scale: tuple[int, int] | None
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    mean_pomp: float | None
    sd_pomp: float | None
    ci_low_pomp: float | None
    ci_high_pomp: float | None
    pct_favourable: float | None
    pct_neutral: float | None
    pct_unfavourable: float | None
    n_favourable: int
    pct_favourable_respondents: float | None
    pct_favourable_respondents_ci_low: float | None
    pct_favourable_respondents_ci_high: float | None
    dont_know_rate: float | None
    distribution: tuple[int, ...] | None
    reliability: Reliability | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("distribution", "reliability")}
        low = self.scale[0] if self.scale else None
        out["distribution"] = (None if self.distribution is None or low is None
                               else {str(low + i): c for i, c in enumerate(self.distribution)})
        rel = self.reliability
        out |= {"alpha": rel.alpha if rel else None, "alpha_ci_low": rel.alpha_ci_low if rel else None,
                "alpha_ci_high": rel.alpha_ci_high if rel else None, "omega": rel.omega if rel else None,
                "reliability": rel.to_dict() if rel else None}
        return clean(out)


@dataclass(frozen=True)
class GroupStats:
    """Every measure and item for one group (unit subtree, wave or the organisation)."""

    label: str
    n_respondents: int
    measures: dict[str, MeasureStats]
    items: tuple[ItemStats, ...]


def describe_groups(recoded: np.ndarray, items: Sequence[ItemSpec], scores: RespondentScores,
                    membership: Membership, *, level: float = 0.95,
                    min_n_distribution: int = 10) -> list[GroupStats]:
    """GroupStats for every group in `membership`, computed with one pass per measure/item."""
    tables = item_counts(recoded, items, membership)
    sizes = membership.sizes
    per_measure = {m: _measure_arrays(m, scores, tables, items, membership, level) for m in scores.pomp}
    result = []
    for g, label in enumerate(membership.labels):
        measures = {m: _measure_at(arrays, g, int(sizes[g]), scores.scales[m], min_n_distribution)
                    for m, arrays in per_measure.items()}
        result.append(GroupStats(label, int(sizes[g]), measures,
                                 item_stats(tables, items, g, int(sizes[g]), min_n_distribution)))
    return result


def _measure_arrays(measure: str, scores: RespondentScores, tables: list[np.ndarray],
                    items: Sequence[ItemSpec], membership: Membership, level: float) -> dict[str, np.ndarray]:
    """Per-group arrays for one measure (POMP moments, intervals, item-averaged shares)."""
    mo = moments(scores.pomp[measure], membership)
    sd = np.sqrt(mo.var)
    ci_low, ci_high = t_interval(mo.mean, sd, mo.n, level)
    fav_low, fav_high = wilson(mo.favourable, mo.n, level)
    columns = scores.item_sets[measure]
    splits = [split_counts(tables[c], items[c]) for c in columns]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = [np.stack([100 * part / answered for part in rest]) for answered, *rest in splits]
        item_pct = _nanmean(np.stack(shares), axis=0)
        dk = sum(tables[c][:, -1] for c in columns) / (membership.sizes * len(columns))
    arrays = {"n": mo.n, "mean": mo.mean, "sd": sd, "ci_low": ci_low, "ci_high": ci_high,
              "favourable": mo.favourable, "fav_low": fav_low, "fav_high": fav_high,
              "fav": item_pct[0], "neutral": item_pct[1], "unfav": item_pct[2], "dk": dk}
    if scores.scales[measure] is not None:
        arrays["distribution"] = sum(tables[c][:, :-1] for c in columns)
    return arrays


def _nanmean(stack: np.ndarray, axis: int) -> np.ndarray:
    valid = ~np.isnan(stack)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(valid, stack, 0.0).sum(axis=axis) / valid.sum(axis=axis)


def _measure_at(a: dict[str, np.ndarray], g: int, size: int, scale: tuple[int, int] | None,
                min_n_distribution: int) -> MeasureStats:
    n = int(a["n"][g])

    def raw(value: float, shift: bool = True) -> float | None:
        if scale is None or number(value) is None:
            return None
        return (scale[0] if shift else 0) + float(value) * (scale[1] - scale[0]) / 100

    distribution = a.get("distribution")
    return MeasureStats(
        n=n, scale=scale,
        mean=raw(a["mean"][g]), sd=raw(a["sd"][g], shift=False),
        ci_low=raw(a["ci_low"][g]), ci_high=raw(a["ci_high"][g]),
        mean_pomp=number(a["mean"][g]), sd_pomp=number(a["sd"][g]),
        ci_low_pomp=number(a["ci_low"][g]), ci_high_pomp=number(a["ci_high"][g]),
        pct_favourable=number(a["fav"][g]), pct_neutral=number(a["neutral"][g]),
        pct_unfavourable=number(a["unfav"][g]), n_favourable=int(a["favourable"][g]),
        pct_favourable_respondents=number(100 * a["favourable"][g] / n) if n else None,
        pct_favourable_respondents_ci_low=number(100 * a["fav_low"][g]),
        pct_favourable_respondents_ci_high=number(100 * a["fav_high"][g]),
        dont_know_rate=number(a["dk"][g]),
        distribution=(tuple(int(c) for c in distribution[g])
                      if distribution is not None and size >= min_n_distribution else None),
    )
