"""The individual 360° report as pure computation (issue 9 item 3; measurement-science.md §2.2, §2.3, §3.3, §5).

Imports no Django. Input: one ``RaterRow`` per response (rater group, item values, comments), the instrument's
item → dimension map, its scale and k (the cycle's ``min_raters``). Output: a ``Report``.

Statistics all come from ``assessments.scoring`` (respondent dimension scores with the 2/3 rule on POMP,
t-intervals); visibility comes only from ``assessments.disclosure.rater_groups_visible``, applied to the
number of raters with a valid figure for the measure in question (a dimension score, an item answer, a comment
question). So a peer who answered "don't know" to every empathy item does not count towards the peers' empathy n.

- ``self``: the subject's own score (attributed by design).
- ``manager``: attributed; shown with its n (normally 1).
- each anonymous group with n ≥ k, and ``others`` (the pooled small groups) when the pool reaches k.
- ``all_raters``: everyone but self, manager included, unless hidden as a remainder.
- gap = self − all raters (POMP) with the interval self − [all raters' 95 % interval] (self is one observation,
  so the uncertainty is the others'); labelled ``blind_spot`` (self higher) or ``hidden_strength`` (self lower)
  only when |gap| > MDC95.
- MDC95 (§3.3) = 1.96·√2·SEM, SEM = SD·√(1 − r). ``DOCUMENTED_MDC95_POINTS`` is the figure documented in §3.3
  (SD .8, r .85 → .86 scale points), converted to POMP for the instrument's scale by ``mdc95_pomp``; a caller
  with its own SD and reliability passes ``mdc95_from(sd, r)`` instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from assessments.disclosure import DisclosurePolicy
from assessments.disclosure.raters import ALL_RATERS, OTHERS, rater_groups_visible
from assessments.scoring import DIMENSIONS, ItemSpec, compare_scores, score_respondents, t_interval
from assessments.scoring.jsonsafe import number

SELF = "self"
MANAGER = "manager"
BLIND_SPOT = "blind_spot"
HIDDEN_STRENGTH = "hidden_strength"
# Development reasons, most specific first.
REASON_BLIND_SPOT = "blind_spot"
REASON_CLEARLY_LOWEST = "clearly_lowest"
REASON_LOWEST = "lowest_not_clear"


def mdc95_from(sd: float, reliability: float) -> float:
    """Minimum detectable change, 95 % (§3.3): 1.96·√2·SD·√(1 − r), in the unit of ``sd``."""
    return 1.96 * math.sqrt(2) * sd * math.sqrt(1 - reliability)


DOCUMENTED_SD_POINTS = 0.8
DOCUMENTED_RELIABILITY = 0.85
DOCUMENTED_MDC95_POINTS = mdc95_from(DOCUMENTED_SD_POINTS, DOCUMENTED_RELIABILITY)  # 0.859 scale points


def mdc95_pomp(scale: tuple[int, int], points: float = DOCUMENTED_MDC95_POINTS) -> float:
    """An MDC in raw scale points as POMP points of ``scale``: 0.859 → 14.3 on 1–7, 21.5 on 1–5."""
    return 100.0 * points / (scale[1] - scale[0])


@dataclass(frozen=True)
class RaterRow:
    """One rater's response: rater group, item key → value (None = don't know / unanswered), comment key → text."""

    group: str
    values: Mapping[str, int | None]
    comments: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """One shown figure: who (a rater group, ``others`` or ``all_raters``), n, mean and 95 % interval.

    Dimension figures are POMP 0–100; item figures are on the raw response scale. ``low``/``high`` are None
    when n < 2 (no interval from one rater)."""

    group: str
    n: int
    mean: float
    low: float | None
    high: float | None
    attributed: bool = False


@dataclass(frozen=True)
class Gap:
    value: float
    low: float | None
    high: float | None
    label: str | None  # BLIND_SPOT, HIDDEN_STRENGTH or None (|gap| ≤ MDC95)


@dataclass(frozen=True)
class ItemDetail:
    key: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class DimensionReport:
    dimension: str
    self_score: float | None
    figures: tuple[Figure, ...]  # manager (attributed), shown groups, others, all raters — in that order
    gap: Gap | None
    items: tuple[ItemDetail, ...]

    def figure(self, group: str) -> Figure | None:
        return next((f for f in self.figures if f.group == group), None)

    @property
    def all_raters(self) -> Figure | None:
        return self.figure(ALL_RATERS)


@dataclass(frozen=True)
class Comment:
    question: str
    group: str | None  # None when the comment comes from a pooled group ("others": no group label)
    text: str


@dataclass(frozen=True)
class Development:
    dimension: str
    reason: str  # REASON_BLIND_SPOT, REASON_CLEARLY_LOWEST, REASON_LOWEST
    mean: float  # all raters' POMP for the dimension
    low: float | None
    high: float | None
    gap: float | None
    next_mean: float | None  # the next lowest dimension's all-raters mean (for "clearly lowest")


@dataclass(frozen=True)
class Report:
    k: int
    scale: tuple[int, int]
    mdc95: float
    counts: Mapping[str, int]  # respondents per rater group (self and manager included): only for the visibility rule
    dimensions: tuple[DimensionReport, ...]
    comments: tuple[Comment, ...]
    development: Development | None
    shown_groups: tuple[str, ...] = ()  # groups shown on their own anywhere in the report
    pooled: tuple[str, ...] = ()  # groups pooled into "others" in the respondent-level decision

    def dimension(self, name: str) -> DimensionReport:
        return next(d for d in self.dimensions if d.dimension == name)


def build_report(rows: Sequence[RaterRow], items: Mapping[str, str], scale: tuple[int, int], k: int = 3, *,
                 reverse: frozenset[str] = frozenset(), mdc95: float | None = None,
                 group_order: Sequence[str] = ("peer", "report", "customer", "other")) -> Report:
    """The report of one subject. ``items``: scored item key → dimension (other roles are ignored here)."""
    policy = DisclosurePolicy(min_group=max(5, k), min_comments=max(10, k), min_raters=k)
    keys = [key for key, dim in items.items() if dim in DIMENSIONS]
    specs = [ItemSpec(key, items[key], key in reverse, scale[0], scale[1]) for key in keys]
    groups = [row.group for row in rows]
    order = _group_order(groups, group_order)
    mdc = mdc95_pomp(scale) if mdc95 is None else float(mdc95)
    dimensions = []
    if rows:
        values = np.array([[np.nan if row.values.get(key) is None else float(row.values[key]) for key in keys]
                           for row in rows], dtype=float)
        scores = score_respondents(values, specs)
        for dim in DIMENSIONS:
            dimensions.append(_dimension(dim, scores.pomp[dim], values, keys, specs, groups, order, policy, mdc))
    counts = {g: groups.count(g) for g in order}
    overall = rater_groups_visible(counts, policy)
    shown = tuple(g for g in order if g not in (SELF, MANAGER) and any(d.figure(g) for d in dimensions))
    return Report(k=k, scale=scale, mdc95=mdc, counts=counts, dimensions=tuple(dimensions),
                  comments=_comments(rows, order, policy), development=_development(dimensions),
                  shown_groups=shown, pooled=overall.pooled)


def _group_order(groups: Sequence[str], preferred: Sequence[str]) -> list[str]:
    """self, manager, then the anonymous groups in the preferred order, then any unknown group names."""
    anonymous = [g for g in preferred if g in groups] + sorted({g for g in groups} - {SELF, MANAGER, *preferred})
    return [g for g in (SELF, MANAGER) if g in groups] + anonymous


def visible_figures(scores: np.ndarray, groups: Sequence[str], order: Sequence[str],
                    policy: DisclosurePolicy, bounds: tuple[float, float] = (0.0, 100.0)) -> tuple[float | None, list[Figure]]:
    """Self score and the shown figures of one measure (one value per rater, NaN = no valid value).

    Visibility is ``rater_groups_visible`` on the counts of valid values per group. Intervals are clipped to
    ``bounds`` (the possible range: 0–100 POMP, or the answer scale): a t-interval of 3 raters can reach past it."""
    scores = np.asarray(scores, dtype=float)
    group_arr = np.array(groups, dtype=object)
    valid = ~np.isnan(scores)
    counts = {g: int(np.sum(valid & (group_arr == g))) for g in order}
    visibility = rater_groups_visible(counts, policy)
    self_values = scores[valid & (group_arr == SELF)]
    self_score = number(self_values.mean()) if len(self_values) else None
    figures = []
    if MANAGER in counts and visibility[MANAGER].published:
        figures.append(_figure(MANAGER, scores[valid & (group_arr == MANAGER)], bounds, attributed=True))
    for group in order:
        if group not in (SELF, MANAGER) and visibility[group].published:
            figures.append(_figure(group, scores[valid & (group_arr == group)], bounds))
    if visibility[OTHERS].published:
        pooled = np.isin(group_arr, list(visibility.pooled))
        figures.append(_figure(OTHERS, scores[valid & pooled], bounds))
    if visibility[ALL_RATERS].published:
        figures.append(_figure(ALL_RATERS, scores[valid & (group_arr != SELF)], bounds,
                               attributed=visibility[ALL_RATERS].reason == "attributed"))
    return self_score, figures


def _figure(group: str, values: np.ndarray, bounds: tuple[float, float], attributed: bool = False) -> Figure:
    n = len(values)
    mean = float(values.mean())
    if n >= 2:
        low, high = t_interval(mean, float(values.std(ddof=1)), n)
        low, high = max(bounds[0], float(low)), min(bounds[1], float(high))
    else:
        low = high = None
    return Figure(group, n, mean, low, high, attributed)


def _dimension(dim: str, pomp: np.ndarray, values: np.ndarray, keys: list[str], specs: list[ItemSpec],
               groups: list[str], order: list[str], policy: DisclosurePolicy, mdc: float) -> DimensionReport:
    self_score, figures = visible_figures(pomp, groups, order, policy)
    everyone = next((f for f in figures if f.group == ALL_RATERS), None)
    gap = None
    if self_score is not None and everyone is not None:
        value = self_score - everyone.mean
        low = None if everyone.high is None else self_score - everyone.high
        high = None if everyone.low is None else self_score - everyone.low
        label = (BLIND_SPOT if value > 0 else HIDDEN_STRENGTH) if abs(value) > mdc else None
        gap = Gap(value, low, high, label)
    details = []
    for column, spec in enumerate(specs):
        if spec.role != dim:
            continue
        raw = values[:, column]
        if spec.reverse:
            raw = spec.scale_min + spec.scale_max - raw
        item_self, item_figures = visible_figures(raw, groups, order, policy, (spec.scale_min, spec.scale_max))
        self_figure = [] if item_self is None else [Figure(SELF, 1, item_self, None, None, attributed=True)]
        details.append(ItemDetail(keys[column], tuple(self_figure + item_figures)))
    return DimensionReport(dim, self_score, tuple(figures), gap, tuple(details))


def _comments(rows: Sequence[RaterRow], order: Sequence[str], policy: DisclosurePolicy) -> tuple[Comment, ...]:
    """Comments per question, decided on the counts of raters who answered that question; pooled → no label.

    Sorted by group and text, never by submission order."""
    questions = sorted({q for row in rows for q, text in row.comments.items() if (text or "").strip()})
    result: list[Comment] = []
    for question in questions:
        texts = {g: [] for g in order}
        for row in rows:
            text = (row.comments.get(question) or "").strip()
            if text:
                texts[row.group].append(text)
        visibility = rater_groups_visible({g: len(t) for g, t in texts.items()}, policy)
        for group in order:
            if visibility[group].published:
                result.extend(Comment(question, group, t) for t in sorted(texts[group]))
        if visibility[OTHERS].published:
            pooled = sorted(t for g in visibility.pooled for t in texts[g])
            result.extend(Comment(question, None, t) for t in pooled)
    return tuple(result)


def _development(dimensions: Sequence[DimensionReport]) -> Development | None:
    """Which dimension to work on first, from the shown figures only.

    1. The biggest blind spot (self − all raters > MDC95): others see it lower than the subject does.
    2. Else the lowest all-raters dimension whose interval lies wholly below every other dimension's mean.
    3. Else the lowest all-raters dimension, flagged as not clearly lower than the rest.
    """
    rated = [d for d in dimensions if d.all_raters is not None]
    if not rated:
        return None
    spots = [d for d in rated if d.gap is not None and d.gap.label == BLIND_SPOT]
    if spots:
        worst = max(spots, key=lambda d: d.gap.value)
        return _advice(worst, REASON_BLIND_SPOT, rated)
    ordered = sorted(rated, key=lambda d: d.all_raters.mean)
    lowest = ordered[0]
    others = [d.all_raters.mean for d in ordered[1:]]
    high = lowest.all_raters.high
    clearly = bool(others) and high is not None and high < min(others)
    return _advice(lowest, REASON_CLEARLY_LOWEST if clearly else REASON_LOWEST, rated)


def _advice(dim: DimensionReport, reason: str, rated: Sequence[DimensionReport]) -> Development:
    rest = sorted(d.all_raters.mean for d in rated if d is not dim)
    figure = dim.all_raters
    return Development(dim.dimension, reason, figure.mean, figure.low, figure.high,
                       None if dim.gap is None else dim.gap.value, rest[0] if rest else None)


# --- Aggregate across the subjects of a cycle (issue 9 item 4) -------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    dimension: str
    lower: str  # the group that sees the dimension lower
    higher: str
    diff: float  # lower − higher, POMP (negative)
    low: float
    high: float


@dataclass(frozen=True)
class Aggregate:
    k: int
    groups: tuple[str, ...]
    cells: Mapping[tuple[str, str], Figure | None]  # (dimension, group) → figure, None when not shown
    findings: tuple[Finding, ...]
    subjects: int


def aggregate(subjects: Sequence[Sequence[RaterRow]], items: Mapping[str, str], scale: tuple[int, int], k: int = 3, *,
              reverse: frozenset[str] = frozenset(),
              group_order: Sequence[str] = ("self", "manager", "peer", "report", "customer", "other")) -> Aggregate:
    """Per dimension × rater group, every subject's raters pooled. A cell is shown only when it has at least k raters
    AND still at least k without any single subject's raters (n − max per subject ≥ k): so it is never one subject's
    group, and a subject who knows their own report cannot subtract it to learn another subject's small group.
    "All raters" is not shown, so no cell is the difference of two others.

    Findings: for each dimension and each pair of shown anonymous groups, the Welch interval of the difference
    (``assessments.scoring.compare_scores``); reported only when it excludes 0."""
    keys = [key for key, dim in items.items() if dim in DIMENSIONS]
    specs = [ItemSpec(key, items[key], key in reverse, scale[0], scale[1]) for key in keys]
    rows = [(index, row) for index, subject_rows in enumerate(subjects) for row in subject_rows]
    present = [g for g in group_order if any(row.group == g for _i, row in rows)]
    cells: dict[tuple[str, str], Figure | None] = {}
    findings: list[Finding] = []
    if not rows:
        return Aggregate(k, tuple(present), cells, (), len(subjects))
    values = np.array([[np.nan if row.values.get(key) is None else float(row.values[key]) for key in keys]
                       for _i, row in rows], dtype=float)
    scores = score_respondents(values, specs)
    owner = np.array([i for i, _row in rows])
    group_arr = np.array([row.group for _i, row in rows], dtype=object)
    for dim in DIMENSIONS:
        pomp = scores.pomp[dim]
        shown: dict[str, np.ndarray] = {}
        for group in present:
            mask = (group_arr == group) & ~np.isnan(pomp)
            n = int(mask.sum())
            largest = int(np.bincount(owner[mask]).max()) if n else 0
            if n >= k and n - largest >= k:
                shown[group] = pomp[mask]
                cells[(dim, group)] = _figure(group, pomp[mask], (0.0, 100.0))
            else:
                cells[(dim, group)] = None
        anonymous = [g for g in shown if g not in (SELF, MANAGER)]
        for a_index, a in enumerate(anonymous):
            for b in anonymous[a_index + 1:]:
                d = compare_scores(shown[a], shown[b])
                if d.diff is None or d.ci_low is None or d.ci_high is None or d.verdict == "no_clear_change":
                    continue
                lower, higher, sign = (a, b, 1) if d.diff < 0 else (b, a, -1)
                low, high = sorted((sign * d.ci_low, sign * d.ci_high))
                findings.append(Finding(dim, lower, higher, sign * d.diff, low, high))
    return Aggregate(k, tuple(present), cells, tuple(findings), len(subjects))
