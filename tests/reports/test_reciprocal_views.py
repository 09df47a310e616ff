"""Trust both ways on the dashboards, in the PDF reports and in the exports (issue 11): felt trust beside trust in
the leadership, the managers' view of their team, a manager's own blind spot and the organisation's aggregate —
always with n and intervals, and nothing of a team below the anonymity threshold."""

from __future__ import annotations

import csv
import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.access import access_for_user
from reports.export_jobs import export_build, export_request
from reports.exports import figures_table
from reports.models import TrendSnapshot
from reports.snapshots import snapshots_build
from surveys.models import ManagerPrediction
from tests.factories import MembershipFactory, unit_tree
from tests.reports.reciprocal_data import fill, rate_team, reciprocal_wave, small_teams

DIMENSIONS = ("competence", "reliability", "integrity", "empathy")
SECTION = "Trust both ways"
OWN_PANEL = "Your prediction and your team"
BLIND_SPOT = "blind spot: you expected more than your team gives"
FELT_LOWER = "people trust the leadership more than they feel trusted"
HIDDEN = "fewer than 5 responses — hidden to protect anonymity"


def predict(wave, unit, value: float, user=None):
    """A manager of `unit` (a new one unless `user`) who predicted `value` on every dimension."""
    user = user or MembershipFactory(organisation=wave.assessment.organisation, role="manager", unit=unit).user
    ManagerPrediction.objects.create(wave=wave, unit=unit, user=user, values={d: value for d in DIMENSIONS})
    return user


def page(client, user, org, unit=None, wave=None) -> tuple[str, object]:
    client.force_login(user)
    url = (reverse("dashboard_unit", kwargs={"slug": org.slug, "unit_pk": unit.pk}) if unit
           else reverse("dashboard", kwargs={"slug": org.slug}))
    if wave is not None:
        url += f"?assessment={wave.assessment_id}&wave={wave.number}"
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split()), response.context["recip"]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def wave(org, personas):
    # given a closed reciprocal wave: Operations (12) trusts its leadership (≈6 of 7) but feels little trusted (≈3);
    # Sales/North and Sales/South (10 each) trust their leadership ≈3.4 of 7 (≈40 of 100) and feel alike;
    # the Sales manager (persona) predicted 95 on every dimension, the Operations manager 88 and rated the team
    w = reciprocal_wave(org)
    u = org.test_units
    fill(w, u["Operations"], 12, upward=6, felt=3, seed=1)
    fill(w, u["Sales/North"], 10, upward=3.4, felt=3.4, seed=2)
    fill(w, u["Sales/South"], 10, upward=3.4, felt=3.4, seed=3)
    predict(w, u["Sales"], 95, user=personas["manager"])
    ops_manager = predict(w, u["Operations"], 88)
    rate_team(w, u["Operations"], ops_manager)
    snapshots_build()
    w.ops_manager = ops_manager
    return w


def test_the_dashboard_shows_trust_both_ways_with_n_intervals_and_the_felt_gap_highlight(client, org, personas, wave):
    # when the owner opens the organisation dashboard
    html, recip = page(client, personas["owner"], org)
    # then the section is there with trust in the leadership, felt trust and their gap, each with interval and n
    assert SECTION in html
    index = recip.index
    assert index.upward.shown and index.felt.shown and index.felt_gap.shown
    assert f"n = {index.upward.n}" in html and index.upward.interval_text in html
    assert index.upward.n == 32
    # and Operations (trust ≈6, felt ≈3) is highlighted as trusting the leadership more than it feels trusted
    ops = next(c for c in recip.children if c.unit.name == "Operations")
    assert ops.index.felt_gap.verdict == "down" and ops.index.flag == FELT_LOWER
    assert FELT_LOWER in html
    # and its manager's own rating of the team is shown with its n; one rating has no interval
    assert ops.index.downward.shown and ops.index.downward.n == 1
    assert "one rating: no interval" in html and "n = 1 manager" in html
    # and Sales (felt ≈ trust) is not highlighted
    sales = next(c for c in recip.children if c.unit.name == "Sales")
    assert sales.index.shown and sales.index.flag == ""


