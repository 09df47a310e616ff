"""Disclosure on the dashboards: no page, drill-down, heatmap cell or parameter shows a figure, an n or a
comment of a group below the threshold; what the snapshot builder hid stays hidden everywhere."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reports.models import SnapshotComment, TrendSnapshot
from reports.snapshots import snapshots_build
from tests.reports.test_dashboard_data import FAST, build
from tests.reports.test_snapshot_details import comment_on

PERSONAS = ("owner", "consultant", "viewer", "manager")


@pytest.fixture
def tree(org):
    """Two waves: Sales/North 40 + 12 with comments, Sales/South 1 + 2 with comments, Operations 30 + 20."""
    assessment, waves = build(org, sizes={"Sales/North": 40, "Sales/South": 1, "Operations": 30})
    u = org.test_units
    for wave in waves:
        comment_on(wave, u["Sales/North"], 12, start=wave.number * 1000)
        comment_on(wave, u["Sales/South"], 2, start=wave.number * 1000 + 100)
        comment_on(wave, u["Operations"], 20, start=wave.number * 1000 + 200)
    snapshots_build(settings=FAST)
    return assessment, waves


def pages(org, assessment, waves):
    """Every dashboard URL of acme with every wave (and without parameters)."""
    names = [("dashboard", {}), ("dashboard_heatmap", {})]
    names += [("dashboard_unit", {"unit_pk": unit.pk}) for unit in org.test_units.values()]
    queries = [{}] + [{"assessment": assessment.pk, "wave": w.number} for w in waves]
    return [(reverse(name, kwargs={"slug": "acme", **kwargs}), q) for name, kwargs in names for q in queries]


def hidden_units(org) -> set[int]:
    return set(TrendSnapshot.objects.filter(measure="trust_index", suppressed=True, unit__isnull=False)
               .values_list("unit_id", flat=True))


def test_the_builder_hid_south_and_its_sibling(org, tree) -> None:
    # given South with 3 respondents per wave (below 5)
    hidden = hidden_units(org)
    # then South is hidden, and North too while Sales is published (Sales minus North would give South)
    assert org.test_units["Sales/South"].pk in hidden
    sales = TrendSnapshot.objects.get(wave=tree[1][1], unit=org.test_units["Sales"], measure="trust_index")
    assert sales.suppressed or org.test_units["Sales/North"].pk in hidden


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_shows_anything_of_a_suppressed_group(client, personas, org, tree, persona) -> None:
    # given the built tree, and every persona of acme
    assessment, waves = tree
    client.force_login(personas[persona])
    suppressed = {(r.wave_id, r.unit_id) for r in TrendSnapshot.objects.filter(suppressed=True, unit__isnull=False)}
    assert suppressed, "the tree must contain a hidden group"
    visible_comment_scopes = set(SnapshotComment.objects.values_list("wave_id", "unit_id"))
    south_texts = {f"c{w.number * 1000 + 100 + i}" for w in waves for i in range(2)}
    for path, query in pages(org, assessment, waves):
        # when they open any page with any parameters
        response = client.get(path, query)
        if response.status_code == 404:
            continue  # out of their scope
        assert response.status_code == 200
        b = response.context["board"]
        html = response.content.decode()
        wave_id = b.selection.wave.id
        # then a suppressed root shows no figure, no n, no item, no comment, no response count
        root_id = b.scope.root.id if b.scope.root else None
        if (wave_id, root_id) in suppressed:
            assert not any(f.shown or f.n is not None for f in b.figures.values())
            assert b.rate.n is None and b.weakest == [] and b.strongest == [] and b.comments == []
            assert not re.search(r"n = \d", html.split('id="h-trend"')[0])
        # and suppressed children and heatmap rows are "hidden" with no n
        for child in b.children:
            if (wave_id, child.unit.id) in suppressed:
                assert not child.figure.shown and child.figure.n is None and child.rate.n is None
        for row in b.heat:
            if (wave_id, row.unit.id) in suppressed:
                assert all(c.state == "hidden" and c.figure.n is None and c.rest_diff is None for c in row.cells)
        # and trend points of hidden waves show nothing
        for point in b.trend:
            if (point.wave.id, root_id) in suppressed:
                assert not any(f.shown for f in point.figures.values()) and point.rate.n is None
        # and the only comments are those the builder published for this very scope and wave
        for group in b.comments:
            assert (wave_id, root_id) in visible_comment_scopes
            assert set(group.texts) <= set(SnapshotComment.objects.filter(
                wave_id=wave_id, unit_id=root_id).values_list("text", flat=True))
        # and South's comments (2 people) are never on a page of South or of a scope holding only them
        if root_id in (org.test_units["Sales/South"].pk, org.test_units["Sales/North"].pk):
            assert b.comments == [] and not any(f">{text}<" in html for text in south_texts)
    # (they may appear only mixed into a published larger group, as the builder decided)
    assert all(SnapshotComment.objects.filter(text=t).exclude(unit=org.test_units["Sales/South"]).count()
               == SnapshotComment.objects.filter(text=t).count() for t in south_texts)


def test_manager_of_sales_never_sees_operations(client, personas, org, tree) -> None:
    # given the manager of Sales
    assessment, waves = tree
    client.force_login(personas["manager"])
    operations = org.test_units["Operations"]
    ops_comments = set(SnapshotComment.objects.filter(unit=operations).values_list("text", flat=True))
    assert ops_comments  # Operations' own comments exist …
    for path, query in pages(org, assessment, waves):
        response = client.get(path, query)
        # then Operations' page is 404, and no page mentions it or its comments
        if f"/units/{operations.pk}/" in path:
            assert response.status_code == 404
            continue
        html = response.content.decode()
        assert "Operations" not in html
        assert not any(f">{text}<" in html for text in ops_comments)


def test_comments_shown_grouped_with_a_count_and_no_dates(client, personas, org, tree) -> None:
    # given the owner on the organisation dashboard
    assessment, waves = tree
    client.force_login(personas["owner"])
    response = client.get(reverse("dashboard", kwargs={"slug": "acme"}))
    b = response.context["board"]
    published = list(SnapshotComment.objects.filter(wave=waves[1], unit=None).values_list("text", flat=True))
    # then exactly the published organisation comments of wave 2 are listed, grouped by question, counted
    assert sorted(t for g in b.comments for t in g.texts) == sorted(published)
    assert b.comment_count == len(published) > 0
    html = response.content.decode()
    assert f"{len(published)} comments" in html
    assert all(g.question != g.key for g in b.comments)  # the question's wording, not its key


def test_comments_of_a_confidential_assessment_are_not_shown(client, personas, org, tree) -> None:
    # given the same assessment switched to confidential
    assessment, waves = tree
    assessment.anonymity = "confidential"
    assessment.save(update_fields=["anonymity"])
    client.force_login(personas["owner"])
    response = client.get(reverse("dashboard", kwargs={"slug": "acme"}))
    # then no comment is listed, and the page says why
    assert response.context["board"].comments == []
    assert "its comments are not shown" in response.content.decode()
