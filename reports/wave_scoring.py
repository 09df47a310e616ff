"""Score one wave from the database through `assessments.scoring.score_dataset` (issue 6, wiring).

Reads in bulk, with a constant number of queries whatever the number of respondents:
1. the instrument version's items (key, id) — scored specs come from `version_to_format`;
2. the answers, pivoted by PostgreSQL/SQLite into one row per response: `unit_id` plus one
   `MAX(value) FILTER (WHERE item_id = …)` column per scored item (the database does the
   grouping; Python receives respondents × items integers, never one row per answer);
3. the organisation's units (id → path, e.g. Sales/North);
4. invitations counted per unit of the invited person.
Plus the version/assessment/organisation look-ups. Unanswered and "don't know" (NULL) are NaN.
Responses without a unit, or whose unit has been deleted, count for the organisation only.
Disclosure: the organisation's `min_group_size` through `reports.score_file.tree_suppressor`
(primary + complementary suppression over the unit tree).

Added to the engine's dict for the snapshots (issue 7): `item_figures` per published scope (the
engine's ItemStats carry no mean/sd/interval), and `comment_scopes`: the paths whose comments may be
shown (comments threshold max(10, min_group_size), complementary suppression with comments=True).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, Max, Q

from assessments.disclosure import DisclosurePolicy
from assessments.disclosure.tree import Node, suppress_tree
from assessments.models import Unit, Wave
from assessments.scoring import ItemSpec, Settings, direct_counts, recode, score_dataset, t_interval, wilson
from assessments.scoring.groups import Membership, ancestors, moments, parent_path, unit_membership
from assessments.scoring.jsonsafe import number
from reports.score_file import TRUST_GIVEN_ROLES, tree_suppressor
from surveys.instrument_format import scored_items
from surveys.instrument_store import version_to_format
from surveys.models import Answer, Invitation, Item, Response

OUTCOME_ROLES = ("global_trust", "intention")


def wave_specs(version) -> tuple[list[ItemSpec], list[int]]:
    """The scored ItemSpecs of an instrument version and the matching Item ids, in instrument order."""
    scored = scored_items(version_to_format(version))
    ids = dict(Item.objects.filter(version=version).values_list("key", "id"))
    specs, item_ids = [], []
    for key, item in scored.items():
        if item.role in TRUST_GIVEN_ROLES and item.dimension:
            role = item.dimension
        elif item.role in OUTCOME_ROLES:
            role = item.role
        else:
            continue
        specs.append(ItemSpec(key, role, item.reverse_keyed, item.scale_min, item.scale_max))
        item_ids.append(ids[key])
    return specs, item_ids


def pivot_sql(wave: Wave, item_ids: list[int], *, order_by: tuple[str, ...] = ()) -> tuple[str, tuple]:
    """SQL and parameters of one row per response of `wave`: unit_id, then the value of each item in
    `item_ids` (`MAX(value) FILTER (WHERE item_id = …)`: the database pivots, NULL = unanswered/don't know)."""
    columns = {f"i{n}": Max("answers__value", filter=Q(answers__item_id=item_id))
               for n, item_id in enumerate(item_ids)}
    query = (Response.objects.filter(wave=wave).order_by(*order_by).annotate(**columns)
             .values_list("unit_id", *columns)).query
    return query.sql_with_params()


def wave_matrix(wave: Wave, item_ids: list[int]) -> tuple[np.ndarray, list[int | None]]:
    """Respondents × items values (NaN = no answer / don't know) and each respondent's unit id."""
    sql, params = pivot_sql(wave, item_ids)
    with connection.cursor() as cursor:  # the ORM's SQL, without its per-row converters (1 s per 100k rows)
        cursor.execute(sql, params)
        data = cursor.fetchall()
    if not data:
        return np.empty((0, len(item_ids))), []
    units = [row[0] for row in data]
    values = np.array([row[1:] for row in data], dtype=float)  # None → nan
    return values, units


def wave_score(wave: Wave, *, settings: Settings = Settings()) -> dict[str, Any]:
    """The engine's JSON-safe result for `wave` (ScoreResult.to_dict()), suppression applied.

    Keys: the organisation's figures (suppressed, n, n_invited, response_rate, dimensions,
    trust_index, ..., items), `units` by path (e.g. "Sales/North"), `drivers`, `method`.
    With no responses: {"suppressed": True, "n": 0, "units": {}, ...} without figures."""
    assessment = wave.assessment
    organisation = assessment.organisation
    specs, item_ids = wave_specs(assessment.instrument_version)
    values, unit_ids = wave_matrix(wave, item_ids)
    paths = dict(Unit.objects.filter(organisation=organisation).values_list("id", "path"))
    invited: dict[str, int] = {}
    for unit_id, count in (Invitation.objects.filter(wave=wave).order_by().values("person__unit_id")
                           .annotate(n=Count("id")).values_list("person__unit_id", "n")):
        path = paths.get(unit_id, "")
        invited[path] = invited.get(path, 0) + count
    if not len(values):
        return {"suppressed": True, "n": 0, "n_invited": sum(invited.values()), "units": {}, "waves": {},
                "drivers": None, "comment_scopes": []}
    units = [paths.get(u, "") if u is not None else "" for u in unit_ids]
    result = score_dataset(values, specs, units=units, invited=invited,
                           suppress=tree_suppressor(organisation.min_group_size), settings=settings)
    out = result.to_dict()
    membership = unit_membership(units)
    figures = item_figures(values, specs, membership, level=settings.level)
    for path, scope in [("", out), *out["units"].items()]:
        if not scope.get("suppressed"):
            scope["item_figures"] = figures[path]
    sizes = dict(zip(membership.labels, (int(n) for n in membership.sizes), strict=True))
    out["comment_scopes"] = sorted(comment_scopes(sizes, organisation.min_group_size))
    return out


def item_figures(values: np.ndarray, specs: Sequence[ItemSpec], membership: Membership, *,
                 level: float = 0.95) -> dict[str, dict[str, dict[str, Any]]]:
    """path → item key → n, mean, sd, t-interval (response scale after reverse-keying, and POMP),
    n_favourable (answers above the midpoint) and their percentage with a Wilson interval.

    Pure numpy: one bincount pass per item over the (respondent, subtree) pairs."""
    recoded = recode(values, specs)
    out: dict[str, dict[str, dict[str, Any]]] = {label: {} for label in membership.labels}
    for column, spec in enumerate(specs):
        width = spec.scale_max - spec.scale_min
        mo = moments((recoded[:, column] - spec.scale_min) * 100 / width, membership)
        sd = np.sqrt(mo.var)
        low, high = t_interval(mo.mean, sd, mo.n, level)
        fav_low, fav_high = wilson(mo.favourable, mo.n, level)

        def raw(x: float, shift: bool = True, spec: ItemSpec = spec, width: int = width) -> float | None:
            value = number(x)
            return None if value is None else (spec.scale_min if shift else 0) + value * width / 100

        for g, label in enumerate(membership.labels):
            n = int(mo.n[g])
            out[label][spec.key] = {
                "n": n, "mean": raw(mo.mean[g]), "sd": raw(sd[g], shift=False), "ci_low": raw(low[g]),
                "ci_high": raw(high[g]), "mean_pomp": number(mo.mean[g]), "sd_pomp": number(sd[g]),
                "ci_low_pomp": number(low[g]), "ci_high_pomp": number(high[g]),
                "n_favourable": int(mo.favourable[g]),
                "pct_favourable": number(100 * mo.favourable[g] / n) if n else None,
                "pct_favourable_low": number(100 * fav_low[g]), "pct_favourable_high": number(100 * fav_high[g]),
            }
    return out


def comment_scopes(sizes: dict[str, int], min_group: int) -> set[str]:
    """Paths ('' = organisation) whose comments may be published: at least max(10, min_group)
    respondents AND published by the tree suppression at the comments threshold, so that no
    difference of published comment lists isolates a group below that threshold."""
    policy = DisclosurePolicy(min_group=min_group, min_comments=max(10, min_group))
    direct = direct_counts(sizes)
    ordered = sorted(sizes, key=lambda p: (p.count("/") + bool(p), p))
    decisions = suppress_tree([Node(p, parent_path(p), direct[p]) for p in ordered], policy, comments=True).decisions
    k = policy.threshold(comments=True)
    return {path for path, decision in decisions.items() if decision.published and sizes[path] >= k}


def wave_comments(wave: Wave, scopes: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(scope path, item key, text, language) for every comment of `wave` under every published scope
    containing its respondent, in a shuffled order seeded by the wave id (never submission order)."""
    if not scopes:
        return []
    published = set(scopes)
    paths = dict(Unit.objects.filter(organisation_id=wave.assessment.organisation_id).values_list("id", "path"))
    rows = sorted((paths.get(unit_id, "") if unit_id is not None else "", key, text.strip(), language or "")
                  for unit_id, key, text, language in Answer.objects.filter(
                      response__wave=wave, item__role="comment").exclude(text="").order_by()
                  .values_list("response__unit_id", "item__key", "text", "response__language")
                  if text.strip())
    random.Random(hashlib.sha256(f"comments:{wave.pk}".encode()).hexdigest()).shuffle(rows)
    return [(scope, key, text, language) for path, key, text, language in rows
            for scope in ancestors(path) if scope in published]
