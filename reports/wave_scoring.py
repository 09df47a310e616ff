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
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, Max, Q

from assessments.models import Unit, Wave
from assessments.scoring import ItemSpec, Settings, score_dataset
from reports.score_file import TRUST_GIVEN_ROLES, tree_suppressor
from surveys.instrument_format import scored_items
from surveys.instrument_store import version_to_format
from surveys.models import Invitation, Item, Response

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


def wave_matrix(wave: Wave, item_ids: list[int]) -> tuple[np.ndarray, list[int | None]]:
    """Respondents × items values (NaN = no answer / don't know) and each respondent's unit id."""
    columns = {f"i{n}": Max("answers__value", filter=Q(answers__item_id=item_id))
               for n, item_id in enumerate(item_ids)}
    query = (Response.objects.filter(wave=wave).order_by().annotate(**columns)
             .values_list("unit_id", *columns)).query
    sql, params = query.sql_with_params()
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
                "drivers": None}
    units = [paths.get(u, "") if u is not None else "" for u in unit_ids]
    result = score_dataset(values, specs, units=units, invited=invited,
                           suppress=tree_suppressor(organisation.min_group_size), settings=settings)
    return result.to_dict()
