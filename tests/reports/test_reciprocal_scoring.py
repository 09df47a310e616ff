"""Reciprocal trust through the scoring package (issue 11): felt trust, trust in the leadership and the managers'
team form are scored like every dimension and checked against an independent computation (scipy)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from assessments.models import Wave
from reports.models import TrendSnapshot
from reports.reciprocal import wave_reciprocal
from reports.snapshots import snapshots_build
from surveys.models import TeamRating
from tests.factories import AssessmentFactory, MembershipFactory, WaveFactory, core_version
from tests.reports.reciprocal_data import fill, item_groups, reciprocal_wave
from tests.reports.test_wave_scoring import fill as plain_fill

DIMENSIONS = ("competence", "reliability", "integrity", "empathy")


def expected_scores(values: np.ndarray, items) -> dict[str, np.ndarray]:
    """Independent: per dimension the mean of its items when ⌈2/3·k⌉ are answered, on POMP; index = mean of four."""
    out = {}
    for dim in DIMENSIONS:
        block = values[:, [i for i, item in enumerate(items) if item.dimension == dim]]
        k = block.shape[1]
        answered = (~np.isnan(block)).sum(axis=1)
        mean = np.nanmean(np.where(answered[:, None] > 0, block, 0), axis=1)
        out[dim] = np.where(answered >= -(-2 * k // 3), (mean - 1) / 6 * 100, np.nan)
    out["trust_index"] = np.mean(np.column_stack([out[d] for d in DIMENSIONS]), axis=1)
    return out


def t_figures(x: np.ndarray) -> tuple[float, float, float]:
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    return x.mean(), low, high


def test_felt_trust_and_trust_in_leadership_equal_an_independent_computation(org) -> None:
    # given a closed wave: 30 people in Operations who trust the leadership (≈6) but feel little trusted (≈3)
    wave = reciprocal_wave(org)
    up, felt = fill(wave, org.test_units["Operations"], 30, upward=6, felt=3, dont_know=0.04)
    leadership, felt_items, _ = item_groups(wave)
    # when the wave's reciprocal figures are computed
    result = wave_reciprocal(wave)
    # then the sample is everybody with both indices, and every figure equals the independent computation
    e_up, e_felt = expected_scores(up, leadership), expected_scores(felt, felt_items)
    sample = ~np.isnan(e_up["trust_index"]) & ~np.isnan(e_felt["trust_index"])
    ops = result.published["Operations"]
    for measure in (*DIMENSIONS, "trust_index"):
        for prefix, values in (("upward:", e_up[measure][sample]), ("felt:", e_felt[measure][sample]),
                               ("felt_gap:", (e_felt[measure] - e_up[measure])[sample])):
            mean, low, high = t_figures(values)
            row = ops[prefix + measure]
            assert row["n"] == sample.sum()
            assert row["mean_pomp"] == pytest.approx(mean, abs=1e-9)
            assert (row["ci_low_pomp"], row["ci_high_pomp"]) == pytest.approx((low, high), abs=1e-9)
    # and the gap's interval is the paired t-test's (scipy.stats.ttest_rel), and it is called a clear gap
    paired = stats.ttest_rel(e_felt["trust_index"][sample], e_up["trust_index"][sample]).confidence_interval(0.95)
    assert (ops["felt_gap:trust_index"]["ci_low_pomp"], ops["felt_gap:trust_index"]["ci_high_pomp"]) == pytest.approx(
        (paired.low, paired.high), abs=1e-9)
    assert ops["felt_gap:trust_index"]["verdict"] == "down"


def test_no_clear_felt_gap_when_both_directions_are_alike(org) -> None:
    # given 25 people whose felt trust and trust in the leadership sit at the same level
    wave = reciprocal_wave(org)
    fill(wave, org.test_units["Operations"], 25, upward=5, felt=5, seed=3)
    # when scored, then the gap's interval contains 0 for the index: no highlight
    row = wave_reciprocal(wave).published["Operations"]["felt_gap:trust_index"]
    assert row["ci_low_pomp"] < 0 < row["ci_high_pomp"] and row["verdict"] == "no_clear_change"


def test_the_managers_team_form_is_scored_like_every_dimension(org) -> None:
    # given a wave with 12 respondents in Operations and its manager's answers to the team form
    wave = reciprocal_wave(org)
    fill(wave, org.test_units["Operations"], 12, upward=5, felt=5)
    manager = MembershipFactory(organisation=org, role="manager", unit=org.test_units["Operations"]).user
    version = core_version("module-manager-team")
    items = list(version.items.order_by("position", "pk"))
    scored = [i for i in items if i.role == "dimension"]
    answers = {i.key: (7 if i.dimension == "competence" else 4) for i in scored}
    answers[scored[0].key] = None  # one don't know: competence keeps 2 of 3 items (⌈2/3·3⌉ = 2)
    answers["team_global_trust"] = 6
    TeamRating.objects.create(wave=wave, unit=org.test_units["Operations"], user=manager, version=version, answers=answers)
    # when scored
    ops = wave_reciprocal(wave).published["Operations"]
    # then competence is 100 (all answered items 7), the others 50, the index their mean; one rating has no interval
    assert ops["downward:competence"]["mean_pomp"] == pytest.approx(100)
    assert ops["downward:empathy"]["mean_pomp"] == pytest.approx(50)
    assert ops["downward:trust_index"]["mean_pomp"] == pytest.approx(62.5)
    assert ops["downward:trust_index"]["n"] == 1 and ops["downward:trust_index"]["ci_low_pomp"] is None
    # and the mutuality gap is the team's trust in the leadership minus the manager's trust in the team
    up = ops["upward:trust_index"]
    gap = ops["mutual_gap:trust_index"]
    assert gap["mean_pomp"] == pytest.approx(up["mean_pomp"] - 62.5)
    assert gap["ci_low_pomp"] == pytest.approx(up["ci_low_pomp"] - 62.5)


def test_snapshots_store_the_reciprocal_rows_beside_the_wave_figures(org) -> None:
    # given a closed reciprocal wave with 20 respondents in Operations
    wave = reciprocal_wave(org)
    fill(wave, org.test_units["Operations"], 20, upward=6, felt=3)
    # when the snapshots are built
    snapshots_build()
    # then the organisation and Operations have upward, felt and gap rows with n, mean and interval
    rows = {(r.unit_id, r.measure): r for r in TrendSnapshot.objects.filter(wave=wave)}
    ops = org.test_units["Operations"].pk
    for unit_id in (None, ops):
        row = rows[unit_id, "felt_gap:trust_index"]
        assert row.n == 20 and row.mean_pomp < 0 and row.ci_high_pomp < 0 and row.verdict == "down"
        assert rows[unit_id, "felt:competence"].ci_low_pomp is not None
    # and the ordinary dimension rows are still there
    assert rows[None, "trust_index"].n == 20


def test_a_wave_without_felt_trust_or_team_forms_has_no_reciprocal_rows(org) -> None:
    # given a closed wave of the plain inside instrument
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org), status=Wave.Status.CLOSED)
    plain_fill(wave, [org.test_units["Operations"]] * 10)
    # when scored and built, then nothing reciprocal appears
    assert wave_reciprocal(wave).measures == []
    snapshots_build()
    assert not TrendSnapshot.objects.filter(wave=wave, measure__regex=r"^(upward|felt|felt_gap|downward|mutual_gap):").exists()


def cronbach(block: np.ndarray) -> float:
    complete = block[~np.isnan(block).any(axis=1)]
    k = complete.shape[1]
    return k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / complete.sum(axis=1).var(ddof=1))


def test_the_organisation_carries_the_reliability_of_felt_trust_like_every_dimension(org) -> None:
    # given 60 respondents (reliability needs 50 complete ones) and 12 in a second wave
    wave = reciprocal_wave(org)
    up, felt = fill(wave, org.test_units["Operations"], 60, upward=5, felt=4, seed=5)
    _, felt_items, _ = item_groups(wave)
    # when scored
    org_rows = wave_reciprocal(wave).published[""]
    # then felt trust's alpha over its 8 items equals Cronbach's formula on the complete rows, with an interval
    row = org_rows["felt:trust_index"]
    assert row["alpha"] == pytest.approx(cronbach(felt), abs=1e-9)
    assert row["alpha_ci_low"] < row["alpha"] < row["alpha_ci_high"] and row["omega"] is not None
    empathy = [i for i, item in enumerate(felt_items) if item.dimension == "empathy"]
    assert org_rows["felt:empathy"]["alpha"] == pytest.approx(cronbach(felt[:, empathy]), abs=1e-9)
    assert org_rows["upward:trust_index"]["alpha"] == pytest.approx(cronbach(up), abs=1e-9)
    # and a unit row carries none (reliability is an organisation figure), nor does a small wave
    assert wave_reciprocal(wave).published["Operations"]["felt:trust_index"].get("alpha") is None
    small = reciprocal_wave(org, number=2)
    fill(small, org.test_units["Operations"], 12, upward=5, felt=4)
    assert wave_reciprocal(small).published[""]["felt:trust_index"]["alpha"] is None


def test_the_pdf_method_lists_the_reliability_of_felt_trust(org, personas) -> None:
    # given a closed reciprocal wave with 60 respondents, built
    from assessments.access import access_for_user
    from reports.pdf_report import report_html

    wave = reciprocal_wave(org)
    fill(wave, org.test_units["Operations"], 60, upward=5, felt=4, seed=5)
    snapshots_build()
    # when the organisation report is rendered for the owner
    html = report_html(access=access_for_user(user=personas["owner"], slug=org.slug), wave=wave, unit=None)
    # then the internal-consistency table has felt trust and trust in the leadership beside the four dimensions
    table = html[html.index("Internal consistency"):]
    table = table[:table.index("</table>")]
    row = TrendSnapshot.objects.get(wave=wave, unit=None, measure="felt:trust_index")
    assert "Felt trust · Trust Index" in table and f"{row.alpha:.2f}" in table
    assert "Trust in the leadership · Trust Index" in table and "Integrity" in table
