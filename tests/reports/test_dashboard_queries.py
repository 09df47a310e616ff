"""The dashboards run a constant number of SQL statements, whatever the number of units, waves or responses."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.scoring.reciprocal import MEASURES
from reports.models import TrendSnapshot
from reports.reciprocal import FELT_GAP, MUTUAL_GAP, PREFIXES
from surveys.models import ManagerPrediction
from tests.factories import MembershipFactory, OrganisationFactory, unit_tree
from tests.reports.test_dashboard_data import build, incident_between

SMALL = (["Sales/North", "Operations"], 2, 6)
LARGE = (["Sales/North", "Sales/South", "Sales/East", "Operations/Plant", "Operations/Depot", "Finance", "HR",
          "IT"], 5, 9)


def organisation(slug: str, paths: list[str], waves: int, per_unit: int):
    """An organisation with `paths` (leaf units, each with `per_unit` respondents per wave), built snapshots,
    an incident between the first waves, an owner and a manager of the first top-level unit; the latest wave
    also has reciprocal rows (issue 11) for every scope, and every unit's manager made a prediction."""
    org = OrganisationFactory(slug=slug, name=slug.title())
    org.test_units = unit_tree(org, paths)
    assessment, made = build(org, waves=waves, sizes={p: per_unit for p in paths})
    incident_between(org, made)
    incident_between(org, made, units=[org.test_units[paths[-1]]], title="Local outage")
    owner = MembershipFactory(organisation=org, role="owner").user
    top = org.test_units[paths[0].split("/")[0]]
    manager = MembershipFactory(organisation=org, role="manager", unit=top).user
    reciprocal_rows(made[-1])
    for unit in org.test_units.values():
        user = manager if unit == top else MembershipFactory(organisation=org, role="manager", unit=unit).user
        ManagerPrediction.objects.create(wave=made[-1], unit=unit, user=user, values={m: 80 for m in MEASURES[:4]})
    return org, owner, manager, org.test_units[paths[0]]


def reciprocal_rows(wave) -> None:
    """Reciprocal snapshot rows beside each scope's Trust Index row (suppressed where it is), as the builder stores."""
    rows = []
    for base in TrendSnapshot.objects.filter(wave=wave, cut="", measure="trust_index"):
        for prefix in PREFIXES:
            for measure in MEASURES:
                row = TrendSnapshot.objects.get(pk=base.pk)
                row.pk, row.measure, row.previous_wave = None, prefix + measure, None
                row.diff = row.diff_ci_low = row.diff_ci_high = row.hedges_g = None
                row.verdict = "down" if prefix in (FELT_GAP, MUTUAL_GAP) and not row.suppressed else ""
                rows.append(row)
    TrendSnapshot.objects.bulk_create(rows)


def pages(org, leaf):
    return {"dashboard": reverse("dashboard", kwargs={"slug": org.slug}),
            "dashboard_unit": reverse("dashboard_unit", kwargs={"slug": org.slug, "unit_pk": leaf.pk}),
            "dashboard_heatmap": reverse("dashboard_heatmap", kwargs={"slug": org.slug})}


def counts(client, org, owner, manager, leaf) -> dict[tuple[str, str], int]:
    out = {}
    for who, user in (("owner", owner), ("manager", manager)):
        client.force_login(user)
        for name, path in pages(org, leaf).items():
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            assert response.status_code == 200
            out[who, name] = len(ctx.captured_queries)
    return out


@pytest.mark.django_db
def test_query_count_is_the_same_for_2_units_2_waves_and_8_units_5_waves(client, django_assert_num_queries) -> None:
    # given a small organisation (2 units, 2 waves) and a large one (8 leaf units, 5 waves)
    small = organisation("small", *SMALL)
    large = organisation("large", *LARGE)
    # when each page is opened by the owner and by a manager in the small organisation
    expected = counts(client, *small)
    # then the large organisation's pages run exactly as many statements
    for who, user in (("owner", large[1]), ("manager", large[2])):
        client.force_login(user)
        for name, path in pages(large[0], large[3]).items():
            with django_assert_num_queries(expected[who, name]):
                response = client.get(path)
            assert response.status_code == 200
            board = response.context["board"]
            assert board.selection.wave.number == 5 and (name == "dashboard_heatmap" or len(board.trend) == 5)
            if name == "dashboard":  # with trust both ways: the manager's blind spot, the owner's aggregate
                recip = response.context["recip"]
                assert recip.children and (recip.blind_spot if who == "manager" else recip.aggregate.shown)
    # and the numbers stay small (printed for the note)
    print("dashboard queries:", expected)
    # 10 of the page + 5 of every request (session, 2FA, idle-timeout save) + 1 for the managers' predictions
    # (a manager's own on their unit's page; every prediction of the wave for the owner's organisation aggregate)
    assert max(expected.values()) <= 16
