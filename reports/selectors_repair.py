"""Reads for the trust-repair block of an incident page (issue 7, point 4), from TrendSnapshot rows only.

Scope: the units the incident names (a manager: only those in their subtree), else the organisation
(a manager: their own unit). Figures come from the inside assessments' snapshots; the arithmetic is
reports.repair (pure). Constant number of queries: the manager's units (managers only), the snapshot rows
(one query over every scope, measure and wave) and the incident's pulse assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.access import Access, Role
from assessments.models import Assessment, Incident, Unit
from assessments.scoring.change import Difference
from reports import charts
from reports.models import TrendSnapshot
from reports.repair import Repair, WavePoint, repair
from reports.selectors import LABELS, fmt

VERDICT_WORDS = {"down": gettext_lazy("a clear drop"), "up": gettext_lazy("a clear rise"),
                 "no_clear_change": gettext_lazy("no clear change")}
RECOVERY_WORDS = {"down": gettext_lazy("still clearly below the level before"),
                  "up": gettext_lazy("clearly above the level before"),
                  "no_clear_change": gettext_lazy("no clear difference from the level before")}


@dataclass(frozen=True)
class Shown:
    """A wave's level, or a difference, as texts for the page (never built from a hidden row)."""

    number: int | None = None
    value: str = ""
    interval: str = ""
    n: int | None = None
    verdict: str = ""
    hidden: bool = False


def _level(point: WavePoint | None) -> Shown | None:
    if point is None:
        return None
    if point.hidden:
        return Shown(number=point.number, hidden=True)
    return Shown(number=point.number, value=fmt(point.mean), interval=f"{fmt(point.low)}–{fmt(point.high)}", n=point.n)


def _difference(diff: Difference | None, point: WavePoint | None, words: dict) -> Shown | None:
    if diff is None or point is None:
        return None
    return Shown(number=point.number, value=fmt(diff.diff, 1, sign=True),
                 interval=_("%(low)s to %(high)s") % {"low": fmt(diff.ci_low, 1, sign=True),
                                                       "high": fmt(diff.ci_high, 1, sign=True)},
                 n=diff.n_a, verdict=str(words[diff.verdict]))


@dataclass(frozen=True)
class RepairRow:
    measure: str
    label: str
    result: Repair

    @property
    def before(self) -> Shown | None:
        return _level(self.result.before)

    @property
    def after(self) -> Shown | None:
        return _level(self.result.after)

    @property
    def latest(self) -> Shown | None:
        return _level(self.result.latest)

    @property
    def drop(self) -> Shown | None:
        return _difference(self.result.drop, self.result.after, VERDICT_WORDS)

    @property
    def recovery(self) -> Shown | None:
        return _difference(self.result.recovery, self.result.latest, RECOVERY_WORDS)

    @property
    def recovered_text(self) -> str:
        pct = self.result.recovered_pct
        return "" if pct is None else fmt(pct)


@dataclass
class RepairScope:
    unit: Unit | None  # None: the whole organisation
    rows: list[RepairRow]
    chart: Any = None
    x_labels: list[str] = field(default_factory=list)
    table: list[tuple[str, list[Shown | None]]] = field(default_factory=list)  # the chart's data, per measure

    @property
    def headline(self) -> RepairRow | None:
        return self.rows[-1] if self.rows else None  # the Trust Index

    @property
    def has_figures(self) -> bool:
        return any(r.result.drop is not None for r in self.rows)


@dataclass
class RepairBlock:
    incident: Incident
    scopes: list[RepairScope]
    threshold: int
    units_out_of_reach: int  # affected units outside a manager's subtree (never shown)
    pulse: Assessment | None


def _measures(incident: Incident) -> list[str]:
    return [d for d in Incident.Dimension.values if d in incident.dimensions] + ["trust_index"]


def _scope_units(*, access: Access, incident: Incident) -> tuple[list[Unit | None], int]:
    named = list(incident.units.all())
    if access.role != Role.MANAGER:
        return (named or [None]), 0
    allowed = set(access.units().values_list("pk", flat=True))
    if not named:
        return ([access.membership.unit] if access.membership.unit else []), 0
    mine = [u for u in named if u.pk in allowed]
    return mine, len(named) - len(mine)


