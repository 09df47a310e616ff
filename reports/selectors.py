"""Reads for the dashboards (issue 7, point 2): TrendSnapshot rows only, in a constant number of queries.

A page is rooted at the organisation (owners, consultants, viewers) or at a unit (a manager's own unit,
or a drill-down). Everything outside the user's scope (Access.units()) is never fetched; suppressed
snapshot rows become `Figure(suppressed=True)` with no figure and no n.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Exists, OuterRef, Q, When
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assessments.access import Access, Role
from assessments.models import Assessment, Incident, Wave
from reports import charts
from reports.measures import DIMENSIONS, LABELS
from reports.models import SnapshotComment, TrendSnapshot
from reports.reciprocal import PREFIXES as RECIPROCAL_PREFIXES
from reports.reciprocal import UPWARD
from surveys.instrument_format.fields import placeholders_filled
from surveys.models import Item, ManagerPrediction

HEADLINE = ("trust_index", *DIMENSIONS)
FIGURE_SET = ("trust_index", *DIMENSIONS, "how", "why", "global_trust")
HEATMAP_COLUMNS = (*DIMENSIONS, "trust_index")
ARROWS = {"up": "↑", "down": "↓", "none": "→"}
HEAT_LEGEND = {"up": _("clearly higher than the rest"), "down": _("clearly lower than the rest"),
               "none": _("no clear difference"), "hidden": _("hidden: too few responses")}
NO_DATA = _("No data to show")
AGGREGATE_ROLES = (Role.OWNER, Role.CONSULTANT)  # who sees the managers' predictions aggregated (issue 11)
TOP_ITEMS = 3
RECIPROCAL_INDEX = tuple(prefix + "trust_index" for prefix in RECIPROCAL_PREFIXES)  # per child unit (issue 11)


def fmt(value: float | None, decimals: int = 0, sign: bool = False) -> str:
    """A number in the user's locale ("62", "+3,4"); a real minus sign for negatives."""
    if value is None:
        return ""
    text = number_format(round(value, decimals), decimal_pos=decimals)
    if text.lstrip("-").strip("0,.") == "":
        text = text.lstrip("-")  # no "-0"
    if text.startswith("-"):
        return "−" + text[1:]
    return ("+" + text) if sign and value > 0 and text.strip("0,.") else text


def span(low: float | None, high: float | None, decimals: int = 0, sign: bool = False) -> str:
    """An interval as text ("58–66", "−1.2 … +3.4"); empty when an end is missing."""
    if low is None or high is None:
        return ""
    return f"{fmt(low, decimals, sign)} … {fmt(high, decimals, sign)}" if sign else f"{fmt(low)}–{fmt(high)}"


# ---------------------------------------------------------------- picking the assessment and wave


@dataclass(frozen=True)
class WaveInfo:
    id: int
    number: int
    closed_on: datetime.date | None
    assessment_id: int


@dataclass(frozen=True)
class AssessmentInfo:
    id: int
    name: str
    version_id: int
    anonymous: bool
    waves: tuple[WaveInfo, ...]


@dataclass(frozen=True)
class Selection:
    assessments: tuple[AssessmentInfo, ...]
    assessment: AssessmentInfo | None
    wave: WaveInfo | None

    @property
    def query(self) -> str:
        """The query string that keeps this choice on links (drill-down, heatmap, back)."""
        if self.wave is None:
            return ""
        return f"?assessment={self.assessment.id}&wave={self.wave.number}"

    def wave_by_id(self, wave_id: int | None) -> WaveInfo | None:
        if self.assessment is None:
            return None
        return next((w for w in self.assessment.waves if w.id == wave_id), None)


