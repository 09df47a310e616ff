"""Dashboards (issue 7, point 2): organisation and manager dashboards, drill-down, heatmap — figures from
TrendSnapshot rows only, the right scope per role, and 404 for every bad parameter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import TrendSnapshot
from reports.snapshots import snapshots_build
from tests.factories import AssessmentFactory, MembershipFactory, WaveFactory
from tests.reports.test_dashboard_data import FAST, build, closed_wave, incident_between


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def board(response):
    assert response.status_code == 200
    return response.context["board"]


@pytest.fixture
def built(org):
    return build(org)


def test_owner_sees_the_organisation_figures_of_the_latest_wave(client, personas, org, built) -> None:
    # given two built waves, and the owner
    assessment, waves = built
    client.force_login(personas["owner"])
    # when they open the dashboard without parameters
    response = client.get(url("dashboard"))
    # then it shows the organisation's Trust Index of wave 2, with n, interval and the change verdict
    b = board(response)
    row = TrendSnapshot.objects.get(wave=waves[1], unit=None, measure="trust_index")
    ti = b.figures["trust_index"]
    assert (b.selection.assessment.id, b.selection.wave.number, b.scope.root) == (assessment.pk, 2, None)
    assert (ti.n, ti.value, ti.low, ti.high, ti.diff, ti.verdict) == (
        row.n, row.mean_pomp, row.ci_low_pomp, row.ci_high_pomp, row.diff, row.verdict)
    html = response.content.decode()
    assert f"95% interval {round(row.ci_low_pomp)}–{round(row.ci_high_pomp)} · n = {row.n}" in html
    assert row.get_verdict_display() in html and "since wave 1" in html
    assert "as of wave 2" in html and "How is this computed?" in html
    # and the four dimensions, How, Why and global trust are all there
    assert set(b.figures) >= {"competence", "reliability", "integrity", "empathy", "how", "why", "global_trust"}
    # and the drill-down lists the top-level units, each linking to its own page
    assert [c.unit.path for c in b.children] == ["Operations", "Sales"]
    assert url("dashboard_unit", unit_pk=org.test_units["Sales"].pk) + f"?assessment={assessment.pk}&amp;wave=2" in html


@pytest.mark.parametrize("persona", ["consultant", "viewer"])
def test_consultants_and_viewers_see_the_organisation(client, personas, built, persona) -> None:
    client.force_login(personas[persona])
    b = board(client.get(url("dashboard")))
    assert b.scope.root is None and b.figures["trust_index"].shown


def test_earlier_wave_and_trend_over_all_waves(client, personas, org, built) -> None:
    # given two built waves
    assessment, waves = built
    client.force_login(personas["owner"])
    # when wave 1 is chosen
    b = board(client.get(url("dashboard"), {"assessment": assessment.pk, "wave": 1}))
    # then its figures show, without a change (no earlier wave), and the trend still spans both waves
    assert b.selection.wave.id == waves[0].id
    assert b.figures["trust_index"].verdict == "" and b.comparison == "first"
    assert [p.wave.number for p in b.trend] == [1, 2]
    assert b.trend[1].figures["trust_index"].n == TrendSnapshot.objects.get(
        wave=waves[1], unit=None, measure="trust_index").n


@pytest.mark.parametrize("params", [
    {"assessment": "abc"}, {"wave": "x"}, {"wave": "99"}, {"assessment": "999999"}, {"wave": "-1"},
    {"assessment": "1.5"},
])
@pytest.mark.parametrize("name", ["dashboard", "dashboard_heatmap"])
def test_bad_parameters_are_404(client, personas, built, params, name) -> None:
    client.force_login(personas["owner"])
    assert client.get(url(name), params).status_code == 404


def test_another_organisations_assessment_is_404(client, personas, built, other_org) -> None:
    # given an assessment of another organisation with built snapshots
    foreign = AssessmentFactory(organisation=other_org)
    from tests.reports.test_wave_scoring import fill
    wave = closed_wave(foreign, 1)
    fill(wave, [other_org.test_units["Finance"]] * 20)
    snapshots_build(settings=FAST)
    client.force_login(personas["owner"])
    # when acme's owner passes its id → 404, on every page
    for name, kwargs in (("dashboard", {}), ("dashboard_heatmap", {}),
                         ("dashboard_unit", {"unit_pk": other_org.test_units["Finance"].pk})):
        assert client.get(url(name, **kwargs), {"assessment": foreign.pk}).status_code == 404


def test_an_assessment_without_built_waves_is_404_and_not_offered(client, personas, org, built) -> None:
    # given a second, newer assessment whose wave is still open (no snapshots)
    newer = AssessmentFactory(organisation=org)
    WaveFactory(assessment=newer, number=1)
    client.force_login(personas["owner"])
    # then the default stays on the built assessment, and the new one is neither offered nor accepted
    b = board(client.get(url("dashboard")))
    assert b.selection.assessment.id == built[0].pk
    assert newer.pk not in [a.id for a in b.selection.assessments]
    assert client.get(url("dashboard"), {"assessment": newer.pk}).status_code == 404


def test_no_snapshots_yet_says_so(client, personas) -> None:
    client.force_login(personas["owner"])
    response = client.get(url("dashboard"))
    assert board(response).selection.wave is None
    assert "No results yet" in response.content.decode()
    assert client.get(url("dashboard_heatmap")).status_code == 200


def test_manager_dashboard_is_rooted_at_their_unit(client, personas, org, built) -> None:
    # given the manager of Sales
    assessment, waves = built
    client.force_login(personas["manager"])
    # when they open the dashboard
    response = client.get(url("dashboard"))
    b = board(response)
    # then the page is Sales' page: Sales' figures, never the organisation's, no key drivers
    sales = TrendSnapshot.objects.get(wave=waves[1], unit=org.test_units["Sales"], measure="trust_index")
    assert b.scope.root.path == "Sales" and b.figures["trust_index"].n == sales.n
    assert b.drivers == [] and b.driver_r2 is None
    assert [c.unit.path for c in b.children] == ["Sales/North", "Sales/South"]
    assert [crumb.path for crumb in b.scope.breadcrumb()] == ["Sales"]
    html = response.content.decode()
    organisation_ti = TrendSnapshot.objects.get(wave=waves[1], unit=None, measure="trust_index")
    assert f"n = {organisation_ti.n}<" not in html and "Operations" not in html
    # and Operations' page, or Operations passed to the heatmap, is 404 / absent
    assert client.get(url("dashboard_unit", unit_pk=org.test_units["Operations"].pk)).status_code == 404
    heat = board(client.get(url("dashboard_heatmap")))
    assert [r.unit.path for r in heat.heat] == ["Sales", "Sales/North", "Sales/South"]


def test_manager_cannot_reach_the_organisation_row_by_any_parameter(client, personas, org, built) -> None:
    # given the manager of Sales trying every wave on every page
    assessment, waves = built
    client.force_login(personas["manager"])
    sales_and_below = {org.test_units[p].pk for p in ("Sales", "Sales/North", "Sales/South")}
    for wave in waves:
        for name, kwargs in (("dashboard", {}), ("dashboard_heatmap", {}),
                             ("dashboard_unit", {"unit_pk": org.test_units["Sales/North"].pk})):
            # when they open it
            b = board(client.get(url(name, **kwargs), {"assessment": assessment.pk, "wave": wave.number}))
            # then every figure on it is the snapshot of a unit in their subtree, never the organisation's
            assert b.scope.root is not None and b.scope.root.id in sales_and_below
            for f in [*b.figures.values(), *(p.figures[m] for p in b.trend for m in p.figures)]:
                if f.shown:
                    assert TrendSnapshot.objects.filter(unit_id__in=sales_and_below, measure=f.measure, n=f.n,
                                                        mean_pomp=f.value).exists()
            assert {r.unit.id for r in b.heat} <= sales_and_below


def test_breadcrumb_leads_back_up_for_the_owner(client, personas, org, built) -> None:
    client.force_login(personas["owner"])
    north = org.test_units["Sales/North"]
    response = client.get(url("dashboard_unit", unit_pk=north.pk))
    b = board(response)
    assert [c.path if c else None for c in b.scope.breadcrumb()] == [None, "Sales", "Sales/North"]
    html = response.content.decode()
    assert url("dashboard_unit", unit_pk=org.test_units["Sales"].pk) in html and url("dashboard") in html


def test_unit_of_another_organisation_is_404(client, personas, other_org, built) -> None:
    client.force_login(personas["owner"])
    assert client.get(url("dashboard_unit", unit_pk=other_org.test_units["Finance"].pk)).status_code == 404
    assert client.get(url("dashboard_unit", unit_pk=999999)).status_code == 404


def test_heatmap_colours_only_significant_cells(client, personas, org, built) -> None:
    # given the owner and the heatmap of wave 2
    assessment, waves = built
    client.force_login(personas["owner"])
    b = board(client.get(url("dashboard_heatmap")))
    # then every cell follows its snapshot row: hidden when suppressed, up/down only when significant
    rows = {(r.unit_id, r.measure): r for r in TrendSnapshot.objects.filter(wave=waves[1], unit__isnull=False)}
    assert [r.unit.path for r in b.heat] == ["Operations", "Sales", "Sales/North", "Sales/South"]
    for heat_row in b.heat:
        for cell in heat_row.cells:
            row = rows[heat_row.unit.id, cell.measure]
            if row.suppressed:
                assert cell.state == "hidden" and cell.figure.n is None and "n =" not in cell.tooltip
            elif row.rest_significant:
                assert cell.state == ("up" if row.rest_diff > 0 else "down")
            else:
                assert cell.state == "none"
                assert f"n = {row.n}" in cell.tooltip


def test_significant_difference_is_marked_by_word_and_arrow(client, personas, org, built) -> None:
    # given Operations' competence marked significantly lower than the rest (as the builder would store it)
    assessment, waves = built
    TrendSnapshot.objects.filter(wave=waves[1], unit=org.test_units["Operations"], measure="competence").update(
        rest_diff=-9.4, rest_ci_low=-14.0, rest_ci_high=-4.8, rest_q=0.01, rest_significant=True)
    client.force_login(personas["owner"])
    response = client.get(url("dashboard_heatmap"))
    cell = board(response).heat[0].cells[0]
    assert (cell.state, cell.text) == ("down", "−9")
    assert "9.4 points below the rest of the organisation" in cell.tooltip
    assert "clearly lower" in response.content.decode()


def test_incident_markers_only_in_scope(client, personas, org, built) -> None:
    # given an incident of the whole organisation and one of Operations, both between waves 1 and 2
    assessment, waves = built
    incident_between(org, waves, title="Merger announced")
    incident_between(org, waves, units=[org.test_units["Operations"]], title="Operations outage")
    # when the owner and the Sales manager open their dashboards
    client.force_login(personas["owner"])
    owner = board(client.get(url("dashboard")))
    client.force_login(personas["manager"])
    manager = board(client.get(url("dashboard")))
    # then the owner sees both, the manager only the organisation-wide one; both sit between wave 1 and 2
    assert sorted(m.title for m in owner.markers) == ["Merger announced", "Operations outage"]
    assert [m.title for m in manager.markers] == ["Merger announced"]
    assert all(0 < m.position < 1 for m in owner.markers)


def test_version_change_is_said_instead_of_a_comparison(client, personas, org, built) -> None:
    # given wave 1 built from another questionnaire version, so wave 2 has no previous wave
    assessment, waves = built
    TrendSnapshot.objects.filter(wave=waves[0]).update(fingerprint="older-version")
    TrendSnapshot.objects.filter(wave=waves[1]).update(previous_wave=None, diff=None, verdict="")
    client.force_login(personas["owner"])
    response = client.get(url("dashboard"))
    assert board(response).comparison == "version_changed"
    assert "The questionnaire changed after wave 1" in response.content.decode()


def test_items_top_and_bottom_three_in_the_users_language(client, personas, org, built) -> None:
    # given item rows of the organisation in wave 2
    assessment, waves = built
    items = sorted(TrendSnapshot.objects.filter(wave=waves[1], unit=None, measure__startswith="item:",
                                                suppressed=False), key=lambda r: (r.pct_favourable, r.measure))
    client.force_login(personas["owner"])
    b = board(client.get(url("dashboard")))
    # then the weakest three and the strongest three are shown with n and interval, wording filled in
    assert [i.key for i in b.weakest] == [r.measure[5:] for r in items[:3]]
    assert [i.key for i in b.strongest] == [r.measure[5:] for r in items[::-1][:3]]
    assert all(i.n and i.interval_text for i in b.weakest + b.strongest)
    assert not any("{organisation}" in i.text for i in b.weakest + b.strongest)
    # and in Dutch the wording is Dutch
    client.cookies["django_language"] = "nl"
    dutch = board(client.get(url("dashboard")))
    assert dutch.weakest[0].text != b.weakest[0].text


def test_key_drivers_on_the_organisation_page_only(client, personas, org) -> None:
    # given a large enough wave for key drivers
    build(org, waves=1, sizes={"Sales/North": 70, "Operations": 60})
    drivers = TrendSnapshot.objects.filter(unit=None, measure__startswith="driver:", suppressed=False)
    client.force_login(personas["owner"])
    response = client.get(url("dashboard"))
    b = board(response)
    assert drivers.count() == 4 and len(b.drivers) == 4
    assert [d.share for d in b.drivers] == sorted((r.mean for r in drivers), reverse=True)
    assert b.driver_r2 is not None and "Which element of trust moves overall trust most" in response.content.decode()
    # and never on a unit page
    assert board(client.get(url("dashboard_unit", unit_pk=org.test_units["Operations"].pk))).drivers == []


def test_response_rate_beside_the_figures(client, personas, org, built) -> None:
    # given 72 responses of 90 invited in wave 2 (as the builder stores it)
    assessment, waves = built
    TrendSnapshot.objects.filter(wave=waves[1], unit=None, measure="response_rate").update(n=72, n_invited=90, mean=0.8)
    client.force_login(personas["owner"])
    html = client.get(url("dashboard")).content.decode()
    assert "80%" in html and "72 of 90 invited" in html


def test_dashboard_is_also_available_to_a_manager_of_a_leaf(client, org, built) -> None:
    manager = MembershipFactory(organisation=org, role="manager", unit=org.test_units["Sales/North"]).user
    client.force_login(manager)
    b = board(client.get(url("dashboard")))
    assert b.scope.root.path == "Sales/North" and b.children == []
    assert client.get(url("dashboard_unit", unit_pk=org.test_units["Sales"].pk)).status_code == 404


def test_parameters_are_404_when_nothing_is_built(client, personas) -> None:
    client.force_login(personas["owner"])
    assert client.get(url("dashboard"), {"assessment": 1}).status_code == 404
    assert client.get(url("dashboard_heatmap"), {"wave": 1}).status_code == 404


def test_the_default_is_the_employee_assessment_even_when_a_customer_one_is_newer(client, org, personas):
    # given an employee assessment and, created later, a customer assessment, both with results
    inside, _ = build(org, waves=1, name="Employee trust")
    outside, _ = build(org, waves=1, name="Customer trust")
    outside.audience = "outside"
    outside.save(update_fields=["audience"])
    # when the owner opens the dashboard without choosing / then the employee assessment is shown
    client.force_login(personas["owner"])
    board = client.get(reverse("dashboard", kwargs={"slug": org.slug})).context["board"]
    assert board.selection.assessment.id == inside.pk
    assert [a.id for a in board.selection.assessments] == [inside.pk, outside.pk]