def _points(*, organisation, units: list[Unit | None], measures: list[str]) -> dict[tuple, list[WavePoint]]:
    """(unit id or None, measure) → the built inside waves' figures; one query."""
    unit_ids = [u.pk for u in units if u is not None]
    # after-incident pulses (a five-item form) are never comparable with the regular waves: left out
    rows = TrendSnapshot.objects.filter(organisation=organisation, assessment__audience=Assessment.Audience.INSIDE,
                                        assessment__incident__isnull=True, cut="", measure__in=measures)
    rows = rows.filter(unit__isnull=True) if None in units else rows.filter(unit_id__in=unit_ids)
    out: dict[tuple, list[WavePoint]] = {}
    for r in rows.values("wave_id", "wave__number", "wave__opened_at", "wave__opens_at", "wave__closed_at",
                         "wave__closes_at", "unit_id", "measure", "fingerprint", "suppressed", "n", "mean_pomp",
                         "sd_pomp", "ci_low_pomp", "ci_high_pomp", "n_favourable"):
        hidden = r["suppressed"] or r["mean_pomp"] is None
        out.setdefault((r["unit_id"], r["measure"]), []).append(WavePoint(
            wave_id=r["wave_id"], number=r["wave__number"],
            opened_on=timezone.localdate(r["wave__opened_at"] or r["wave__opens_at"]),
            closed_on=timezone.localdate(r["wave__closed_at"] or r["wave__closes_at"]),
            fingerprint=r["fingerprint"], hidden=hidden,
            **({} if hidden else {"n": r["n"], "mean": r["mean_pomp"], "sd": r["sd_pomp"], "low": r["ci_low_pomp"],
                                  "high": r["ci_high_pomp"], "favourable": r["n_favourable"]})))
    return out


def _chart(scope: RepairScope, index: int) -> None:
    """A small trend of the compared waves with the incident marked between the wave before and after."""
    head = scope.headline.result
    waves = list(head.series)
    if len(waves) < 2 or head.before is None:
        return
    position = [w.wave_id for w in waves].index(head.before.wave_id) + 0.5
    scope.x_labels = [_("Wave %(number)s") % {"number": w.number} for w in waves]
    series = []
    for row in scope.rows:
        by_wave = {p.wave_id: p for p in row.result.series}
        points = [by_wave.get(w.wave_id) for w in waves]
        scope.table.append((row.label, [_level(p) for p in points]))
        series.append(charts.Series(str(row.label), points=[
            charts.Point(None) if p is None or p.hidden else charts.Point(p.mean, p.low, p.high, p.n) for p in points]))
    scope.chart = charts.trend_svg(
        chart_id=f"repair-trend-{index}", title=_("Trust around the incident"),
        description=_("Scores per wave (0–100) with 95% intervals as bands; the dashed line marks the incident."),
        x_labels=scope.x_labels, series=series, markers=[charts.Marker(position, _("Incident"))],
        y_min=0, y_max=100, y_label=_("score 0–100"))


def repair_get(*, access: Access, incident: Incident) -> RepairBlock:
    units, out_of_reach = _scope_units(access=access, incident=incident)
    measures = _measures(incident)
    points = _points(organisation=access.organisation, units=units, measures=measures) if units else {}
    scopes = []
    for index, unit in enumerate(units):
        key = unit.pk if unit is not None else None
        rows = [RepairRow(m, str(LABELS[m]), repair(incident.occurred_on, points.get((key, m), []))) for m in measures]
        scope = RepairScope(unit=unit, rows=rows)
        _chart(scope, index)
        scopes.append(scope)
    pulse = Assessment.objects.filter(incident=incident).first()
    return RepairBlock(incident=incident, scopes=scopes, threshold=access.organisation.min_group_size,
                       units_out_of_reach=out_of_reach, pulse=pulse)
