"""Reciprocal trust of one wave from the database (issue 11): the figures the snapshot builder stores.

Measures are a prefix plus one of `assessments.scoring.reciprocal.MEASURES` (the four dimensions, trust_index):
upward: (the team's trust in its leadership), felt: (felt trust), felt_gap: (felt − upward, paired),
downward: (the managers' own rating of their team), mutual_gap: (upward − downward). Formulas: that module.
Like every dimension, the organisation's upward and felt rows carry Cronbach's alpha (Feldt interval) and omega of
their items over the reciprocal sample, from 50 complete respondents on (assessments/scoring/reliability.py).

Disclosure: the reciprocal sample (respondents with both indices) is counted per unit subtree and goes through the
same primary + complementary tree suppression as every figure of the wave (`tree_suppressor`). A hidden unit gets
no reciprocal figure at all — not even its manager's rating — so nothing of a team below the threshold is shown,
and no hidden team can be recovered by subtracting its published siblings from its parent. A manager's rating of
a unit nobody published stays unshown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assessments.models import Unit, Wave
from assessments.scoring import ItemSpec, recode, reliability
from assessments.scoring.groups import Membership, unit_membership
from assessments.scoring.reciprocal import MEASURES, figures, gap_figures, index_scores, shifted_gap
from reports.score_file import TRUST_GIVEN_ROLES, tree_suppressor
from reports.wave_scoring import wave_matrix
from surveys.instrument_format import ScoredItem, scored_items
from surveys.instrument_store import version_to_format
from surveys.models import InstrumentVersion, Item, TeamRating

UPWARD, FELT, FELT_GAP, DOWNWARD, MUTUAL_GAP = "upward:", "felt:", "felt_gap:", "downward:", "mutual_gap:"
PREFIXES = (UPWARD, FELT, FELT_GAP, DOWNWARD, MUTUAL_GAP)
LEADERSHIP_REFERENTS = frozenset({"leadership", "manager"})


@dataclass
class Reciprocal:
    """path → measure → figures for published paths; the hidden paths; the measures this wave has."""

    published: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    measures: list[str] = field(default_factory=list)


def _specs(version: InstrumentVersion) -> tuple[list[ItemSpec], list[int], list[ItemSpec], list[int]]:
    """(upward specs, their item ids, felt specs, their item ids), each spec's role being its dimension.

    Upward: trust-given items about the leadership or the manager; all trust-given items when there are none."""
    source = version_to_format(version)
    scored = scored_items(source)
    referents = {item.key: item.referent for item in source.items}
    ids = dict(Item.objects.filter(version=version).values_list("key", "id"))
    given = _keys(scored, TRUST_GIVEN_ROLES)
    upward = [k for k in given if referents[k] in LEADERSHIP_REFERENTS] or given
    felt = _keys(scored, {"felt_trust"})
    return _specs_of(scored, upward), [ids[k] for k in upward], _specs_of(scored, felt), [ids[k] for k in felt]


def _keys(scored: dict[str, ScoredItem], roles) -> list[str]:
    """The keys of the items of `roles` that are scored into a dimension, in instrument order."""
    return [k for k, s in scored.items() if s.role in roles and s.dimension]


def _specs_of(scored: dict[str, ScoredItem], keys: list[str]) -> list[ItemSpec]:
    """ItemSpecs whose role is the item's dimension (what index_scores expects)."""
    return [ItemSpec(k, scored[k].dimension, scored[k].reverse_keyed, scored[k].scale_min, scored[k].scale_max)
            for k in keys]


def _has_every_dimension(specs: list[ItemSpec]) -> bool:
    return {s.role for s in specs} >= set(MEASURES[:4])