def test_a_manager_sees_their_own_blind_spot_on_their_units_page(client, org, personas, wave):
    # when the Sales manager (who predicted 95) opens their dashboard
    html, recip = page(client, personas["manager"], org)
    # then they see their prediction against their team's trust in the leadership (≈40), with interval and n
    assert OWN_PANEL in html
    panel = recip.blind_spot
    assert not panel.hidden and [r.measure for r in panel.rows] == list(DIMENSIONS)
    for row in panel.rows:
        assert row.prediction == 95 and 25 < row.spot.actual < 55 and row.spot.n == 20
        assert row.verdict == "overestimate"
    assert BLIND_SPOT in html and "⚠" in html
    assert "n = 20" in html and panel.rows[0].interval_text in html


def test_another_managers_prediction_never_appears_for_any_persona(client, org, personas, wave):
    # given every persona and every dashboard page they can open
    u = org.test_units
    viewers = {**{k: personas[k] for k in ("owner", "manager", "consultant", "viewer")}, "ops": wave.ops_manager}
    for who, user in viewers.items():
        units = [None] + [u[p] for p in ("Sales", "Sales/North", "Sales/South", "Operations")]
        if who == "manager":
            units = [None, u["Sales"], u["Sales/North"], u["Sales/South"]]
        if who == "ops":
            units = [None, u["Operations"]]
        for unit in units:
            # when the page is opened
            html, recip = page(client, user, org, unit)
            shown = recip.blind_spot
            # then a prediction appears only to its own manager, on the page of the unit it is about
            own = {"manager": u["Sales"], "ops": u["Operations"]}.get(who)
            root = unit or (own if who in ("manager", "ops") else None)
            if own is not None and root == own:
                assert shown is not None and shown.unit.id == own.id, (who, unit)
                expected = 95 if who == "manager" else 88
                assert {r.prediction for r in shown.rows} == {expected}
            else:
                assert shown is None and OWN_PANEL not in html, (who, unit)
            # and nobody sees another manager's prediction value as a prediction
            assert "Your prediction" not in html or own is not None


def test_owner_and_consultant_see_no_aggregate_below_k_managers_and_never_individual_values(client, org, personas, wave):
    # given only two managers predicted (fewer than min_group_size 5)
    for who in ("owner", "consultant"):
        # when the organisation dashboard is opened
        html, recip = page(client, personas[who], org)
        # then the aggregate says it is not shown, and no individual prediction or gap is there
        assert recip.aggregate is not None and not recip.aggregate.shown
        assert "fewer than 5 managers&#x27; predictions: not shown" in html or "fewer than 5 managers' predictions" in html
        assert recip.blind_spot is None and OWN_PANEL not in html and "Managers overestimate" not in html


@pytest.fixture
def many(org, personas):
    # given min_group_size 5 and seven units of 8 people who trust their leadership ≈40, each with a manager
    # who predicted 95, and an eighth team of 3 (hidden) whose manager predicted 10
    paths = [f"Branch/B{i}" for i in range(7)]
    units = unit_tree(org, [*paths, "Branch/Tiny"])
    w = reciprocal_wave(org)
    for i, path in enumerate(paths):
        fill(w, units[path], 8, upward=3.4, felt=3.4, seed=10 + i)
    fill(w, units["Branch/Tiny"], 3, upward=3.4, felt=3.4, seed=30)
    managers = [predict(w, units[p], 95) for p in paths]
    tiny = predict(w, units["Branch/Tiny"], 10)
    return w, units, managers, tiny


def test_owner_aggregate_appears_from_k_managers_without_individual_values(client, org, personas, many):
    w, units, managers, tiny = many
    snapshots_build()
    # when the owner opens the organisation dashboard
    html, recip = page(client, personas["owner"], org, wave=w)
    # then the aggregate counts the managers of the published teams only (Tiny, 3 people, and the sibling the
    # complementary suppression hides with it do not count) and says they overestimate, with CI and n managers
    published = set(TrendSnapshot.objects.filter(wave=w, measure="upward:empathy", suppressed=False)
                    .values_list("unit_id", flat=True))
    n = len(published & {unit.pk for path, unit in units.items() if path != "Branch"})
    assert units["Branch/Tiny"].pk not in published and n >= 5
    aggregate = recip.aggregate
    assert aggregate.shown and aggregate.n == n
    empathy = next(r for r in aggregate.rows if r.measure == "empathy")
    assert empathy.gap.n == n and empathy.gap.mean > 30 and empathy.gap.verdict == "up"
    assert re.search(rf"Managers overestimate empathy by \d+ points on average \(95% CI \d+ to \d+\), "
                     rf"n = {n} managers; {n} of {n} with a blind spot", text_of(html))
    # and no one manager's value is listed
    assert "Your prediction" not in html and OWN_PANEL not in html
    # and a viewer sees no prediction data at all
    html, recip = page(client, personas["viewer"], org, wave=w)
    assert recip.aggregate is None and "Managers overestimate" not in html


