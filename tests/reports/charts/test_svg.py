"""reports.charts._svg: the shared helpers behind every chart (numbers, escaping, ticks, wrapping)."""

from __future__ import annotations

import math

import pytest

from reports.charts._svg import Svg, esc, fit_lines, missing, nice_ticks, num, safe_id, text_width


@pytest.mark.parametrize(("value", "shown"), [(61.0, "61"), (61.456, "61.46"), (-0.001, "0"), (0.1 + 0.2, "0.3"), (-12.5, "-12.5")])
def test_numbers_in_markup_are_short_and_never_negative_zero(value, shown):
    # given a float from a computation
    # when it is written into the markup
    # then it has at most two decimals and no trailing zeros
    assert num(value) == shown


@pytest.mark.parametrize(("low", "high", "ticks"), [
    (0, 100, [0, 25, 50, 75, 100]),
    (-20, 20, [-20, -10, 0, 10, 20]),
    (-50, 50, [-50, -25, 0, 25, 50]),
    (-15, 15, [-15, -10, -5, 0, 5, 10, 15]),
    (1, 7, [1, 2, 3, 4, 5, 6, 7]),
    (40, 80, [40, 50, 60, 70, 80]),
    (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
])
def test_ticks_are_round_and_include_zero(low, high, ticks):
    # given an axis range
    # when ticks are chosen
    # then they are round steps, cover the range and include 0 where it is inside
    assert nice_ticks(low, high) == pytest.approx(ticks)


def test_escaping_covers_markup_characters_and_drops_what_xml_forbids():
    # given text with markup characters and a control character
    # then all are made safe for element content and attribute values
    assert esc('<a href="x">&\'\x00') == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"


def test_missing_means_none_nan_or_infinite():
    # given the values callers pass for "no figure"
    # then each counts as missing, and real zeros do not
    assert all(missing(v) for v in (None, math.nan, math.inf, "x"))
    assert not missing(0) and not missing(0.0)


def test_ids_are_safe_for_aria_references():
    # given chart ids with spaces, markup or a leading digit
    # then they become single XML names
    assert safe_id("trend 1") == "trend-1" and safe_id('7"<x>') == "c7--x-" and safe_id("") == "chart"


def test_unit_paths_wrap_after_a_slash_and_long_text_is_cut_with_an_ellipsis():
    # given a unit path that needs two lines, and a text that cannot fit in two
    lines, cut = fit_lines("Operations/Planning/Night shift", 130, 12)
    long_lines, long_cut = fit_lines("Betrouwbaarheid " * 6, 100, 12)
    # then the path breaks between units, nothing lost; the long text is cut and marked
    assert lines == ["Operations/", "Planning/Night shift"] and not cut
    assert len(long_lines) == 2 and long_lines[1].endswith("…") and long_cut
    assert all(text_width(line, 12) <= 100 for line in long_lines)


def test_svg_string_knows_it_is_safe_html():
    # given an Svg
    # then __html__ returns it as a plain string
    markup = Svg("<svg/>")
    assert markup.__html__() == "<svg/>" and type(markup.__html__()) is str