def _int_param(params, name: str) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise Http404 from None
    if value < 0:
        raise Http404
    return value


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def selection_get(*, access: Access, params) -> Selection:
    """The organisation's assessments with built snapshots (employee assessments first, then after-incident
    pulses and customer assessments; newest first within each), and the one chosen by `assessment=<id>` /
    `wave=<number>` (defaults: the first of that order, its latest built wave). One query.
    Unknown or foreign ids, nonsense and waves without snapshots → 404."""
    assessment_id, wave_number = _int_param(params, "assessment"), _int_param(params, "wave")
    built = TrendSnapshot.objects.filter(wave=OuterRef("pk"), cut="")
    rows = (Wave.objects.filter(assessment__organisation=access.organisation).filter(Exists(built))
            .annotate(kind=Case(When(assessment__audience=Assessment.Audience.INSIDE, assessment__incident__isnull=True,
                                     then=0), default=1))
            .order_by("kind", "-assessment__created_at", "-assessment_id", "number")
            .values_list("id", "number", "closed_at", "closes_at", "assessment_id", "assessment__name",
                         "assessment__instrument_version_id", "assessment__anonymity"))
    grouped: dict[int, dict[str, Any]] = {}
    for wave_id, number, closed_at, closes_at, a_id, name, version_id, anonymity in rows:
        entry = grouped.setdefault(a_id, {"name": name, "version_id": version_id, "anonymity": anonymity, "waves": []})
        entry["waves"].append(WaveInfo(wave_id, number, _local_date(closed_at or closes_at), a_id))
    assessments = tuple(AssessmentInfo(a_id, e["name"], e["version_id"], e["anonymity"] == "anonymous",
                                       tuple(e["waves"])) for a_id, e in grouped.items())
    if not assessments:
        if assessment_id is not None or wave_number is not None:
            raise Http404  # nothing is built, so no id or number can be valid
        return Selection((), None, None)
    chosen = assessments[0] if assessment_id is None else next((a for a in assessments if a.id == assessment_id), None)
    if chosen is None:
        raise Http404
    wave = chosen.waves[-1] if wave_number is None else next((w for w in chosen.waves if w.number == wave_number), None)
    if wave is None:
        raise Http404
    return Selection(assessments, chosen, wave)


# ---------------------------------------------------------------- the user's scope


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    path: str
    tree_path: str
    parent_id: int | None

    @property
    def depth(self) -> int:
        return self.tree_path.strip("/").count("/")


@dataclass(frozen=True)
class Scope:
    """The units the user may see, the page's root (None = the organisation) and the way back up."""

    access: Access
    units: dict[int, UnitInfo]
    root: UnitInfo | None

    @property
    def is_organisation(self) -> bool:
        return self.root is None

    @property
    def user_root(self) -> UnitInfo | None:
        if self.access.role == Role.MANAGER:
            return self.units.get(self.access.membership.unit_id)
        return None

    def breadcrumb(self) -> list[UnitInfo | None]:
        """From the user's root down to the page's root: None stands for the organisation."""
        top = self.user_root
        trail: list[UnitInfo | None] = [] if top is not None else [None]
        if self.root is None:
            return trail
        ids = [int(x) for x in self.root.tree_path.strip("/").split("/") if x]
        start = ids.index(top.id) if top is not None and top.id in ids else 0
        return trail + [self.units[i] for i in ids[start:] if i in self.units]

    def children(self) -> list[UnitInfo]:
        parent = self.root.id if self.root else None
        return [u for u in self.units.values() if u.parent_id == parent]

    def subtree(self) -> list[UnitInfo]:
        """Every unit below the root (the root unit itself first when it is a unit)."""
        prefix = self.root.tree_path if self.root else "/"
        return [u for u in self.units.values() if u.tree_path.startswith(prefix)]


def scope_get(*, access: Access, unit_pk: int | None = None) -> Scope:
    """One query. A manager's page is rooted at their unit; a unit outside the user's units → 404."""
    units = {u["id"]: UnitInfo(**u) for u in access.units().order_by("path")
             .values("id", "name", "path", "tree_path", "parent_id")}
    scope = Scope(access, units, None)
    if unit_pk is None:
        root = scope.user_root
        if access.role == Role.MANAGER and root is None:
            raise Http404
    else:
        root = units.get(unit_pk)
        if root is None:
            raise Http404
    return Scope(access, units, root)


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    """One measure of one scope and wave, ready to show. Suppressed → nothing but the flag."""

    measure: str
    label: str
    suppressed: bool = True
    n: int | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    diff: float | None = None
    diff_low: float | None = None
    diff_high: float | None = None
    verdict: str = ""
    previous_number: int | None = None

    @classmethod
    def of(cls, row: TrendSnapshot | None, measure: str, label: str = "",
           waves: dict[int, WaveInfo] | None = None) -> Figure:
        label = label or str(LABELS.get(measure, measure))
        if row is None or row.suppressed:
            return cls(measure, label)
        previous = (waves or {}).get(row.previous_wave_id)
        return cls(measure, label, False, row.n, row.mean_pomp, row.ci_low_pomp, row.ci_high_pomp,
                   row.diff, row.diff_ci_low, row.diff_ci_high, row.verdict or "",
                   previous.number if previous else None)

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.value is not None

    @property
    def value_text(self) -> str:
        return fmt(self.value)

    @property
    def interval_text(self) -> str:
        return span(self.low, self.high)

    @property
    def diff_text(self) -> str:
        return fmt(self.diff, 1, sign=True)

    @property
    def diff_interval_text(self) -> str:
        return span(self.diff_low, self.diff_high, 1, sign=True)

    @property
    def verdict_label(self) -> str:
        return str(dict(TrendSnapshot.Verdict.choices).get(self.verdict, ""))

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.verdict, "")