def test_no_owner_aggregate_below_k_managers(client, org, personas, many):
    w, units, managers, tiny = many
    # given only 4 managers predicted (one of their teams may be hidden by complementary suppression)
    ManagerPrediction.objects.filter(user__in=managers[4:]).delete()
    snapshots_build()
    # when the owner opens the organisation dashboard, then nothing of the predictions is shown
    html, recip = page(client, personas["owner"], org, wave=w)
    assert recip.aggregate.n <= 4 and not recip.aggregate.shown and not recip.aggregate.rows
    assert "Managers overestimate" not in html and "predictions: not shown" in html


@pytest.fixture
def small(org, personas):
    # given min_group_size 5: Sales/North has 3 respondents, Sales/South 8, Operations 10; the manager of
    # Sales/North predicted 95 and rated the team; the Operations manager rated theirs
    w = small_teams(org)
    u = org.test_units
    north_manager = predict(w, u["Sales/North"], 95)
    rate_team(w, u["Sales/North"], north_manager, value=7)
    rate_team(w, u["Operations"], predict(w, u["Operations"], 50))
    snapshots_build()
    w.north_manager = north_manager
    return w


def test_no_reciprocal_or_blind_spot_figure_for_a_team_below_the_threshold(client, org, personas, small):
    u = org.test_units
    # when the manager of Sales/North (3 respondents) opens their dashboard
    html, recip = page(client, small.north_manager, org)
    # then the section says hidden; their prediction is there, but no actual, gap or verdict
    assert recip.hidden and HIDDEN in html
    panel = recip.blind_spot
    assert panel.hidden and all(r.spot is None for r in panel.rows) and [r.prediction for r in panel.rows] == [95] * 4
    assert "Your team&#x27;s figures are hidden" in html or "Your team's figures are hidden" in html
    panel_html = html.split('id="recip-blind-spot"')[1].split("</div></div>")[0]
    assert "recip-spot" not in panel_html and "Your team</th>" not in panel_html and "Difference" not in panel_html
    assert BLIND_SPOT not in html and "in line:" not in html and "hidden strength:" not in html
    # and no figure of theirs at all: no n, no manager's rating
    assert not any(f.shown for m in recip.measures for f in (m.upward, m.felt, m.felt_gap, m.downward, m.mutual_gap))
    assert "n = " not in html.split('id="h-recip"')[1]
    # when the owner opens Sales (11 = North 3 + South 8)
    html, recip = page(client, personas["owner"], org, u["Sales"])
    rows = {c.unit.name: c.index for c in recip.children}
    # then North is hidden, and its sibling South with it, so Sales − South reveals nothing
    assert not rows["North"].shown and not rows["South"].shown
    assert html.count(HIDDEN) >= 2
    # and on the organisation page, Operations is shown and no published figures subtract to the hidden team
    html, recip = page(client, personas["owner"], org)
    shown = {c.unit.name: c.index.upward.n for c in recip.children if c.index.shown}
    parent = recip.index.upward.n if recip.index.shown else None
    assert "Operations" in shown
    if parent is not None:
        rest = parent - sum(shown.values())
        assert rest == 0 or rest >= 5


