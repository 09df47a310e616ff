"""The pure 360° report (feedback/report.py): hand-computed figures, merge rules, and subtraction protection."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.report import (
    BLIND_SPOT,
    DOCUMENTED_MDC95_POINTS,
    HIDDEN_STRENGTH,
    REASON_BLIND_SPOT,
    REASON_CLEARLY_LOWEST,
    REASON_LOWEST,
    RaterRow,
    aggregate,
    build_report,
    mdc95_pomp,
)

ITEMS = {"com": "competence", "rel": "reliability", "int": "integrity", "emp": "empathy"}
SCALE = (1, 7)
T2 = 4.302652729911275  # t(0.975, 2)
T3 = 3.182446305284263  # t(0.975, 3)


def row(group, com, rel=None, int_=None, emp=None, comment=None):
    rel, int_, emp = (com if v is None else v for v in (rel, int_, emp))
    return RaterRow(group, {"com": com, "rel": rel, "int": int_, "emp": emp}, {"open": comment} if comment else {})


def pomp(x):
    return 100 * (x - 1) / 6


def test_documented_mdc95_is_0_86_points_and_14_3_pomp_on_a_7_point_scale():
    # given §3.3: SD .8, r .85 → SEM .31, MDC95 .86 points
    # then on 1–7 that is 100·.859/6 POMP
    assert DOCUMENTED_MDC95_POINTS == pytest.approx(0.859, abs=0.001)
    assert mdc95_pomp(SCALE) == pytest.approx(14.31, abs=0.01)
    assert mdc95_pomp((1, 5)) == pytest.approx(21.47, abs=0.01)


def test_hand_computed_self_manager_peers_all_raters_and_blind_spot():
    # given self 7, manager 4, three peers 4, 5, 6 on every item
    rows = [row("self", 7), row("manager", 4), row("peer", 4), row("peer", 5), row("peer", 6)]
    # when
    report = build_report(rows, ITEMS, SCALE, 3)
    dim = report.dimension("competence")
    # then self 100, manager 50 (attributed, n 1, no interval)
    assert dim.self_score == pytest.approx(100)
    manager = dim.figure("manager")
    assert (manager.n, manager.mean, manager.low, manager.attributed) == (1, pytest.approx(50), None, True)
    # peers: POMP 50, 66.67, 83.33 → mean 66.67, sd 16.67, half-width t(.975,2)·16.67/√3 = 41.40
    peers = dim.figure("peer")
    assert peers.n == 3 and peers.mean == pytest.approx(66.667, abs=0.001)
    assert peers.mean - peers.low == pytest.approx(T2 * (100 / 6) / math.sqrt(3), abs=1e-6)
    assert peers.mean - peers.low == pytest.approx(41.40, abs=0.01)
    # and the upper end 66.67 + 41.40 = 108 is clipped to the possible maximum, 100
    assert peers.high == 100
    # all raters = manager + peers: 50, 50, 66.67, 83.33 → mean 62.5, sd 15.957, half-width 25.39
    everyone = dim.all_raters
    assert everyone.n == 4 and everyone.mean == pytest.approx(62.5)
    assert everyone.high - everyone.mean == pytest.approx(T3 * 15.957 / 2, abs=0.01)
    # gap 100 − 62.5 = 37.5 > MDC 14.3 → blind spot; interval = self − [all raters' interval]
    assert dim.gap.value == pytest.approx(37.5)
    assert dim.gap.low == pytest.approx(100 - everyone.high) and dim.gap.high == pytest.approx(100 - everyone.low)
    assert dim.gap.label == BLIND_SPOT
    # and no "others" (nothing pooled)
    assert dim.figure("others") is None


def test_hidden_strength_and_no_label_within_mdc():
    # given self 4 on competence (POMP 50) but others 6 (83.3); self 6 on reliability vs others 6 → gap 0
    rows = [row("self", 4, rel=6), *[row("peer", 6) for _ in range(3)]]
    report = build_report(rows, ITEMS, SCALE, 3)
    assert report.dimension("competence").gap.label == HIDDEN_STRENGTH
    assert report.dimension("reliability").gap.label is None
    # and a gap of exactly 1 point on 1–7 (16.7 POMP) is labelled, 0 is not: threshold is 14.3 POMP
    assert report.dimension("competence").gap.value == pytest.approx(-33.333, abs=0.001)


def test_two_peers_merge_into_others_with_one_customer():
    # given 2 peers (5, 5), 1 customer (2), 3 reports (6, 6, 6), a manager 4
    rows = [row("self", 6), row("manager", 4), row("peer", 5), row("peer", 5), row("customer", 2),
            *[row("report", 6) for _ in range(3)]]
    report = build_report(rows, ITEMS, SCALE, 3)
    dim = report.dimension("empathy")
    # then peers and customers are not shown on their own; "others" = 5, 5, 2 → POMP mean (66.67·2 + 16.67)/3 = 50
    assert dim.figure("peer") is None and dim.figure("customer") is None
    others = dim.figure("others")
    assert others.n == 3 and others.mean == pytest.approx(50)
    assert dim.figure("report").n == 3 and dim.figure("report").mean == pytest.approx(pomp(6))
    # all raters: manager + 2 peers + customer + 3 reports = 7, nothing left over
    assert dim.all_raters.n == 7
    assert dim.all_raters.n - 1 - 3 - 3 == 0
    assert set(report.pooled) == {"peer", "customer"}


def test_two_peers_with_nothing_to_merge_are_hidden_and_all_raters_too():
    # given only 2 peers besides the manager: the pool (2) is below k and no group can join it
    rows = [row("self", 6), row("manager", 4), row("peer", 5), row("peer", 3)]
    report = build_report(rows, ITEMS, SCALE, 3)
    dim = report.dimension("integrity")
    # then only self and the attributed manager are shown; all raters would reveal the peers (all − manager)
    assert [f.group for f in dim.figures] == ["manager"]
    assert dim.gap is None and report.development is None


def test_two_peers_and_three_reports_reports_join_the_pool_complementarily():
    # given 2 peers and 3 reports: the pool of 2 cannot stand alone, so the smallest shown group joins it
    rows = [row("self", 6), row("manager", 4), row("peer", 5), row("peer", 3), *[row("report", 6) for _ in range(3)]]
    dim = build_report(rows, ITEMS, SCALE, 3).dimension("competence")
    # then neither group is shown; "others" = 5 raters
    assert dim.figure("report") is None and dim.figure("peer") is None
    assert dim.figure("others").n == 5 and dim.all_raters.n == 6


def test_dont_know_counts_per_dimension():
    # given 3 peers, one of whom answered "don't know" on empathy, plus 2 customers and 1 other rater
    rows = [row("self", 6), row("peer", 5), row("peer", 5), RaterRow("peer", {"com": 5, "rel": 5, "int": 5, "emp": None}),
            row("customer", 4), row("customer", 4), row("other", 4)]
    report = build_report(rows, ITEMS, SCALE, 3)
    # then on competence peers (3) are shown and customers + other pooled (3)
    competence = report.dimension("competence")
    assert competence.figure("peer").n == 3 and competence.figure("others").n == 3
    # on empathy only 2 peers have a score: they join the pool with the customers and the other rater
    empathy = report.dimension("empathy")
    assert empathy.figure("peer") is None and empathy.figure("others").n == 5


def test_item_detail_on_the_raw_scale_per_visible_group():
    rows = [row("self", 7), *[row("peer", v) for v in (4, 5, 6)], *[row("report", 2) for _ in range(3)]]
    items = build_report(rows, ITEMS, SCALE, 3).dimension("reliability").items
    assert [i.key for i in items] == ["rel"]
    by_group = {f.group: f for f in items[0].figures}
    assert by_group["self"].mean == 7
    assert by_group["peer"].mean == pytest.approx(5) and by_group["peer"].n == 3
    assert (by_group["report"].low, by_group["report"].high) == (2, 2)  # sd 0 → [2, 2]
    assert by_group["all_raters"].mean == pytest.approx(3.5)


def test_comments_of_visible_groups_only_and_pooled_without_label():
    # given 3 peers who commented, 2 reports + 1 customer who commented (pool of 3), 1 other who did not
    rows = [row("self", 6, comment="mine"), row("manager", 5, comment="from the boss"),
            *[row("peer", 5, comment=f"peer {i}") for i in range(3)],
            row("report", 5, comment="r1"), row("report", 5, comment="r2"), row("customer", 5, comment="c1")]
    comments = build_report(rows, ITEMS, SCALE, 3).comments
    groups = {(c.group, c.text) for c in comments}
    assert ("self", "mine") in groups and ("manager", "from the boss") in groups
    assert {("peer", "peer 0"), ("peer", "peer 1"), ("peer", "peer 2")} <= groups
    assert {(None, "r1"), (None, "r2"), (None, "c1")} <= groups
    assert not any(c.group in ("report", "customer") for c in comments)


def test_comments_hidden_when_too_few_commented():
    # given 3 peers, only 2 of whom wrote a comment
    rows = [row("self", 6), row("peer", 5, comment="a"), row("peer", 5, comment="b"), row("peer", 5)]
    assert build_report(rows, ITEMS, SCALE, 3).comments == ()


def test_development_prefers_the_biggest_blind_spot():
    # given self 7 everywhere; others 6 on competence (gap 16.7) and 3 on empathy (gap 66.7)
    rows = [row("self", 7), *[row("peer", 6, rel=7, int_=7, emp=3) for _ in range(3)]]
    dev = build_report(rows, ITEMS, SCALE, 3).development
    assert dev.dimension == "empathy" and dev.reason == REASON_BLIND_SPOT
    assert dev.gap == pytest.approx(66.667, abs=0.001)


def test_development_clearly_lowest_without_blind_spot():
    # given self modest (3) everywhere, peers lower on empathy (2, 2, 3) than elsewhere (6, 6, 7)
    rows = [row("self", 3)] + [row("peer", c, emp=e) for c, e in ((6, 2), (6, 2), (7, 3))]
    report = build_report(rows, ITEMS, SCALE, 3)
    dev = report.development
    # empathy mean POMP (16.67·2 + 33.33)/3 = 22.2, half-width t(.975,2)·9.62/√3 = 23.9 → high 46.1 < 88.9
    assert dev.dimension == "empathy" and dev.reason == REASON_CLEARLY_LOWEST
    assert dev.mean == pytest.approx(22.222, abs=0.001)
    assert dev.high == pytest.approx(22.222 + T2 * (100 / 6 / math.sqrt(3)) / math.sqrt(3), abs=0.01)


def test_development_lowest_but_not_clear():
    rows = [row("self", 5)] + [row("peer", c, emp=e) for c, e in ((6, 2), (6, 7), (7, 5))]
    dev = build_report(rows, ITEMS, SCALE, 3).development
    assert dev.dimension == "empathy" and dev.reason == REASON_LOWEST


ANON = ("peer", "report", "customer", "other")


@settings(max_examples=300, deadline=None)
@given(
    counts=st.fixed_dictionaries({g: st.integers(0, 6) for g in ANON}),
    manager=st.integers(0, 1),
    k=st.integers(3, 5),
    data=st.data(),
)
def test_all_raters_minus_shown_groups_never_reveals_a_hidden_group(counts, manager, k, data):
    # given random rater counts, answers (some "don't know") and k
    value = st.one_of(st.none(), st.integers(1, 7))
    rows = [row("self", 4)]
    for group, n in [("manager", manager), *counts.items()]:
        for _ in range(n):
            rows.append(RaterRow(group, {key: data.draw(value) for key in ITEMS}))
    # when
    report = build_report(rows, ITEMS, SCALE, k)
    # then for every shown figure set (each dimension and each item):
    sets = [(d.dimension, d.figures) for d in report.dimensions]
    sets += [(i.key, tuple(f for f in i.figures if f.group != "self")) for d in report.dimensions for i in d.items]
    for _, figures in sets:
        shown = {f.group: f for f in figures}
        for group, figure in shown.items():
            if group in (*ANON, "others"):
                assert figure.n >= k, (group, figure)
        everyone = shown.get("all_raters")
        if everyone is None:
            continue
        parts = [f for g, f in shown.items() if g != "all_raters"]
        # the only subtraction available: all raters − manager − shown groups − others
        rest_n = everyone.n - sum(f.n for f in parts)
        rest_sum = everyone.n * everyone.mean - sum(f.n * f.mean for f in parts)
        assert rest_n == 0, (shown, counts)
        assert rest_sum == pytest.approx(0, abs=1e-6)
        if "others" in shown:
            # the pooled figure always mixes at least two hidden groups' raters
            hidden = [g for g in ANON if g not in shown and counts[g] > 0]
            assert len(hidden) >= 2


# --- aggregate across subjects -------------------------------------------------------------------------------------

def test_aggregate_never_shows_one_subjects_group_and_finds_lower_empathy_by_reports():
    # given subject A with 4 peers (6) and 4 reports (empathy 3, else 6); subject B with 3 peers (6) and 3 reports
    # (empathy 2); subject C with 2 customers
    a = [row("self", 6), *[row("peer", 6) for _ in range(4)], *[row("report", 6, emp=3) for _ in range(4)]]
    b = [row("self", 5), *[row("peer", v, emp=6) for v in (5, 6, 7)], *[row("report", 6, emp=2) for _ in range(3)]]
    c = [row("self", 4), row("customer", 5), row("customer", 5)]
    result = aggregate([a, b, c], ITEMS, SCALE, 3)
    # then peers: 7 raters, 3 without subject A → shown; customers: 2 raters of one subject → hidden
    peers = result.cells[("empathy", "peer")]
    assert peers.n == 7 and peers.mean == pytest.approx(pomp(6))
    assert result.cells[("empathy", "customer")] is None
    # self: 3 subjects, 2 without any one of them → hidden at k 3; shown at... never with fewer than k + 1 subjects
    assert result.cells[("empathy", "self")] is None
    # reports on empathy: 3,3,3,3,2,2,2 → raw mean 18/7·… POMP (4·33.33 + 3·16.67)/7 = 26.19
    reports = result.cells[("empathy", "report")]
    assert reports.n == 7 and reports.mean == pytest.approx((4 * pomp(3) + 3 * pomp(2)) / 7)
    # and the finding: empathy lower by reports than by peers, the Welch interval excluding 0
    finding = next(f for f in result.findings if f.dimension == "empathy")
    assert (finding.lower, finding.higher) == ("report", "peer")
    assert finding.diff == pytest.approx(reports.mean - peers.mean)
    assert finding.high < 0
    # no finding where the groups agree (competence: everyone 6 except B's peers 5–7)
    assert not [f for f in result.findings if f.dimension == "competence"]


def test_aggregate_hides_a_group_dominated_by_one_subject():
    # given subject A with 10 peers and subject B with 2: without A only 2 remain → hidden (B's 2 could be subtracted)
    a = [row("peer", 5) for _ in range(10)]
    b = [row("peer", 3) for _ in range(2)]
    assert aggregate([a, b], ITEMS, SCALE, 3).cells[("competence", "peer")] is None
    # with a third subject contributing 1 more, 3 remain without A → shown
    c = [row("peer", 4)]
    assert aggregate([a, b, c], ITEMS, SCALE, 3).cells[("competence", "peer")].n == 13
