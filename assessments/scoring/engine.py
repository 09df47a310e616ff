"""The scoring engine: respondents × items in, typed results (and JSON-safe dicts) out.

Scope decisions (see each module for formulas and sources):
- With wave labels, the organisation and unit figures, the unit-vs-rest heatmap and
  the key drivers describe the *current* wave (the last in `wave_order`, default the
  last label in sorted order); `waves` holds every wave's organisation figures and the
  change from the wave before it. Pooling waves would count people twice.
- Reliability (alpha, omega) is computed for the organisation per wave, not per unit
  (§8.6: "org level, n ≥ 50"); unit dimension dicts carry the keys with None.
- Units are the paths that have at least one respondent in the wave; `invited` counts
  people attached directly to a path and is summed over each subtree, like respondents.
- Suppression is decided elsewhere (assessments/disclosure); the engine takes either a
  set of hidden paths or a callable that receives {path: n respondents} for every node
  ('' = the organisation) and returns the hidden paths. A hidden group keeps no
  figures at all, drops out of the heatmap's FDR family and of change comparisons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .change import Difference, compare, summary_of_stats, versus_rest
from .drivers import MIN_N as MIN_N_DRIVERS
from .drivers import RESAMPLES, Drivers, dominance_analysis
from .groups import GroupStats, ItemStats, MeasureStats, ancestors, describe_groups, normalise_path, unit_membership, whole
from .items import DIMENSIONS, OUTCOMES, ItemSpec, recode, validate_responses
from .jsonsafe import clean
from .reliability import MIN_N as MIN_N_RELIABILITY
from .reliability import reliability
from .respondent import INDICES, RespondentScores, score_recoded

HEATMAP_MEASURES: tuple[str, ...] = (*DIMENSIONS, "trust_index")
Suppress = Set[str] | Callable[[Mapping[str, int]], Set[str]]


@dataclass(frozen=True)
class Settings:
    level: float = 0.95
    fdr_q: float = 0.10
    min_n_reliability: int = MIN_N_RELIABILITY
    min_n_drivers: int = MIN_N_DRIVERS
    min_n_distribution: int = 10
    resamples: int = RESAMPLES
    seed: int = 0


@dataclass(frozen=True)
class GroupResult:
    """Figures for one group: the organisation, a unit subtree, or a wave."""

    label: str
    suppressed: bool
    n_respondents: int | None = None
    n_invited: int | None = None
    response_rate: float | None = None
    measures: Mapping[str, MeasureStats] = field(default_factory=dict)
    items: tuple[ItemStats, ...] = ()
    versus_rest: Mapping[str, Difference] | None = None
    change: Mapping[str, Difference] | None = None
    change_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.suppressed:
            return {"suppressed": True}
        out: dict[str, Any] = {
            "suppressed": False, "n": self.n_respondents, "n_invited": self.n_invited,
            "response_rate": self.response_rate,
            "dimensions": {d: self.measures[d].to_dict() for d in DIMENSIONS},
        }
        out |= {m: self.measures[m].to_dict() for m in (*INDICES, *OUTCOMES) if m in self.measures}
        out["items"] = {item.key: item.to_dict() for item in self.items}
        out["versus_rest"] = _dicts(self.versus_rest)
        out["change"] = _dicts(self.change)
        out["change_from"] = self.change_from
        return clean(out)


@dataclass(frozen=True)
class ScoreResult:
    """Everything the engine computes for one dataset."""

    organisation: GroupResult
    units: Mapping[str, GroupResult]
    waves: Mapping[str, GroupResult]
    current_wave: str | None
    drivers: Drivers | None
    settings: Settings

    def to_dict(self) -> dict[str, Any]:
        out = self.organisation.to_dict()
        out |= {
            "units": {path: unit.to_dict() for path, unit in self.units.items()},
            "waves": {label: wave.to_dict() for label, wave in self.waves.items()},
            "current_wave": self.current_wave,
            "drivers": self.drivers.to_dict() if self.drivers else None,
            "method": {**vars(self.settings), "scale_note": METHOD_NOTE},
        }
        return clean(out)


METHOD_NOTE = (
    "mean/sd/ci_low/ci_high are on the raw response scale and *_pomp on POMP 0-100; both intervals are "
    "t-intervals at `level`. pct_* are percentages, *_rate proportions. Differences (change, versus_rest) "
    "are in POMP points, a minus b: later minus earlier wave, unit minus rest of the organisation."
)


@dataclass(frozen=True)
class _Analysis:
    organisation: GroupResult
    units: dict[str, GroupResult]


def score_dataset(values: np.ndarray, items: Sequence[ItemSpec], *, units: Sequence[str | None] | None = None,
                  waves: Sequence[str] | None = None, wave_order: Sequence[str] | None = None,
                  invited: Mapping[str, int] | None = None, suppress: Suppress | None = None,
                  driver_outcome: str | None = None, settings: Settings = Settings()) -> ScoreResult:
    """Score a respondents × items array (NaN = don't know/missing; other values must be
    points of each item's scale, else ValueError).

    units[i]: respondent i's unit path ("Sales/North"; None/"" = organisation only).
    waves[i]: respondent i's wave label; wave_order: oldest → current (default sorted).
    invited: people invited per path, counted where they sit (summed over subtrees); the
        same counts serve every wave, so score one wave at a time when they differ.
    suppress: hidden paths, or a callable given {path: respondents in its subtree} for
        every node of the current analysis ('' = organisation; `groups.direct_counts`
        turns these into directly attached counts) returning the hidden paths; it is
        called once per wave.
    driver_outcome: "global_trust" (default when present) or "intention".
    """
    recoded = recode(validate_responses(values, items), items)
    if not len(recoded):
        raise ValueError("there are no respondents to score")
    scores = score_recoded(recoded, items)
    unit_labels = None if units is None else np.asarray(units, dtype=object)
    order, rows_by_wave = _waves(waves, wave_order, len(recoded))
    analyses = {label: _analyse(rows, recoded, items, scores, unit_labels, invited, suppress, settings)
                for label, rows in rows_by_wave.items()}
    current_label = order[-1] if order else None
    current = analyses[current_label]
    previous = analyses[order[-2]] if len(order) > 1 else None
    organisation = _with_change(current.organisation, previous and previous.organisation, order, settings)
    unit_results = {path: _with_change(unit, previous and previous.units.get(path), order, settings)
                    for path, unit in current.units.items()}
    wave_results = ({label: _with_change(analyses[label].organisation,
                                         analyses[order[i - 1]].organisation if i else None,
                                         order[: i + 1], settings)
                     for i, label in enumerate(order)} if waves is not None else {})
    drivers = None if organisation.suppressed else _drivers(scores.take(rows_by_wave[current_label]),
                                                             driver_outcome, settings)
    return ScoreResult(organisation, unit_results, wave_results, current_label if waves is not None else None,
                       drivers, settings)


def _waves(waves: Sequence[str] | None, order: Sequence[str] | None,
           n_rows: int) -> tuple[list[Any], dict[Any, np.ndarray]]:
    """Wave order and the rows of each wave; without waves one pseudo-wave None."""
    if waves is None:
        return [None], {None: np.arange(n_rows)}
    labels = np.array([str(w) for w in waves], dtype=object)
    if len(labels) != n_rows:
        raise ValueError("waves must have one label per respondent")
    present = set(labels.tolist())
    order = [str(w) for w in order] if order is not None else sorted(present)
    if missing := present - set(order):
        raise ValueError(f"wave labels not in wave_order: {sorted(missing)}")
    order = [w for w in order if w in present]
    return order, {w: np.flatnonzero(labels == w) for w in order}


def _analyse(rows: np.ndarray, recoded: np.ndarray, items: Sequence[ItemSpec], scores: RespondentScores,
             unit_labels: np.ndarray | None, invited: Mapping[str, int] | None, suppress: Suppress | None,
             settings: Settings) -> _Analysis:
    """Organisation and unit figures for one wave's rows."""
    membership = whole(len(rows)) if unit_labels is None else unit_membership(unit_labels[rows].tolist())
    subset_scores = scores.take(rows)
    groups = describe_groups(recoded[rows], items, subset_scores, membership, level=settings.level,
                             min_n_distribution=settings.min_n_distribution)
    sizes = {g.label: g.n_respondents for g in groups}
    hidden = set(suppress(sizes) if callable(suppress) else (suppress or ()))
    invited_totals = _subtree_totals(invited, sizes) if invited is not None else {}
    results = {g.label: _group_result(g, g.label in hidden, invited_totals.get(g.label)) for g in groups}
    organisation = results.pop("")
    if not organisation.suppressed:
        organisation = _with_reliability(organisation, recoded[rows], items, settings)
    units = _with_versus_rest(organisation, results, settings)
    return _Analysis(organisation, units)


def _group_result(group: GroupStats, hidden: bool, n_invited: int | None) -> GroupResult:
    if hidden:
        return GroupResult(group.label, suppressed=True)
    rate = group.n_respondents / n_invited if n_invited else None
    return GroupResult(group.label, False, group.n_respondents, n_invited, rate, group.measures, group.items)


def _subtree_totals(invited: Mapping[str, int], paths: Mapping[str, int]) -> dict[str, int]:
    totals = dict.fromkeys(paths, 0)
    for path, count in invited.items():
        for node in ancestors(normalise_path(path)):
            if node in totals:
                totals[node] += int(count)
    return totals


def _with_reliability(group: GroupResult, recoded: np.ndarray, items: Sequence[ItemSpec],
                      settings: Settings) -> GroupResult:
    measures = dict(group.measures)
    for role in (*DIMENSIONS, *OUTCOMES):
        if role in measures:
            columns = [i for i, item in enumerate(items) if item.role == role]
            rel = reliability(recoded[:, columns], min_n=settings.min_n_reliability, level=settings.level)
            measures[role] = replace(measures[role], reliability=rel)
    return replace(group, measures=measures)


def _with_versus_rest(organisation: GroupResult, units: dict[str, GroupResult],
                      settings: Settings) -> dict[str, GroupResult]:
    shown = [path for path, unit in units.items() if not unit.suppressed]
    if organisation.suppressed or not shown:
        return units
    whole_ = [summary_of_stats(organisation.measures[m]) for m in HEATMAP_MEASURES]
    parts = [[summary_of_stats(units[path].measures[m]) for m in HEATMAP_MEASURES] for path in shown]
    grid = versus_rest(whole_, parts, q=settings.fdr_q, level=settings.level)
    out = dict(units)
    for path, row in zip(shown, grid, strict=True):
        out[path] = replace(units[path], versus_rest=dict(zip(HEATMAP_MEASURES, row, strict=True)))
    return out


def _with_change(after: GroupResult, before: GroupResult | None, order: Sequence[Any],
                 settings: Settings) -> GroupResult:
    """Attach later − earlier change per measure when both waves are published."""
    if before is None or before.suppressed or after.suppressed:
        return after
    measures = list(after.measures)
    diffs = compare(*(_stack([summary_of_stats(g.measures[m]) for m in measures]) for g in (after, before)),
                    level=settings.level)
    return replace(after, change=dict(zip(measures, diffs, strict=True)), change_from=order[-2])


def _stack(summaries: list[Any]) -> tuple[np.ndarray, ...]:
    return tuple(np.array([s[f] for s in summaries], dtype=float) for f in range(4))


def _drivers(scores: RespondentScores, outcome: str | None, settings: Settings) -> Drivers:
    outcome = outcome or next((o for o in OUTCOMES if o in scores.pomp), None)
    if outcome is None or outcome not in scores.pomp:
        return Drivers(str(outcome), DIMENSIONS, 0, reason="no outcome items (global_trust or intention)")
    predictors = np.column_stack([scores.pomp[d] for d in DIMENSIONS])
    return dominance_analysis(predictors, scores.pomp[outcome], names=DIMENSIONS, outcome_name=outcome,
                              resamples=settings.resamples, seed=settings.seed, min_n=settings.min_n_drivers,
                              level=settings.level)


def _dicts(mapping: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if mapping is None else {k: v.to_dict() for k, v in mapping.items()}
