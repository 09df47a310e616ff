"""Disclosure of reciprocal figures (issue 11): nothing of a team below the threshold, not even by subtracting its
published siblings from its parent, and not its manager's own rating of it."""

from __future__ import annotations

import pytest

from reports.models import TrendSnapshot
from reports.reciprocal import PREFIXES
from reports.snapshots import snapshots_build
from tests.factories import unit_tree
from tests.reports.reciprocal_data import fill, rate_team, reciprocal_wave, small_teams

RECIPROCAL = r"^(upward|felt|felt_gap|downward|mutual_gap):"


def published_n(wave, measure: str) -> dict[int | None, int]:
    return {r.unit_id: r.n for r in TrendSnapshot.objects.filter(wave=wave, measure=measure, suppressed=False)}


@pytest.fixture
def wave(org):
    # given min_group_size 5: Sales/North 3 people, Sales/South 8, Operations 10, and every manager rated the team
    w = small_teams(org)
    for path in ("Sales/North", "Sales/South", "Operations", "Sales"):
        rate_team(w, org.test_units[path], value=6)
    snapshots_build()
    return w


def test_a_team_below_the_threshold_has_no_reciprocal_figure_at_all(org, wave) -> None:
    # when the rows of Sales/North are read
    north = TrendSnapshot.objects.filter(wave=wave, unit=org.test_units["Sales/North"], measure__regex=RECIPROCAL)
    # then every reciprocal measure is there only as a suppressed marker without figures — including the
    # manager's own rating (downward) and the mutuality gap
    assert north.exists()
    assert set(north.values_list("suppressed", flat=True)) == {True}
    assert not north.exclude(n=None).exists() and not north.exclude(mean_pomp=None).exists()
    assert {m.split(":")[0] + ":" for m in north.values_list("measure", flat=True)} == set(PREFIXES)


def test_no_hidden_team_follows_from_its_parent_minus_its_published_siblings(org, wave) -> None:
    # when every published reciprocal figure of the wave is read
    u = org.test_units
    sizes = {u["Sales/North"].pk: 3, u["Sales/South"].pk: 8, u["Operations"].pk: 10}
    for prefix in ("upward:", "felt:", "felt_gap:"):
        n = published_n(wave, prefix + "trust_index")
        # then for every published scope, what is left after subtracting its published children is 0 or ≥ 5
        for parent, children in ((None, [u["Sales"].pk, u["Operations"].pk]), (u["Sales"].pk, [u["Sales/North"].pk, u["Sales/South"].pk])):
            if parent in n:
                rest = n[parent] - sum(n.get(c, 0) for c in children)
                assert rest == 0 or rest >= 5, (prefix, parent, rest)
        # and concretely: Sales/North is hidden, so Sales/South or Sales is hidden with it
        assert u["Sales/North"].pk not in n
        assert u["Sales/South"].pk not in n or u["Sales"].pk not in n
        assert n[u["Operations"].pk] == sizes[u["Operations"].pk]


def test_a_managers_rating_of_a_hidden_team_is_not_shown_but_a_published_one_is(org, wave) -> None:
    # then Operations (10) shows its manager's rating beside the team's trust in the leadership, Sales/North not
    down = published_n(wave, "downward:trust_index")
    assert org.test_units["Operations"].pk in down and org.test_units["Sales/North"].pk not in down
    # and a rating is never rolled up: the organisation row has no downward figure of its own
    assert None not in down


def test_a_parent_with_one_published_child_and_a_small_direct_group_is_protected(org) -> None:
    # given Support with 2 people attached directly and Support/Care with 9: Support − Care would isolate the 2
    org.min_group_size = 5
    org.save()
    units = unit_tree(org, ["Support/Care"])
    w = reciprocal_wave(org)
    fill(w, units["Support"], 2, upward=2, felt=6, seed=1)
    fill(w, units["Support/Care"], 9, upward=6, felt=3, seed=2)
    fill(w, org.test_units["Operations"], 12, upward=5, felt=5, seed=3)
    snapshots_build()
    # when the published felt-trust figures are read
    n = published_n(w, "felt:trust_index")
    # then Support and Support/Care are not both published (their difference is the 2 people)
    assert not (units["Support"].pk in n and units["Support/Care"].pk in n)
    # and Operations (12) keeps its figure
    assert n[org.test_units["Operations"].pk] == 12
