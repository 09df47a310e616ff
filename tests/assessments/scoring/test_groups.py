"""Group statistics over unit subtrees, checked against a slow per-group computation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from assessments.scoring import describe_groups, recode, score_respondents, unit_membership

from .reference_data import instrument, responses

UNITS = ["Sales/North", "Sales/South", "Sales", "Ops/Plant A/Line 1", "Ops", None]


def in_subtree(label: str | None, path: str) -> bool:
    """Reference rule written independently: the root holds all; a path holds itself and below."""
    label = label or ""
    return path == "" or label == path or label.startswith(path + "/")


def test_unit_membership_counts_every_ancestor() -> None:
    # given respondents in nested units, one without a unit and one with sloppy slashes
    labels = ["Sales/North", " Sales//North/ ", "Sales/South", "Ops", None]
    # when expanded into subtree membership
    m = unit_membership(labels)
    # then each path counts the respondents at or below it; the root counts everybody
    assert dict(zip(m.labels, m.sizes.tolist(), strict=True)) == {
        "": 5, "Ops": 1, "Sales": 3, "Sales/North": 2, "Sales/South": 1}


def test_group_statistics_match_a_per_group_reference() -> None:
    # given 400 simulated respondents in nested units, with don't know and a reverse-keyed item
    items = instrument(reverse=("empathy_1",))
    values = responses(400, items, seed=21)
    rng = np.random.default_rng(21)
    labels = [UNITS[i] for i in rng.integers(0, len(UNITS), 400)]
    recoded = recode(values, items)
    scores = score_respondents(values, items)
    # when every subtree is described in one vectorised pass
    m = unit_membership(labels)
    groups = describe_groups(recoded, items, scores, m)
    # then each figure equals a slow, obviously-correct computation on that group's rows
    for group in groups:
        rows = np.array([in_subtree(label, group.label) for label in labels])
        assert group.n_respondents == rows.sum()
        for measure, got in group.measures.items():
            x = scores.pomp[measure][rows]
            x = x[~np.isnan(x)]
            assert got.n == len(x)
            assert got.mean_pomp == pytest.approx(x.mean(), abs=1e-9)
            assert got.sd_pomp == pytest.approx(x.std(ddof=1), abs=1e-9)
            low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
            assert (got.ci_low_pomp, got.ci_high_pomp) == pytest.approx((low, high), abs=1e-9)
            assert got.mean == pytest.approx(1 + x.mean() * 6 / 100, abs=1e-9)  # raw 1–7 scale
            favourable = int((x > 50).sum())
            ref = proportion_confint(favourable, len(x), method="wilson")
            assert got.n_favourable == favourable
            assert (got.pct_favourable_respondents_ci_low, got.pct_favourable_respondents_ci_high) == pytest.approx(
                (100 * ref[0], 100 * ref[1]), abs=1e-9)
            columns = list(scores.item_sets[measure])
            block = recoded[rows][:, columns]
            per_item = [100 * np.mean(col[~np.isnan(col)] > 4) for col in block.T]
            assert got.pct_favourable == pytest.approx(np.mean(per_item), abs=1e-9)
            assert got.dont_know_rate == pytest.approx(np.isnan(block).mean(), abs=1e-12)
            if got.distribution is not None:
                assert list(got.distribution) == [int((block == p).sum()) for p in range(1, 8)]


def test_distribution_is_withheld_below_ten_respondents() -> None:
    # given a unit with 9 respondents / when described / then no distribution (§2.3: n ≥ 10)
    items = instrument()
    values = responses(19, items, seed=2, dont_know=0)
    scores = score_respondents(values, items)
    groups = describe_groups(recode(values, items), items, scores, unit_membership(["A"] * 9 + ["B"] * 10))
    by_label = {g.label: g for g in groups}
    assert by_label["A"].measures["competence"].distribution is None
    assert by_label["B"].measures["competence"].distribution is not None
    assert by_label["A"].items[0].distribution is None


@settings(max_examples=30, deadline=None)
@given(st.permutations(list(range(60))))
def test_group_statistics_are_invariant_under_permutation_of_respondents(order: list[int]) -> None:
    # given 60 respondents in units, and the same respondents in another order
    items = instrument()
    values = responses(60, items, seed=5)
    labels = [UNITS[i % len(UNITS)] for i in range(60)]
    idx = np.array(order)

    def describe(v: np.ndarray, lab: list[str | None]) -> dict[str, dict[str, object]]:
        groups = describe_groups(recode(v, items), items, score_respondents(v, items), unit_membership(lab))
        return {g.label: {m: s.to_dict() for m, s in g.measures.items()} for g in groups}

    # when both are described / then every figure agrees (to summation-order noise)
    assert_close(describe(values, labels), describe(values[idx], [labels[i] for i in idx]))


def assert_close(a: object, b: object, tol: float = 1e-9) -> None:
    """Recursive equality with a float tolerance (sums in a different order differ in the last bits)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys()
        for key in a:
            assert_close(a[key], b[key], tol)
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_close(x, y, tol)
    elif isinstance(a, float) and not isinstance(b, bool):
        assert b == pytest.approx(a, abs=tol, rel=tol)
    else:
        assert a == b
