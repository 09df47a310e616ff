"""Pure trust-scoring package (numpy + scipy only; no Django).

Entry point: `score_dataset`. Formulas and sources: docs/reference/measurement-science.md
(§2 scoring, §3 statistics, §8 checklist); each module's docstring says which.
"""

from __future__ import annotations

from .change import Difference, Summary, compare, compare_scores, inside_outside_gap, versus_rest
from .drivers import Drivers, dominance_analysis, general_dominance
from .engine import GroupResult, ScoreResult, Settings, score_dataset
from .groups import GroupStats, ItemStats, MeasureStats, describe_groups, direct_counts, unit_membership
from .intervals import bh_qvalues, hedges_g, newcombe, t_interval, welch, wilson
from .items import DIMENSIONS, OUTCOMES, ROLES, ItemSpec, recode, validate_responses
from .reliability import Reliability, cronbach_alpha, feldt_interval, omega_total, one_factor_loadings, reliability
from .respondent import RespondentScores, dimension_score, min_answered, pomp, score_respondents

__all__ = [
    "DIMENSIONS", "OUTCOMES", "ROLES", "Difference", "Drivers", "GroupResult", "GroupStats", "ItemSpec",
    "ItemStats", "MeasureStats", "Reliability", "RespondentScores", "ScoreResult", "Settings", "Summary",
    "bh_qvalues", "compare", "compare_scores", "cronbach_alpha", "describe_groups", "dimension_score", "direct_counts",
    "dominance_analysis", "feldt_interval", "general_dominance", "hedges_g", "inside_outside_gap", "min_answered",
    "newcombe", "omega_total", "one_factor_loadings", "pomp", "recode", "reliability", "score_dataset",
    "score_respondents", "t_interval", "unit_membership", "validate_responses", "versus_rest", "welch", "wilson",
]
