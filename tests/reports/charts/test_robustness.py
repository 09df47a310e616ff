"""All three charts on odd but possible input: never an exception, always valid SVG inside its viewBox."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reports.charts import HeatCell, IntervalRow, Marker, Point, Series, heatmap_svg, interval_svg, trend_svg
from tests.reports.charts.svgcheck import inside_viewbox, parse

ODD_NUMBERS = [None, math.nan, math.inf, -math.inf, 0.0, -1e6, 1e6, 50.0, 99.999, -0.0001]
ODD_TEXTS = ["", " ", "A", "Operations/Planning/Night shift/Weekend", "Ω ü € 漢字", "x" * 300, "<&>\"'", "\x07bell"]


def pick(rng, options):
    return options[int(rng.integers(len(options)))]


@pytest.mark.parametrize("seed", range(20))
def test_random_odd_input_gives_valid_contained_svg(seed):
    # given random mixes of missing, infinite, huge and tiny numbers and odd texts (fixed seeds: reproducible)
    rng = np.random.default_rng(seed)
    waves = [pick(rng, ODD_TEXTS) for _ in range(int(rng.integers(0, 12)))]
    series = [Series(pick(rng, ODD_TEXTS), [Point(pick(rng, ODD_NUMBERS), pick(rng, ODD_NUMBERS), pick(rng, ODD_NUMBERS))
                                            for _ in range(int(rng.integers(0, 14)))], color=pick(rng, [None, "#123", "red"]))
              for _ in range(int(rng.integers(0, 7)))]
    markers = [Marker(pick(rng, [-3.0, 0.5, 2.0, 40.0, math.nan]), pick(rng, ODD_TEXTS)) for _ in range(int(rng.integers(0, 4)))]
    rows = [IntervalRow(pick(rng, ODD_TEXTS), pick(rng, ODD_NUMBERS), pick(rng, ODD_NUMBERS), pick(rng, ODD_NUMBERS),
                        group=pick(rng, ["", "Inside", "Outside", "Third"]), note=pick(rng, ODD_TEXTS))
            for _ in range(int(rng.integers(0, 9)))]
    units = [pick(rng, ODD_TEXTS) for _ in range(int(rng.integers(0, 8)))]
    measures = [pick(rng, ODD_TEXTS) for _ in range(int(rng.integers(0, 12)))]
    cells = {(i, j): HeatCell(pick(rng, ODD_TEXTS), pick(rng, ["up", "down", "none", "hidden", "?"]), pick(rng, ODD_TEXTS))
             for i in range(len(units)) for j in range(len(measures)) if rng.random() < 0.8}
    axis = pick(rng, [(0, 100), (-20, 20), (5, 5), (math.nan, 1), (100, 0)])
    # when each chart is drawn
    charts = [
        trend_svg(chart_id=f"t{seed}", title="T", description="D", x_labels=waves, series=series, markers=markers,
                  y_min=axis[0], y_max=axis[1], y_label=pick(rng, ODD_TEXTS)),
        interval_svg(chart_id=f"i{seed}", title="T", description="D", rows=rows, x_min=axis[0], x_max=axis[1],
                     reference=pick(rng, ODD_NUMBERS), x_label=pick(rng, ODD_TEXTS)),
        heatmap_svg(chart_id=f"h{seed}", title="T", description="D", row_labels=units, column_labels=measures, cells=cells),
    ]
    # then each parses, keeps every drawn coordinate inside its viewBox and shows no nan/inf
    for svg in charts:
        assert inside_viewbox(parse(svg)), svg
        assert "nan" not in svg.lower() and "inf" not in svg.lower()