def wave_reciprocal(wave: Wave, *, level: float = 0.95) -> Reciprocal:
    """The reciprocal figures of `wave` (empty when the wave asks nothing reciprocal)."""
    assessment = wave.assessment
    up_specs, up_ids, felt_specs, felt_ids = _specs(assessment.instrument_version)
    has_felt = _has_every_dimension(felt_specs)
    ratings = list(TeamRating.objects.filter(wave=wave).select_related("unit").order_by("pk"))
    if not (has_felt or ratings) or not _has_every_dimension(up_specs):
        return Reciprocal()
    result = Reciprocal(measures=[p + m for p in ((UPWARD, FELT, FELT_GAP) if has_felt else (UPWARD,)) for m in MEASURES])
    if ratings:
        result.measures += [p + m for p in (DOWNWARD, MUTUAL_GAP) for m in MEASURES]
    values, unit_ids = wave_matrix(wave, up_ids + felt_ids)
    paths = dict(Unit.objects.filter(organisation_id=assessment.organisation_id).values_list("id", "path"))
    if len(values):
        upward = index_scores(values[:, : len(up_ids)], up_specs)
        felt = index_scores(values[:, len(up_ids):], felt_specs) if has_felt else None
        in_sample = ~np.isnan(upward["trust_index"])
        if felt is not None:
            in_sample &= ~np.isnan(felt["trust_index"])
    else:
        upward, felt, in_sample = {}, None, np.zeros(0, dtype=bool)
    rows = np.flatnonzero(in_sample)
    labels = [paths.get(unit_ids[r], "") if unit_ids[r] is not None else "" for r in rows]
    membership = unit_membership(labels)
    sizes = dict(zip(membership.labels, (int(n) for n in membership.sizes), strict=True))
    result.hidden = set(tree_suppressor(assessment.organisation.min_group_size)(sizes)) if len(rows) else set()
    taken = {m: v[rows] for m, v in upward.items()}
    up_figures = figures(taken, membership, level=level)
    tables = {UPWARD: up_figures}
    if felt is not None:
        felt_taken = {m: v[rows] for m, v in felt.items()}
        tables[FELT] = figures(felt_taken, membership, level=level)
        tables[FELT_GAP] = gap_figures(felt_taken, taken, membership, level=level)
    down = _downward(ratings, level=level)
    if "" in sizes and "" not in result.hidden:  # reliability like every dimension: the organisation, n ≥ 50
        blocks = [(UPWARD, values[rows, : len(up_ids)], up_specs)]
        if felt is not None:
            blocks.append((FELT, values[rows, len(up_ids):], felt_specs))
        for prefix, block, specs in blocks:
            for m, figures_ in _reliabilities(recode(block, specs), specs, level=level).items():
                tables[prefix][""][m].update(figures_)
    for path in membership.labels:
        if path in result.hidden or not sizes.get(path):
            continue
        scope = result.published[path] = {}
        for prefix, table in tables.items():
            scope |= {prefix + m: table[path][m] for m in MEASURES}
        for m, row in down.get(path, {}).items():
            scope[DOWNWARD + m] = row
            scope[MUTUAL_GAP + m] = shifted_gap(up_figures[path][m], row["mean_pomp"])
    return result


def _reliabilities(recoded: np.ndarray, specs: list[ItemSpec], *, level: float) -> dict[str, dict[str, Any]]:
    """measure → alpha (Feldt interval) and omega of its items; the index takes all of them."""
    out = {}
    for m in MEASURES:
        columns = [c for c, s in enumerate(specs) if m == "trust_index" or s.role == m]
        r = reliability(recoded[:, columns], level=level)
        out[m] = {"alpha": r.alpha, "alpha_ci_low": r.alpha_ci_low, "alpha_ci_high": r.alpha_ci_high, "omega": r.omega}
    return out


def _downward(ratings: list[TeamRating], *, level: float) -> dict[str, dict[str, dict[str, Any]]]:
    """path → measure → the managers' ratings of exactly that unit (never rolled up to parents)."""
    if not ratings:
        return {}
    specs_by_version: dict[int, tuple[list[ItemSpec], list[str]]] = {}
    scores: dict[str, list[float]] = {m: [] for m in MEASURES}
    for rating in ratings:
        if rating.version_id not in specs_by_version:
            scored = scored_items(version_to_format(rating.version))
            keys = _keys(scored, TRUST_GIVEN_ROLES)
            specs_by_version[rating.version_id] = (_specs_of(scored, keys), keys)
        specs, keys = specs_by_version[rating.version_id]
        row = np.array([[np.nan if rating.answers.get(k) is None else rating.answers[k] for k in keys]], dtype=float)
        for m, value in index_scores(row, specs).items():
            scores[m].append(float(value[0]))
    labels = [r.unit.path for r in ratings]
    distinct = sorted(set(labels))
    membership = Membership(tuple(distinct), np.arange(len(labels)), np.array([distinct.index(p) for p in labels]))
    return figures({m: np.array(v) for m, v in scores.items()}, membership, level=level)
