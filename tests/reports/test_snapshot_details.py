"""Snapshot details the dashboards read (issue 7): unit vs rest, items, key drivers and comments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Wave
from assessments.scoring import Settings
from reports.models import SnapshotComment, TrendSnapshot
from reports.snapshots import rest_figures, snapshots_build
from reports.wave_scoring import wave_score, wave_specs
from surveys.models import Answer, Item, Response
from tests.factories import AssessmentFactory, WaveFactory
from tests.reports.test_wave_scoring import fill

FAST = Settings(resamples=20)
HEATMAP = ("competence", "reliability", "integrity", "empathy", "trust_index")
REST = ("rest_diff", "rest_ci_low", "rest_ci_high", "rest_q", "rest_significant")


@pytest.fixture
def wave(org):
    return WaveFactory(assessment=AssessmentFactory(organisation=org), number=1, status=Wave.Status.CLOSED)


def comment_on(wave, unit, count: int, *, start: int = 0, key: str = "open_raise_trust") -> None:
    """`count` new respondents in `unit`, each with scored answers and the comment "c<i>" (i from start)."""
    fill(wave, [unit] * count, seed=start + 7)
    item = Item.objects.get(version=wave.assessment.instrument_version, key=key)
    responses = Response.objects.filter(wave=wave, unit=unit).exclude(answers__item=item)
    Answer.objects.bulk_create([Answer(response=r, item=item, text=f"c{start + i}")
                                for i, r in enumerate(responses.order_by("submission_key"))])


def comments_of(wave, unit) -> list[str]:
    return list(SnapshotComment.objects.filter(wave=wave, unit=unit).values_list("text", flat=True))


# --- 1. unit vs rest (heatmap) -------------------------------------------------------------------

def test_heatmap_rows_carry_the_engines_unit_vs_rest_cells(org, wave) -> None:
    # given 40 in Sales/North and 30 in Operations
    u = org.test_units
    fill(wave, [u["Sales/North"]] * 40 + [u["Operations"]] * 30)
    # when built
    snapshots_build(settings=FAST)
    # then each unit row of the heatmap measures holds the engine's versus_rest cell (BH q included)
    out = wave_score(wave, settings=FAST)
    for measure in HEATMAP:
        cell = out["units"]["Operations"]["versus_rest"][measure]
        row = TrendSnapshot.objects.get(wave=wave, unit=u["Operations"], measure=measure)
        assert (row.rest_diff, row.rest_ci_low, row.rest_ci_high, row.rest_q, row.rest_significant) == (
            cell["diff"], cell["ci_low"], cell["ci_high"], cell["q_value"], cell["significant"])
        assert row.rest_ci_low <= row.rest_diff <= row.rest_ci_high and row.rest_significant is not None
    # and other measures, the organisation's rows and items carry none
    assert not TrendSnapshot.objects.filter(measure__in=["how", "why", "global_trust", "response_rate"],
                                            rest_diff__isnull=False).exists()
    assert not TrendSnapshot.objects.filter(unit=None, rest_diff__isnull=False).exists()
    assert not TrendSnapshot.objects.filter(measure__startswith="item:", rest_q__isnull=False).exists()


def test_no_versus_rest_when_the_rest_is_below_the_threshold(org, wave) -> None:
    # given every respondent in Operations (its "rest" is nobody)
    u = org.test_units
    fill(wave, [u["Operations"]] * 30)
    # when built
    snapshots_build(settings=FAST)
    # then Operations is shown but carries no versus-rest figure
    row = TrendSnapshot.objects.get(wave=wave, unit=u["Operations"], measure="integrity")
    assert not row.suppressed and row.n == 30
    assert all(getattr(row, f) is None for f in REST)


def test_rest_figures_refuse_a_rest_smaller_than_min_group() -> None:
    # given an engine cell for a unit of 28 in an organisation of 30 (rest 2) and one of 25 (rest 5)
    cell = {"versus_rest": {"integrity": {"diff": 3.0, "ci_low": 1.0, "ci_high": 5.0, "q_value": 0.01,
                                          "significant": True}}}
    # when turned into row fields with min_group 5, then only the rest of 5 gives figures
    assert rest_figures({**cell, "n": 28}, "integrity", organisation_n=30, min_group=5) == {}
    assert rest_figures({**cell, "n": 25}, "integrity", organisation_n=30, min_group=5)["rest_q"] == 0.01
    # and a measure outside the heatmap never does
    assert rest_figures({**cell, "n": 25}, "how", organisation_n=30, min_group=5) == {}


def test_suppressed_units_keep_no_versus_rest(org, wave) -> None:
    # given Sales/South with 2 respondents
    u = org.test_units
    fill(wave, [u["Sales/North"]] * 40 + [u["Operations"]] * 30 + [u["Sales/South"]] * 2)
    # when built, then no hidden unit row has any rest figure
    snapshots_build(settings=FAST)
    hidden = TrendSnapshot.objects.filter(wave=wave, suppressed=True)
    assert hidden.filter(unit=u["Sales/South"]).exists()
    assert all(getattr(r, f) is None for r in hidden for f in REST)


# --- 2. items ------------------------------------------------------------------------------------

def test_item_rows_for_the_organisation_and_published_units(org, wave) -> None:
    # given 40 in Sales/North, 30 in Operations and 2 in Sales/South
    u = org.test_units
    values = fill(wave, [u["Sales/North"]] * 40 + [u["Operations"]] * 30 + [u["Sales/South"]] * 2)
    # when built
    snapshots_build(settings=FAST)
    # then every scored item has an organisation row and a row per published unit
    specs, _ = wave_specs(wave.assessment.instrument_version)
    out = wave_score(wave, settings=FAST)
    published = {p for p, s in out["units"].items() if not s["suppressed"]}
    rows = TrendSnapshot.objects.filter(wave=wave, measure__startswith="item:")
    assert {(r.unit.path if r.unit else "", r.measure) for r in rows} == {
        (path, f"item:{s.key}") for path in {"", *published} for s in specs}
    assert not rows.filter(suppressed=True).exists()
    # and an organisation row's figures match the answers (reverse-keyed items recoded)
    spec = next(s for s in specs if s.reverse) if any(s.reverse for s in specs) else specs[0]
    column = values[:, specs.index(spec)]
    answered = column[~(column != column)]
    recoded = spec.scale_min + spec.scale_max - answered if spec.reverse else answered
    row = rows.get(unit=None, measure=f"item:{spec.key}")
    assert row.n == len(answered)
    assert row.mean == pytest.approx(recoded.mean()) and row.sd == pytest.approx(recoded.std(ddof=1))
    assert row.ci_low < row.mean < row.ci_high and row.ci_low_pomp < row.mean_pomp < row.ci_high_pomp
    assert row.n_favourable == int((recoded > spec.midpoint).sum())
    assert row.pct_favourable == pytest.approx(out["items"][spec.key]["pct_favourable"])
    assert row.pct_favourable_low <= row.pct_favourable <= row.pct_favourable_high


def test_item_change_against_the_previous_comparable_wave(org, wave) -> None:
    # given a second wave where every answer is 1
    u = org.test_units
    fill(wave, [u["Operations"]] * 40)
    later = WaveFactory(assessment=wave.assessment, number=2, status=Wave.Status.CLOSED)
    fill(later, [u["Operations"]] * 40, seed=3)
    specs, _ = wave_specs(wave.assessment.instrument_version)
    plain = next(s for s in specs if not s.reverse)
    Answer.objects.filter(response__wave=later, item__key=plain.key, value__isnull=False).update(value=1)
    # when built
    snapshots_build(settings=FAST)
    # then that item's organisation and unit rows show a significant drop vs wave 1
    for unit in (None, u["Operations"]):
        row = TrendSnapshot.objects.get(wave=later, unit=unit, measure=f"item:{plain.key}")
        assert row.previous_wave_id == wave.pk and row.verdict == "down" and row.diff_ci_high < 0


# --- 3. key drivers ------------------------------------------------------------------------------

def test_driver_rows_hold_the_dominance_weights_for_the_organisation_only(org, wave) -> None:
    # given 130 respondents (drivers need 100 complete ones)
    u = org.test_units
    fill(wave, [u["Operations"]] * 70 + [u["Sales/North"]] * 60)
    # when built
    snapshots_build(settings=FAST)
    # then one row per dimension with the general dominance weight and its bootstrap interval
    drivers = wave_score(wave, settings=FAST)["drivers"]
    rows = {r.measure: r for r in TrendSnapshot.objects.filter(wave=wave, measure__startswith="driver")}
    assert set(rows) == {"driver:competence", "driver:reliability", "driver:integrity", "driver:empathy",
                         "driver_r2"}
    for name, p in drivers["predictors"].items():
        row = rows[f"driver:{name}"]
        assert (row.mean, row.ci_low, row.ci_high, row.n) == (p["weight"], p["ci_low"], p["ci_high"], drivers["n"])
        assert 0 <= row.mean <= 1 and row.outcome == "global_trust" and row.cut == "" and row.unit is None
    # and the weights add up to R²
    r2 = rows["driver_r2"]
    assert sum(rows[m].mean for m in rows if m != "driver_r2") == pytest.approx(r2.mean)
    assert r2.n == drivers["n"] and r2.ci_low <= r2.mean <= r2.ci_high


def test_no_driver_rows_below_the_engines_minimum(org, wave) -> None:
    # given 40 respondents
    fill(wave, [org.test_units["Operations"]] * 40)
    # when built, then there are no driver rows
    snapshots_build(settings=FAST)
    assert not TrendSnapshot.objects.filter(measure__startswith="driver").exists()
    assert set(TrendSnapshot.objects.values_list("outcome", flat=True)) == {""}


# --- 4. comments ---------------------------------------------------------------------------------

def test_comments_of_published_children_and_their_parent(org, wave) -> None:
    # given Sales = Sales/North 12 + Sales/South 13, every respondent with a comment
    u = org.test_units
    comment_on(wave, u["Sales/North"], 12)
    comment_on(wave, u["Sales/South"], 13, start=100)
    # when built
    snapshots_build(settings=FAST)
    # then each child lists its own comments, Sales and the organisation list all 25
    north = {f"c{i}" for i in range(12)}
    south = {f"c{i}" for i in range(100, 113)}
    assert set(comments_of(wave, u["Sales/North"])) == north
    assert set(comments_of(wave, u["Sales/South"])) == south
    assert sorted(comments_of(wave, u["Sales"])) == sorted(north | south)
    assert sorted(comments_of(wave, None)) == sorted(north | south)
    # and the stored order is a shuffle, not the order of submission (nor of text)
    listed = comments_of(wave, None)
    assert listed != sorted(listed) and listed != [f"c{i}" for i in range(12)] + sorted(south)


def test_a_small_child_hides_its_sibling_comments_so_subtraction_reveals_nothing(org, wave) -> None:
    # given Sales = Sales/North 12 + Sales/South 3 (and Operations 20)
    u = org.test_units
    comment_on(wave, u["Sales/North"], 12)
    comment_on(wave, u["Sales/South"], 3, start=100)
    comment_on(wave, u["Operations"], 20, start=200)
    # when built
    snapshots_build(settings=FAST)
    # then South (3) is hidden, and so is North: Sales minus North would isolate South's 3 comments
    assert comments_of(wave, u["Sales/South"]) == [] and comments_of(wave, u["Sales/North"]) == []
    # and Sales (15) shows its comments as one block of 15, the organisation all 35
    assert len(comments_of(wave, u["Sales"])) == 15
    assert len(comments_of(wave, None)) == 35 and len(comments_of(wave, u["Operations"])) == 20
    # and no published list minus the published lists below it leaves between 1 and 9 comments
    for scope, below in ((None, ["Sales", "Operations"]), ("Sales", [])):
        rest = len(comments_of(wave, u[scope] if scope else None)) - sum(len(comments_of(wave, u[b])) for b in below)
        assert rest == 0 or rest >= 10


def test_no_comments_below_ten_respondents_even_with_a_lower_figure_threshold(org, wave) -> None:
    # given 9 respondents with comments (figures are shown from 5)
    comment_on(wave, org.test_units["Operations"], 9)
    # when built
    snapshots_build(settings=FAST)
    # then figures exist, comments do not
    assert TrendSnapshot.objects.get(wave=wave, unit=None, measure="integrity").n == 9
    assert not SnapshotComment.objects.exists()


def test_comments_follow_a_higher_min_group_size(org, wave) -> None:
    # given an organisation threshold of 15 and 12 respondents
    org.min_group_size = 15
    org.save()
    comment_on(wave, org.test_units["Operations"], 12)
    # when built, then no comments are published
    snapshots_build(settings=FAST)
    assert not SnapshotComment.objects.exists()


def test_comments_keep_nothing_about_the_response_and_rebuild_identically(org, wave) -> None:
    # given 14 commented responses and one blank comment
    u = org.test_units
    comment_on(wave, u["Operations"], 14)
    item = Item.objects.get(version=wave.assessment.instrument_version, key="open_keep_doing")
    Answer.objects.create(response=Response.objects.filter(wave=wave).first(), item=item, text="   ")
    # when built twice (forced)
    snapshots_build(settings=FAST)
    first = list(SnapshotComment.objects.values_list("unit_id", "item_key", "text", "language", "position"))
    snapshots_build(force=True, settings=FAST)
    # then the same rows in the same order, blanks left out
    again = list(SnapshotComment.objects.values_list("unit_id", "item_key", "text", "language", "position"))
    assert first == again and len(first) == 28 and all(text.strip() for _, _, text, _, _ in first)
    # and a comment row has no field linking it to a response, a date or a respondent's unit
    names = {f.name for f in SnapshotComment._meta.get_fields()}
    assert names == {"id", "wave", "unit", "item_key", "text", "language", "position"}


def test_query_count_with_comments_same_for_12_and_30(org) -> None:
    # given/when builds of fresh waves with 12 and with 30 commenting respondents
    counts = []
    for size in (12, 30):
        wave = WaveFactory(assessment=AssessmentFactory(organisation=org), number=1, status=Wave.Status.CLOSED)
        comment_on(wave, org.test_units["Operations"], size)
        with CaptureQueriesContext(connection) as queries:
            snapshots_build(settings=FAST)
        counts.append(len(queries))
        assert SnapshotComment.objects.filter(wave=wave).count() == 2 * size
    # then the same number of statements
    assert counts[0] == counts[1]