@dataclass(frozen=True)
class ResponseRate:
    suppressed: bool = True
    n: int | None = None
    invited: int | None = None
    rate: float | None = None

    @classmethod
    def of(cls, row: TrendSnapshot | None) -> ResponseRate:
        if row is None or row.suppressed:
            return cls()
        return cls(False, row.n, row.n_invited, row.mean)

    @property
    def percent_text(self) -> str:
        return fmt(self.rate * 100) if self.rate is not None else ""


# ---------------------------------------------------------------- the snapshot rows of a page


def _unit_filter(unit_id: int | None) -> Q:
    return Q(unit__isnull=True) if unit_id is None else Q(unit_id=unit_id)


@dataclass
class Rows:
    """Snapshot rows of one assessment indexed by (wave id, unit id or None, measure)."""

    by_key: dict[tuple[int, int | None, str], TrendSnapshot]

    def get(self, wave_id: int, unit_id: int | None, measure: str) -> TrendSnapshot | None:
        return self.by_key.get((wave_id, unit_id, measure))

    def prefixed(self, wave_id: int, unit_id: int | None, prefix: str) -> list[TrendSnapshot]:
        return [r for (w, u, m), r in self.by_key.items() if w == wave_id and u == unit_id and m.startswith(prefix)]


def rows_fetch(*, selection: Selection, scope: Scope, trend: bool, unit_ids: list[int], reciprocal: bool = False,
               prediction_units: bool = False) -> Rows:
    """One query: the root's rows of the chosen wave (every measure), the root's headline rows of every
    wave when `trend`, and the rows of `unit_ids` (units within scope) for the chosen wave — with their
    reciprocal index rows when `reciprocal` — and, when `prediction_units`, the trust-in-the-leadership rows
    of every unit a manager made a prediction for in the chosen wave (issue 11's organisation aggregate)."""
    root_id = scope.root.id if scope.root else None
    allowed = [u for u in unit_ids if u in scope.units]
    wave = selection.wave
    where = Q(wave_id=wave.id) & _unit_filter(root_id)
    if trend:
        where |= _unit_filter(root_id) & Q(measure__in=[*HEADLINE, "response_rate"])
    if allowed:
        measures = [*HEATMAP_COLUMNS, "response_rate", *(RECIPROCAL_INDEX if reciprocal else ())]
        where |= Q(wave_id=wave.id, unit_id__in=allowed, measure__in=measures)
    if prediction_units:
        predicted = ManagerPrediction.objects.filter(wave_id=wave.id).values("unit_id")
        where |= Q(wave_id=wave.id, unit_id__in=predicted, measure__startswith=UPWARD)
    rows = TrendSnapshot.objects.filter(assessment_id=selection.assessment.id, cut="").filter(where)
    return Rows({(r.wave_id, r.unit_id, r.measure): r for r in rows})


# ---------------------------------------------------------------- dashboard pieces


@dataclass(frozen=True)
class ChildRow:
    unit: UnitInfo
    figure: Figure
    rate: ResponseRate
    has_children: bool


@dataclass(frozen=True)
class TrendPoint:
    wave: WaveInfo
    figures: dict[str, Figure]
    rate: ResponseRate


@dataclass(frozen=True)
class Marker:
    position: float
    date: datetime.date
    title: str
    pk: int = 0  # the incident


@dataclass(frozen=True)
class ItemRow:
    key: str
    text: str
    n: int
    pct: float
    low: float | None
    high: float | None
    mean: float | None

    @property
    def pct_text(self) -> str:
        return fmt(self.pct)

    @property
    def interval_text(self) -> str:
        return span(self.low, self.high)


