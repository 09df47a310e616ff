"""Reads for the inside vs outside page (issue 7, point 3): employees' and customers' trust side by side.

Organisation level only (outside respondents belong to no unit), from TrendSnapshot rows: the latest
built wave of the chosen (default: newest) inside and outside assessments. The gap is inside − outside in
POMP points with a Welch 95% interval (assessments.scoring.change.compare). Three queries: the built waves,
their snapshot rows, nothing else; a side whose Trust Index is suppressed shows no figures at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.access import Access, Role
from assessments.models import Assessment, Wave
from assessments.scoring.change import DOWN, UP, Difference, Summary, compare
from reports import charts
from reports.models import TrendSnapshot
from reports.selectors import LABELS, fmt

MEASURES = ("competence", "reliability", "integrity", "empathy", "trust_index", "how", "why")
INSIDE, OUTSIDE = Assessment.Audience.INSIDE, Assessment.Audience.OUTSIDE
COMPARE_ROLES = {Role.OWNER, Role.CONSULTANT, Role.VIEWER}
GAP_WORDS = {UP: gettext_lazy("inside ahead"), DOWN: gettext_lazy("inside trails"),
             "no_clear_change": gettext_lazy("no clear difference")}


@dataclass(frozen=True)
class Side:
    assessment_id: int
    name: str
    wave_id: int
    wave_number: int
    closed_on: object


@dataclass(frozen=True)
class Level:
    value: float
    low: float
    high: float
    n: int
    sd: float | None
    favourable: int

    @property
    def value_text(self) -> str:
        return fmt(self.value)

    @property
    def interval_text(self) -> str:
        return f"{fmt(self.low)}–{fmt(self.high)}"


@dataclass(frozen=True)
class GapRow:
    measure: str
    label: str
    inside: Level | None  # None: hidden (below the threshold) or not measured
    outside: Level | None
    gap: Difference | None

    @property
    def gap_text(self) -> str:
        return fmt(self.gap.diff, 1, sign=True) if self.gap else ""

    @property
    def gap_interval_text(self) -> str:
        if not self.gap:
            return ""
        return _("%(low)s to %(high)s") % {"low": fmt(self.gap.ci_low, 1, sign=True),
                                            "high": fmt(self.gap.ci_high, 1, sign=True)}

    @property
    def verdict_text(self) -> str:
        return str(GAP_WORDS[self.gap.verdict]) if self.gap else ""


@dataclass
class Comparison:
    choices: dict[str, list[tuple[int, str]]]  # audience → (assessment id, name), newest first
    inside: Side | None
    outside: Side | None
    hidden: list[str]  # audiences whose wave is below the threshold: no figures at all
    rows: list[GapRow]
    threshold: int

    @property
    def complete(self) -> bool:
        return bool(self.inside and self.outside and not self.hidden and self.rows)

    def clear(self, verdict: str) -> list[str]:
        return [r.label for r in self.rows if r.gap and r.gap.verdict == verdict]


def _id_param(params, name: str) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    if not str(raw).isdigit():
        raise Http404
    return int(raw)


def _sides(*, access: Access, params) -> tuple[dict, Side | None, Side | None]:
    built = TrendSnapshot.objects.filter(wave=OuterRef("pk"), cut="", unit__isnull=True)
    waves = (Wave.objects.filter(assessment__organisation=access.organisation, assessment__audience__in=[INSIDE, OUTSIDE])
             .filter(Exists(built)).order_by("-assessment__created_at", "-assessment_id", "-number")
             .values_list("id", "number", "closed_at", "closes_at", "assessment_id", "assessment__name",
                          "assessment__audience", "assessment__incident_id"))
    latest: dict[int, Side] = {}
    choices: dict[str, list[tuple[int, str]]] = {INSIDE: [], OUTSIDE: []}
    audience_of: dict[int, str] = {}
    pulses: set[int] = set()
    for wave_id, number, closed_at, closes_at, a_id, name, audience, incident_id in waves:
        if a_id not in latest:
            latest[a_id] = Side(a_id, name, wave_id, number, timezone.localdate(closed_at or closes_at))
            choices[audience].append((a_id, name))
            audience_of[a_id] = audience
            if incident_id is not None:
                pulses.add(a_id)
    picked = []
    for audience in (INSIDE, OUTSIDE):
        wanted = _id_param(params, audience)
        if wanted is not None and audience_of.get(wanted) != audience:
            raise Http404
        # default: the newest assessment that is not an after-incident pulse (a five-item form)
        regular = [a_id for a_id, _name in choices[audience] if a_id not in pulses] or [a for a, _n in choices[audience]]
        chosen = wanted if wanted is not None else (regular[0] if regular else None)
        picked.append(latest.get(chosen))
    return choices, picked[0], picked[1]


def _level(row: TrendSnapshot | None) -> Level | None:
    if row is None or row.suppressed or row.mean_pomp is None or not row.n:
        return None
    return Level(row.mean_pomp, row.ci_low_pomp, row.ci_high_pomp, row.n, row.sd_pomp, row.n_favourable or 0)


def _gap(inside: Level | None, outside: Level | None) -> Difference | None:
    if inside is None or outside is None or inside.sd is None or outside.sd is None:
        return None
    summary = [Summary(x.n, x.value, x.sd**2, x.favourable) for x in (inside, outside)]
    return compare(summary[0], summary[1])[0]


def comparison_get(*, access: Access, params) -> Comparison:
    """Managers: 403 (they see their subtree only). Unknown, foreign or wrong-audience ids → 404."""
    access.require(access.role in COMPARE_ROLES)
    choices, inside, outside = _sides(access=access, params=params)
    threshold = access.organisation.min_group_size
    if not (inside and outside):
        return Comparison(choices, inside, outside, [], [], threshold)
    rows = {(r.wave_id, r.measure): r for r in TrendSnapshot.objects.filter(
        wave_id__in=[inside.wave_id, outside.wave_id], unit__isnull=True, cut="", measure__in=MEASURES)}
    hidden = [audience for audience, side in ((INSIDE, inside), (OUTSIDE, outside))
              if _level(rows.get((side.wave_id, "trust_index"))) is None]
    if hidden:
        return Comparison(choices, inside, outside, hidden, [], threshold)
    gap_rows = []
    for measure in MEASURES:
        level_in, level_out = _level(rows.get((inside.wave_id, measure))), _level(rows.get((outside.wave_id, measure)))
        gap_rows.append(GapRow(measure, str(LABELS[measure]), level_in, level_out, _gap(level_in, level_out)))
    return Comparison(choices, inside, outside, [], gap_rows, threshold)


def _span(rows: list[GapRow]) -> float:
    ends = [abs(v) for r in rows if r.gap for v in (r.gap.ci_low, r.gap.ci_high) if v is not None]
    return max(10.0, 10 * math.ceil(max(ends, default=10) / 10))


def comparison_charts(comparison: Comparison) -> dict:
    if not comparison.complete:
        return {}
    inside_name, outside_name = _("Inside (employees)"), _("Outside (customers)")
    pairs = []
    for r in comparison.rows:
        for level, group in ((r.inside, inside_name), (r.outside, outside_name)):
            if level is not None:
                pairs.append(charts.IntervalRow(r.label, level.value, level.low, level.high, group=group,
                                                note=f"n = {level.n}"))
    span = _span(comparison.rows)
    return {
        "levels": charts.interval_svg(
            chart_id="inside-outside-levels", title=_("Inside and outside side by side"),
            description=_("Each measure's score for employees and for customers, with 95% intervals."),
            rows=pairs, x_min=0, x_max=100, x_label=_("score 0–100")),
        "gaps": charts.interval_svg(
            chart_id="inside-outside-gaps", title=_("The gap: inside minus outside"),
            description=_("Inside minus outside in points with 95% intervals; left of 0 means employees trust less "
                          "than customers."),
            rows=[charts.IntervalRow(r.label, r.gap.diff, r.gap.ci_low, r.gap.ci_high, note=r.verdict_text)
                  for r in comparison.rows if r.gap],
            x_min=-span, x_max=span, reference=0, x_label=_("points (inside − outside)")),
    }
