"""Server-side SVG charts (issue 7, point 5): trend lines, interval (forest) plots and heatmaps.

Pure Python (stdlib only, no Django): the same markup goes into dashboards and WeasyPrint PDFs. Plain SVG 1.1
with presentation attributes, responsive (viewBox, width 100 %), accessible (role="img", <title>/<desc> via
aria-labelledby), readable in greyscale and for colour-blind readers (Okabe–Ito colours plus dash patterns,
marker shapes and glyphs). Every text is passed in already translated and is escaped here. None/NaN figures
are never drawn. Same input → byte-identical output.
"""

from reports.charts._svg import DIMENSION_COLOURS, OKABE_ITO, Svg
from reports.charts.heatmap import HeatCell, heatmap_svg
from reports.charts.interval import IntervalRow, interval_svg
from reports.charts.trend import Marker, Point, Series, trend_svg

__all__ = ["DIMENSION_COLOURS", "OKABE_ITO", "HeatCell", "IntervalRow", "Marker", "Point", "Series", "Svg",
           "heatmap_svg", "interval_svg", "trend_svg"]
