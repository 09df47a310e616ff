"""The executive summary picks findings from the figures and never calls noise a change."""

from __future__ import annotations

from reports.summary import Figure, UnitGap, findings


def fig(value, *, half=4.0, n=80, diff=None, verdict="", diff_half=3.0):
    return Figure(value, value - half, value + half, n, diff, None if diff is None else diff - diff_half,
                  None if diff is None else diff + diff_half, verdict)


def test_a_clear_drop_comes_right_after_the_trust_index() -> None:
    # given integrity dropped clearly, reliability a little less, competence did not change clearly
    figures = {"trust_index": fig(60, diff=-5, verdict="down"), "integrity": fig(52, diff=-12, verdict="down"),
               "reliability": fig(58, diff=-6, verdict="down"), "competence": fig(70, diff=1, verdict="none"),
               "empathy": fig(61, diff=0, verdict="none")}
    # when the summary is made
    kinds = [(f.kind, f.measure) for f in findings(figures)]
    # then: the index, the largest drop (integrity), and the weakest element being clearly below the strongest
    assert kinds == [("index", "trust_index"), ("drop", "integrity"), ("weakest", "integrity")]


def test_no_change_and_overlapping_elements_give_no_invented_findings() -> None:
    # given only changes without a clear verdict and elements whose intervals overlap
    figures = {"trust_index": fig(60, diff=1, verdict="none"), "competence": fig(62, half=6),
               "reliability": fig(58, half=6), "integrity": fig(60, half=6), "empathy": fig(59, half=6)}
    # then only the Trust Index itself is reported
    assert [f.kind for f in findings(figures)] == ["index"]


def test_units_clearly_below_the_rest_and_the_inside_outside_gap() -> None:
    figures = {"trust_index": fig(60)}
    units = [UnitGap("Operations", "trust_index", -9, -14, -4, 40, True),
             UnitGap("Sales", "trust_index", -4, -9, 1, 30, False),
             UnitGap("Support", "trust_index", -12, -20, -4, 20, True)]
    gaps = {"integrity": fig(-8, diff=-8, verdict="down"), "competence": fig(2, diff=2, verdict="none")}
    found = findings(figures, units=units, gaps=gaps, limit=4)
    assert [f.kind for f in found] == ["index", "units_below", "gap"]
    assert found[1].other == "Support" and found[1].count == 2  # Sales' interval includes 0: not counted
    assert found[2].measure == "integrity"


def test_hidden_groups_are_absent_and_nothing_breaks() -> None:
    assert findings({}) == []
    assert [f.kind for f in findings({"integrity": fig(50)})] == []