@dataclass(frozen=True)
class Driver:
    dimension: str
    label: str
    share: float
    low: float | None
    high: float | None
    n: int | None


@dataclass(frozen=True)
class CommentGroup:
    key: str
    question: str
    texts: list[str]


@dataclass(frozen=True)
class HeatRow:
    unit: UnitInfo
    cells: list[HeatCellInfo]


@dataclass(frozen=True)
class HeatCellInfo:
    measure: str
    label: str
    state: str  # up | down | none | hidden
    text: str
    tooltip: str
    figure: Figure
    rest_diff: float | None = None
    rest_low: float | None = None
    rest_high: float | None = None
    rest_q: float | None = None

    @property
    def rest_interval_text(self) -> str:
        return span(self.rest_low, self.rest_high, 1, sign=True)


@dataclass
class Dashboard:
    selection: Selection
    scope: Scope
    threshold: int
    figures: dict[str, Figure] = field(default_factory=dict)
    rate: ResponseRate = field(default_factory=ResponseRate)
    comparison: str = ""  # "compared" | "first" | "version_changed" | ""
    comparison_wave: int | None = None
    children: list[ChildRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    weakest: list[ItemRow] = field(default_factory=list)
    strongest: list[ItemRow] = field(default_factory=list)
    drivers: list[Driver] = field(default_factory=list)
    driver_r2: Figure | None = None
    driver_outcome: str = ""
    comments: list[CommentGroup] = field(default_factory=list)
    heat: list[HeatRow] = field(default_factory=list)
    rows: Rows | None = None  # the page's snapshot rows, for the reciprocal section (selectors_reciprocal)

    @property
    def headline(self) -> list[Figure]:
        return [self.figures[m] for m in DIMENSIONS if m in self.figures]

    @property
    def driver_outcome_label(self) -> str:
        return str(LABELS.get(self.driver_outcome, self.driver_outcome.replace("_", " ")))

    @property
    def comment_count(self) -> int:
        return sum(len(g.texts) for g in self.comments)

    @property
    def has_results(self) -> bool:
        return any(not f.suppressed for f in self.figures.values())


def _comparison(rows: Rows, selection: Selection, root_id: int | None) -> tuple[str, int | None]:
    wave = selection.wave
    current = rows.get(wave.id, root_id, "trust_index")
    if current is None or current.suppressed:
        return "", None
    if current.previous_wave_id is not None:
        previous = selection.wave_by_id(current.previous_wave_id)
        return "compared", previous.number if previous else None
    earlier = [w for w in selection.assessment.waves if w.number < wave.number]
    for w in reversed(earlier):
        old = rows.get(w.id, root_id, "trust_index")
        if old is not None and old.fingerprint and current.fingerprint and old.fingerprint != current.fingerprint:
            return "version_changed", w.number
    return "first", None


def _markers(*, scope: Scope, waves: tuple[WaveInfo, ...]) -> list[Marker]:
    """Incidents of the organisation (whole organisation or a unit in the page's subtree) between the first
    and last wave, placed between the waves they fall between. One query."""
    dated = [w for w in waves if w.closed_on is not None]
    if len(dated) < 2:
        return []
    incidents = Incident.objects.filter(organisation=scope.access.organisation,
                                        occurred_on__gt=dated[0].closed_on, occurred_on__lte=dated[-1].closed_on)
    if scope.root is not None:  # a unit page: incidents of the whole organisation, its subtree or its ancestors
        ancestors = [int(x) for x in scope.root.tree_path.strip("/").split("/") if x]
        incidents = incidents.filter(Q(units__isnull=True) | Q(units__tree_path__startswith=scope.root.tree_path)
                                     | Q(units__in=ancestors))
    markers = []
    seen = set()
    for pk, occurred_on, title in incidents.order_by("occurred_on", "pk").values_list("pk", "occurred_on", "title"):
        if pk in seen:  # one row per matching unit
            continue
        seen.add(pk)
        index = next(i for i in range(len(dated) - 1) if occurred_on <= dated[i + 1].closed_on)
        before, after = dated[index], dated[index + 1]
        days = (after.closed_on - before.closed_on).days or 1
        fraction = min(max((occurred_on - before.closed_on).days / days, 0.0), 1.0)
        position = waves.index(before) + fraction * (waves.index(after) - waves.index(before))
        markers.append(Marker(position, occurred_on, title, pk))
    return markers


def _item_texts(version_id: int, organisation: str) -> dict[str, str]:
    """Item key → wording in the user's language (falling back to English, then any), placeholders filled
    in as respondents saw them. One query."""
    language = (get_language() or "en")[:2]
    out = {}
    for key, text in Item.objects.filter(version_id=version_id).values_list("key", "text"):
        text = text or {}
        wording = text.get(language) or text.get("en") or next(iter(text.values()), key)
        out[key] = placeholders_filled(wording, organisation)
    return out


def _items(rows: Rows, wave_id: int, root_id: int | None, texts: dict[str, str]) -> tuple[list, list]:
    items = []
    for row in rows.prefixed(wave_id, root_id, "item:"):
        if row.suppressed or row.pct_favourable is None or row.n is None:
            continue
        key = row.measure.split(":", 1)[1]
        items.append(ItemRow(key, texts.get(key, key), row.n, row.pct_favourable, row.pct_favourable_low,
                             row.pct_favourable_high, row.mean_pomp))
    items.sort(key=lambda i: (i.pct, i.key))
    weakest = items[:TOP_ITEMS]
    strongest = [i for i in reversed(items[TOP_ITEMS:])][:TOP_ITEMS] if len(items) > TOP_ITEMS else []
    return weakest, strongest


def _drivers(rows: Rows, wave_id: int) -> tuple[list[Driver], Figure | None, str]:
    drivers, outcome = [], ""
    for row in rows.prefixed(wave_id, None, "driver:"):
        if row.suppressed or row.mean is None:
            continue
        dim = row.measure.split(":", 1)[1]
        drivers.append(Driver(dim, str(LABELS.get(dim, dim)), row.mean, row.ci_low, row.ci_high, row.n))
        outcome = outcome or row.outcome
    drivers.sort(key=lambda d: -d.share)
    r2_row = rows.get(wave_id, None, "driver_r2")
    r2 = None
    if r2_row is not None and not r2_row.suppressed and r2_row.mean is not None:
        r2 = Figure("driver_r2", "R²", False, r2_row.n, r2_row.mean, r2_row.ci_low, r2_row.ci_high)
        outcome = outcome or r2_row.outcome
    return drivers, r2, outcome


def _comments(*, wave_id: int, root_id: int | None, texts: dict[str, str]) -> list[CommentGroup]:
    """Comments the snapshot builder released for this scope and wave (it applied the ≥10 rule). One query."""
    model = SnapshotComment
    groups: dict[str, list[str]] = {}
    for key, text in (model.objects.filter(wave_id=wave_id).filter(_unit_filter(root_id))
                      .order_by("item_key", "position").values_list("item_key", "text")):
        groups.setdefault(key, []).append(text)
    return [CommentGroup(key, texts.get(key, key), texts_) for key, texts_ in groups.items()]


def heat_rows(rows: Rows, scope: Scope, wave: WaveInfo, units: list[UnitInfo], waves: dict[int, WaveInfo]
              ) -> list[HeatRow]:
    out = []
    for unit in units:
        cells = []
        for measure in HEATMAP_COLUMNS:
            row = rows.get(wave.id, unit.id, measure)
            cells.append(_heat_cell(row, unit, measure, waves))
        out.append(HeatRow(unit, cells))
    return out


def _heat_cell(row: TrendSnapshot | None, unit: UnitInfo, measure: str, waves: dict[int, WaveInfo]) -> HeatCellInfo:
    figure = Figure.of(row, measure, waves=waves)
    label = figure.label
    if not figure.shown:
        return HeatCellInfo(measure, label, "hidden", str(_("hidden")),
                            str(_("%(unit)s, %(measure)s: fewer responses than the anonymity threshold — hidden.")
                                % {"unit": unit.name, "measure": label}), figure)
    rest, low, high, significant = row.rest_diff, row.rest_ci_low, row.rest_ci_high, bool(row.rest_significant)
    base = _("%(unit)s, %(measure)s: %(value)s (95%% interval %(low)s–%(high)s, n = %(n)s).") % {
        "unit": unit.name, "measure": label, "value": figure.value_text, "low": fmt(figure.low),
        "high": fmt(figure.high), "n": figure.n}
    if rest is None:
        return HeatCellInfo(measure, label, "none", "–", str(base) + " " + str(
            _("No comparison with the rest of the organisation is shown for this unit.")), figure)
    state = ("up" if rest > 0 else "down") if significant else "none"
    comparison = {
        "up": _("%(diff)s points above the rest of the organisation (interval %(low)s to %(high)s): "
                "a clear difference, also after correcting for the many comparisons on this page."),
        "down": _("%(diff)s points below the rest of the organisation (interval %(low)s to %(high)s): "
                  "a clear difference, also after correcting for the many comparisons on this page."),
        "none": _("%(diff)s points compared with the rest of the organisation (interval %(low)s to %(high)s): "
                  "no clear difference after correcting for the many comparisons on this page."),
    }[state] % {"diff": fmt(abs(rest) if state != "none" else rest, 1, sign=state == "none"),
                "low": fmt(low, 1, sign=True), "high": fmt(high, 1, sign=True)}
    return HeatCellInfo(measure, label, state, fmt(rest, 0, sign=True), f"{base} {comparison}", figure,
                        rest, low, high, row.rest_q)


def dashboard_get(*, access: Access, params, unit_pk: int | None = None) -> Dashboard:
    """Everything the dashboard shows, in a constant number of queries (selection, scope, snapshot rows,
    incidents, item wording, comments)."""
    scope = scope_get(access=access, unit_pk=unit_pk)
    selection = selection_get(access=access, params=params)
    board = Dashboard(selection, scope, access.organisation.min_group_size)
    if selection.wave is None:
        return board
    wave = selection.wave
    root_id = scope.root.id if scope.root else None
    children = scope.children()
    aggregate = scope.is_organisation and access.role in AGGREGATE_ROLES
    rows = rows_fetch(selection=selection, scope=scope, trend=True, unit_ids=[u.id for u in children],
                      reciprocal=True, prediction_units=aggregate)
    board.rows = rows
    waves = {w.id: w for w in selection.assessment.waves}
    board.figures = {m: Figure.of(rows.get(wave.id, root_id, m), m, waves=waves) for m in FIGURE_SET}
    board.rate = ResponseRate.of(rows.get(wave.id, root_id, "response_rate"))
    board.comparison, board.comparison_wave = _comparison(rows, selection, root_id)
    parents = {u.parent_id for u in scope.units.values()}
    board.children = [ChildRow(u, Figure.of(rows.get(wave.id, u.id, "trust_index"), "trust_index", waves=waves),
                               ResponseRate.of(rows.get(wave.id, u.id, "response_rate")), u.id in parents)
                      for u in children]
    board.heat = heat_rows(rows, scope, wave, children, waves)
    board.trend = [TrendPoint(w, {m: Figure.of(rows.get(w.id, root_id, m), m, waves=waves) for m in HEADLINE},
                              ResponseRate.of(rows.get(w.id, root_id, "response_rate")))
                   for w in selection.assessment.waves]
    board.markers = _markers(scope=scope, waves=selection.assessment.waves)
    texts = _item_texts(selection.assessment.version_id, access.organisation.name)
    board.weakest, board.strongest = _items(rows, wave.id, root_id, texts)
    if scope.is_organisation:
        board.drivers, board.driver_r2, board.driver_outcome = _drivers(rows, wave.id)
    if selection.assessment.anonymous:  # comments only from anonymous waves (issue 7)
        board.comments = _comments(wave_id=wave.id, root_id=root_id, texts=texts)
    return board


def heatmap_get(*, access: Access, params) -> Dashboard:
    """The heatmap page: every unit in the user's scope (the whole subtree) for the chosen wave."""
    scope = scope_get(access=access)
    selection = selection_get(access=access, params=params)
    board = Dashboard(selection, scope, access.organisation.min_group_size)
    if selection.wave is None:
        return board
    units = scope.subtree()
    rows = rows_fetch(selection=selection, scope=scope, trend=False, unit_ids=[u.id for u in units])
    waves = {w.id: w for w in selection.assessment.waves}
    root_id = scope.root.id if scope.root else None
    board.figures = {m: Figure.of(rows.get(selection.wave.id, root_id, m), m, waves=waves) for m in HEATMAP_COLUMNS}
    board.rate = ResponseRate.of(rows.get(selection.wave.id, root_id, "response_rate"))
    board.heat = heat_rows(rows, scope, selection.wave, units, waves)
    return board


# ---------------------------------------------------------------- charts (SVG, rendered on the server)


def _point(figure: Figure) -> charts.Point:
    if not figure.shown:
        return charts.Point(None, None, None, None)
    return charts.Point(figure.value, figure.low, figure.high, figure.n)


def dashboard_charts(board: Dashboard) -> dict[str, Any]:
    """SVG charts of a dashboard: trends (Trust Index; the four dimensions), How vs Why, key drivers."""
    if board.selection.wave is None:
        return {}
    out: dict[str, Any] = {}
    labels = [str(_("Wave %(number)s") % {"number": p.wave.number}) for p in board.trend]
    markers = [charts.Marker(m.position, f"{m.title} ({m.date.isoformat()})") for m in board.markers]
    scale = str(_("score 0–100"))
    if len(board.trend) > 1 and any(p.figures["trust_index"].shown for p in board.trend):
        out["trend_ti"] = charts.trend_svg(
            chart_id="trend-trust-index", title=str(_("Trust Index over the waves")),
            description=str(_("Trust Index per wave with its 95% interval as a band; vertical lines mark incidents.")),
            x_labels=labels, series=[charts.Series(str(LABELS["trust_index"]),
                                                   points=[_point(p.figures["trust_index"]) for p in board.trend],
                                                   color=charts.DIMENSION_COLOURS.get("trust_index"))],
            markers=markers, y_min=0, y_max=100, y_label=scale, no_data=str(NO_DATA))
        out["trend_dims"] = charts.trend_svg(
            chart_id="trend-dimensions", title=str(_("The four dimensions over the waves")),
            description=str(_("Competence, reliability, integrity and empathy per wave with 95% intervals; "
                              "vertical lines mark incidents.")),
            x_labels=labels, series=[charts.Series(str(LABELS[m]), points=[_point(p.figures[m])
                                                                           for p in board.trend],
                                                   color=charts.DIMENSION_COLOURS.get(m)) for m in DIMENSIONS],
            markers=markers, y_min=0, y_max=100, y_label=scale, no_data=str(NO_DATA))
    how_why = [board.figures[m] for m in ("how", "why") if m in board.figures and board.figures[m].shown]
    if how_why:
        out["how_why"] = charts.interval_svg(
            chart_id="how-why", title=str(_("How and Why side by side")),
            description=str(_("How (competence and reliability) and Why (integrity and empathy), each with its "
                              "95% interval.")),
            rows=[charts.IntervalRow(f.label, f.value, f.low, f.high, note=f"n = {f.n}") for f in how_why],
            x_min=0, x_max=100, x_label=scale)
    if board.drivers:
        top = max((d.high if d.high is not None else d.share) for d in board.drivers) * 100
        out["drivers"] = charts.interval_svg(
            chart_id="drivers", title=str(_("Key drivers of trust")),
            description=str(_("Per dimension: the percentage of the variation in overall trust it explains, "
                              "with 95% intervals.")),
            rows=[charts.IntervalRow(d.label, d.share * 100, _pct100(d.low), _pct100(d.high),
                                     note=f"{fmt(d.share * 100)}% ({span(_pct100(d.low), _pct100(d.high))})")
                  for d in board.drivers],
            x_min=0, x_max=min(100, math.ceil(top / 10) * 10 + 10),
            x_label=str(_("Percentage of the variation in overall trust explained")))
    if board.heat:
        out["heatmap"] = heatmap_chart(board, chart_id="heatmap-compact")
    return out


def _pct100(value: float | None) -> float | None:
    return None if value is None else value * 100


def heatmap_chart(board: Dashboard, *, chart_id: str) -> charts.Svg:
    cells = {(r, c): charts.HeatCell(cell.text, cell.state, cell.tooltip)
             for r, row in enumerate(board.heat) for c, cell in enumerate(row.cells)}
    return charts.heatmap_svg(
        chart_id=chart_id, title=str(_("Units compared with the rest of the organisation")),
        description=str(_("Per unit and dimension: the unit's score minus the rest of the organisation's, in points. "
                          "Coloured only where the difference is clear after correcting for multiple comparisons.")),
        row_labels=[row.unit.path for row in board.heat], column_labels=[str(LABELS[m]) for m in HEATMAP_COLUMNS],
        cells=cells, legend={state: str(text) for state, text in HEAT_LEGEND.items()}, no_data=str(NO_DATA))


def heatmap_charts(board: Dashboard) -> dict[str, Any]:
    if not board.heat:
        return {}
    return {"heatmap": heatmap_chart(board, chart_id="heatmap")}