def test_the_csv_export_hides_the_small_team_and_its_sibling(tmp_path, org, small):
    # when the figures are exported as CSV
    out = tmp_path / "out.csv"
    call_command("export_report", "--wave", str(small.pk), "--format", "csv", "--output", str(out), stdout=io.StringIO())
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    recip = [r for r in rows if re.match(r"^(upward|felt|felt_gap|downward|mutual_gap):", r["Measure code"])]
    # then Sales/North and Sales/South have reciprocal rows marked hidden with no figure, not even n
    for path in ("Sales/North", "Sales/South"):
        mine = [r for r in recip if r["Scope"] == path]
        assert mine and all(r["Hidden"] == "hidden" and r["n (respondents)"] == "" and r["Score 0–100"] == ""
                            for r in mine)
    # and Operations' felt trust has a readable label, n and interval
    felt = next(r for r in recip if r["Scope"] == "Operations" and r["Measure code"] == "felt:competence")
    assert felt["Measure"] == "Felt trust · Competence" and felt["n (respondents)"] == "10"
    assert float(felt["Score 0–100, interval low"]) < float(felt["Score 0–100"]) < float(felt["Score 0–100, interval high"])
    gap = next(r for r in recip if r["Scope"] == "Operations" and r["Measure code"] == "felt_gap:trust_index")
    assert gap["Measure"] == "Felt-trust gap · Trust Index" and gap["Verdict"] == "down"
    # and no prediction is exported
    assert not [r for r in rows if re.search(r"prediction|blind", r["Measure code"] + r["Measure"], re.I)]


def pdf_text(path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())


def build_pdf(user, org, wave, unit=None) -> str:
    export = export_request(actor=user, access=access_for_user(user=user, slug=org.slug), wave=wave, unit=unit,
                            fmt="pdf", content="report", language="en")
    export = export_build(export_id=export.pk)
    assert export.status == "ready", export.message
    return pdf_text(export.file.path)


def test_the_organisation_pdf_has_the_section_and_a_unit_pdf_the_blind_spot_only_for_its_manager(
        org, personas, wave, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # when the owner requests the organisation PDF
    text = build_pdf(personas["owner"], org, wave)
    # then it has the section with the felt-trust highlight, and no manager's own prediction
    assert SECTION in text and FELT_LOWER in text and OWN_PANEL not in text
    # when the Sales manager requests the Sales PDF
    text = build_pdf(personas["manager"], org, wave, org.test_units["Sales"])
    # then it holds their blind spot
    assert OWN_PANEL in text and BLIND_SPOT in text
    # when the owner requests the same unit PDF, then the manager's prediction is not in it
    text = build_pdf(personas["owner"], org, wave, org.test_units["Sales"])
    assert SECTION in text and OWN_PANEL not in text and BLIND_SPOT not in text


def test_a_managers_rating_of_the_team_is_not_shown_to_viewers(client, org, personas, wave):
    # when the owner and a viewer open the organisation dashboard
    owner_html, owner_recip = page(client, personas["owner"], org)
    viewer_html, viewer_recip = page(client, personas["viewer"], org)
    # then the owner sees the Operations manager's rating of the team; the viewer sees trust both ways without it
    assert "Managers&#x27; trust in the team" in owner_html or "Managers' trust in the team" in owner_html
    assert "downward" not in {c.kind for c in viewer_recip.child_columns}
    assert "trust in the team" not in viewer_html and "one rating: no interval" not in viewer_html
    assert FELT_LOWER in viewer_html
    # and the figures table made without attributed rows (for viewers) has none of them
    codes = {line[1] for line in figures_table(wave, attributed=False).rows}
    assert not {c for c in codes if c.startswith(("downward:", "mutual_gap:"))} and "felt:competence" in codes


def test_a_viewers_csv_export_has_no_managers_ratings_but_the_owners_has(org, personas, wave, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def measures(user) -> set[str]:
        export = export_request(actor=user, access=access_for_user(user=user, slug=org.slug), wave=wave, unit=None,
                                fmt="csv", content="report", language="en")
        export = export_build(export_id=export.pk)
        assert export.status == "ready", export.message
        with open(export.file.path, encoding="utf-8-sig") as handle:
            return {line[1] for line in csv.reader(handle)}

    # when the owner and a viewer export the wave's figures as CSV
    owner, viewer = measures(personas["owner"]), measures(personas["viewer"])
    # then both have felt trust, only the owner's has the managers' ratings of their teams
    assert "felt:competence" in owner and "felt:competence" in viewer
    assert "downward:trust_index" in owner and not {m for m in viewer if m.startswith(("downward:", "mutual_gap:"))}
