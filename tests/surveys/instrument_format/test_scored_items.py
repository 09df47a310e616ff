"""scored_items: what score_file and the scoring engine read from an instrument."""

from __future__ import annotations

from surveys.instrument_format import Scale, ScoredItem, load_bundled, scored_items

from .builders import balanced, item


def test_core_inside_scored_items_cover_every_closed_item():
    # given the inside core instrument
    instrument = load_bundled("core-inside")
    # when its scored items are listed
    scored = scored_items(instrument)
    # then every closed item is there on the 1-7 scale, the open questions are not
    assert len(scored) == 19
    assert "open_raise_trust" not in scored and "open_keep_doing" not in scored
    assert scored["com_expertise"] == ScoredItem("dimension", "competence", False, 1, 7)
    assert scored["global_trust"] == ScoredItem("global_trust", None, False, 1, 7)
    assert scored["intent_disclosure"] == ScoredItem("intention", None, False, 1, 7)


def test_each_dimension_has_four_scored_items_in_core_inside():
    # given the inside core instrument
    scored = scored_items(load_bundled("core-inside")).values()
    # when counted per dimension
    counts = {d: sum(1 for s in scored if s.role == "dimension" and s.dimension == d) for d in
              ("competence", "reliability", "integrity", "empathy")}  # fmt: skip
    # then each has four
    assert counts == {"competence": 4, "reliability": 4, "integrity": 4, "empathy": 4}


def test_an_item_scale_override_and_keying_are_reported():
    # given a reverse-keyed item on its own 0-10 scale
    extra = item("odd", role="custom_scored", dimension="empathy", reverse_keyed=True, scale=Scale(0, 10))
    # when scored items are listed
    scored = scored_items(balanced(3, extra))
    # then its own range and keying are given, and the order is the instrument's
    assert scored["odd"] == ScoredItem("custom_scored", "empathy", True, 0, 10)
    assert list(scored)[-1] == "odd"


def test_scored_items_are_plain_tuples_for_easy_unpacking():
    # given a scored item
    role, dimension, reverse_keyed, low, high = scored_items(balanced(3))["com_0"]
    # then it unpacks as (role, dimension, reverse_keyed, scale_min, scale_max)
    assert (role, dimension, reverse_keyed, low, high) == ("dimension", "competence", False, 1, 7)
