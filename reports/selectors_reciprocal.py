"""Reads for the "Trust both ways" section of dashboards and PDF reports (issue 11): reciprocal trust and blind spots.

Everything comes from the snapshot rows the dashboard already fetched (`Dashboard.rows`, reports.selectors.rows_fetch:
the root's rows of every measure, each child's reciprocal index rows, and — on an owner's or consultant's
organisation page — the trust-in-the-leadership rows of every unit with a prediction), plus ManagerPrediction:
one extra query on a manager's page (their own prediction) or on an owner's organisation page (every prediction of
the wave, for the aggregate), none otherwise. The number of queries never grows with units or managers.

Disclosure (design.md §6; reports/reciprocal.py): a hidden scope's rows are suppressed markers, shown as nothing but
"fewer than k responses". A blind spot compares a prediction with its unit's *published* trust in the leadership only;
if that row is hidden, the manager sees their own prediction and the word "hidden", never an actual or a gap. Other
managers' predictions are never shown to a manager; owners and consultants see only the average over at least
min_group_size managers, never one manager's prediction or gap; viewers see no prediction data at all. A manager's
rating of their team (downward, and the mutuality gap made from it) is attributed, not anonymous: it is shown to
owners, consultants and managers (their own unit and the units below theirs), never to viewers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from assessments.access import Access, Role
from assessments.scoring.reciprocal import IN_LINE, MEASURES, OVERESTIMATE, UNDERESTIMATE, AverageGap, average_gaps, blind_spot
from reports.charts import DIMENSION_COLOURS
from reports.measures import LABELS, RECIPROCAL_KINDS
from reports.models import TrendSnapshot
from reports.reciprocal import DOWNWARD, FELT, FELT_GAP, MUTUAL_GAP, PREFIXES, UPWARD
from reports.selectors import AGGREGATE_ROLES, Dashboard, Figure, UnitInfo, fmt, span
from surveys.models import ManagerPrediction

FELT_GAP_FLAGS = {"down": _("people trust the leadership more than they feel trusted"),
                  "up": _("people feel more trusted than they trust the leadership")}
FELT_GAP_SHORT = {"down": _("felt trust clearly lower"), "up": _("felt trust clearly higher")}
MUTUAL_GAP_SHORT = {"up": _("the team trusts more"), "down": _("the managers trust more")}
NO_CLEAR_GAP = _("no clear gap")
ONE_RATING = _("one rating: no interval")
NO_RATING = _("no rating by a manager")
SPOT_LABELS = {OVERESTIMATE: _("blind spot: you expected more than your team gives"),
               UNDERESTIMATE: _("hidden strength: your team gives more than you expected"),
               IN_LINE: _("in line: your prediction matches your team's answers")}
SPOT_SYMBOLS = {OVERESTIMATE: "⚠", UNDERESTIMATE: "★", IN_LINE: "✓"}
GAP_ARROWS = {"up": "▲", "down": "▼", "none": "="}
ATTRIBUTED_ROLES = (Role.OWNER, Role.CONSULTANT, Role.MANAGER)  # who sees managers' ratings of their teams


class GapFigure(Figure):
    """A difference (felt − upward, upward − downward): signed value and interval, verdict "up"/"down"/"none"."""

    @property
    def value_text(self) -> str:
        return fmt(self.value, 0, sign=True)

    @property
    def interval_text(self) -> str:
        return span(self.low, self.high, 0, sign=True)

    @property
    def arrow(self) -> str:
        return GAP_ARROWS.get(self.verdict, "")

    @property
    def clear(self) -> bool:
        return self.shown and self.verdict in ("up", "down")


def _label(prefix: str, measure: str) -> str:
    return f"{RECIPROCAL_KINDS[prefix[:-1]]} · {LABELS[measure]}"


def _figure(row: TrendSnapshot | None, prefix: str, measure: str) -> Figure:
    kind = GapFigure if prefix in (FELT_GAP, MUTUAL_GAP) else Figure
    return kind.of(row, prefix + measure, _label(prefix, measure))


@dataclass(frozen=True)
class Column:
    kind: str  # upward | felt | felt_gap | downward | mutual_gap
    title: str
    help: str


COLUMNS = (
    Column("upward", _("Trust in the leadership"),
           _("How much the team trusts its leadership: the leadership statements of the survey, 0–100.")),
    Column("felt", _("Felt trust"),
           _("How trusted people feel by their manager and their organisation, on the same four dimensions, 0–100.")),
    Column("felt_gap", _("Gap (felt − given)"),
           _("Felt trust minus trust in the leadership, per person; called clear only when its 95% interval "
             "excludes 0.")),
    Column("downward", _("Managers' trust in the team"),
           _("The managers' own rating of the team as a whole (never of one person), 0–100; n is the number of "
             "managers.")),
    Column("mutual_gap", _("Mutuality gap"),
           _("Trust in the leadership minus the managers' trust in the team; the interval is the team's.")),
)


@dataclass(frozen=True)
class Cell:
    """One figure of a table, as text: value, interval (or why there is none), n, and a verdict for gaps."""

    kind: str
    figure: Figure
    note: str = ""
    arrow: str = ""

    @property
    def shown(self) -> bool:
        return self.figure.shown

    @property
    def value_text(self) -> str:
        return self.figure.value_text

    @property
    def interval_text(self) -> str:
        if self.kind == "downward" and self.figure.n == 1:
            return str(ONE_RATING)
        return self.figure.interval_text

    @property
    def n_text(self) -> str:
        if self.kind == "downward":
            return str(ngettext("n = %(n)s manager", "n = %(n)s managers", self.figure.n) % {"n": self.figure.n})
        return f"n = {self.figure.n}"

    @property
    def missing_text(self) -> str:
        return str(NO_RATING) if self.kind in ("downward", "mutual_gap") else "—"


@dataclass(frozen=True)
class MeasureRow:
    """One measure (a dimension or the Trust Index) of one scope, trust both ways."""

    measure: str
    label: str
    colour: str
    upward: Figure
    felt: Figure
    felt_gap: GapFigure
    downward: Figure
    mutual_gap: GapFigure
    kinds: tuple[str, ...] = ("upward",)  # the columns this wave has

    @property
    def cells(self) -> list[Cell]:
        notes = {"felt_gap": (self.felt_gap_text, self.felt_gap.arrow),
                 "mutual_gap": (self.mutual_gap_text, self.mutual_gap.arrow)}
        return [Cell(kind, getattr(self, kind), *notes.get(kind, ("", ""))) for kind in self.kinds]

    @property
    def shown(self) -> bool:
        return self.upward.shown

    @property
    def flag(self) -> str:
        """The felt-trust highlight ("" when there is no clear gap or nothing is shown)."""
        return str(FELT_GAP_FLAGS.get(self.felt_gap.verdict, "")) if self.felt_gap.shown else ""

    @property
    def felt_gap_text(self) -> str:
        """The gap cell's verdict in a few words (the full sentence is `flag`)."""
        return str(FELT_GAP_SHORT.get(self.felt_gap.verdict, NO_CLEAR_GAP)) if self.felt_gap.shown else ""

    @property
    def mutual_gap_text(self) -> str:
        return str(MUTUAL_GAP_SHORT.get(self.mutual_gap.verdict, NO_CLEAR_GAP)) if self.mutual_gap.shown else ""


@dataclass(frozen=True)
class ChildRow:
    unit: UnitInfo
    index: MeasureRow
    has_children: bool

    @property
    def cells(self) -> list[Cell]:
        return self.index.cells


@dataclass(frozen=True)
class SpotRow:
    """One dimension of the viewing manager's prediction; `spot` is None when the team's figure is hidden."""

    measure: str
    label: str
    colour: str
    prediction: float
    spot: Any = None  # assessments.scoring.reciprocal.BlindSpot

    @property
    def prediction_text(self) -> str:
        return fmt(self.prediction)

    @property
    def actual_text(self) -> str:
        return fmt(self.spot.actual) if self.spot else ""

    @property
    def interval_text(self) -> str:
        return span(self.spot.actual_low, self.spot.actual_high) if self.spot else ""

    @property
    def gap_text(self) -> str:
        return fmt(self.spot.gap, 0, sign=True) if self.spot else ""

    @property
    def mdc_text(self) -> str:
        return fmt(self.spot.mdc95) if self.spot and self.spot.mdc95 is not None else ""

    @property
    def verdict(self) -> str:
        return self.spot.label if self.spot else ""

    @property
    def verdict_text(self) -> str:
        return str(SPOT_LABELS.get(self.verdict, ""))

    @property
    def symbol(self) -> str:
        return SPOT_SYMBOLS.get(self.verdict, "")


@dataclass(frozen=True)
class BlindSpotPanel:
    """The viewing manager's own prediction against their team's trust in the leadership."""

    unit: UnitInfo
    hidden: bool
    rows: list[SpotRow]


@dataclass(frozen=True)
class AggregateRow:
    measure: str
    label: str
    colour: str
    gap: AverageGap

    @property
    def text(self) -> str:
        g = self.gap
        values = {"measure": self.label.lower(), "points": fmt(abs(g.mean)), "low": fmt(g.low), "high": fmt(g.high),
                  "n": g.n, "over": g.n_over, "under": g.n_under}
        if g.verdict == "up":
            sentence = _("Managers overestimate %(measure)s by %(points)s points on average (95%% CI %(low)s to "
                         "%(high)s), n = %(n)s managers; %(over)s of %(n)s with a blind spot.")
        elif g.verdict == "down":  # "by 12 points (95% CI 4 to 20)": the size of the underestimate
            values |= {"low": fmt(-g.high), "high": fmt(-g.low)}
            sentence = _("Managers underestimate %(measure)s by %(points)s points on average (95%% CI %(low)s to "
                         "%(high)s), n = %(n)s managers; %(under)s of %(n)s with a hidden strength.")
        else:
            values["points"] = fmt(g.mean, 0, sign=True)
            sentence = _("Managers' predictions of %(measure)s differ by %(points)s points on average (95%% CI "
                         "%(low)s to %(high)s), n = %(n)s managers: no clear over- or underestimate; %(over)s of "
                         "%(n)s with a blind spot, %(under)s with a hidden strength.")
        return str(sentence % values)

    @property
    def symbol(self) -> str:
        return GAP_ARROWS.get(self.gap.verdict if self.gap.verdict in ("up", "down") else "none", "")


@dataclass(frozen=True)
class Aggregate:
    """Every published prediction of the wave, averaged per dimension; `shown` only from `threshold` managers."""

    n: int  # managers whose prediction could be compared (their team's figures are published)
    threshold: int
    rows: list[AggregateRow] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.n >= self.threshold and bool(self.rows)


@dataclass(frozen=True)
class ReciprocalView:
    """The "Trust both ways" section of one page (organisation or unit) and wave."""

    threshold: int
    hidden: bool  # the page's own scope is below the threshold: nothing but the word
    measures: list[MeasureRow]
    children: list[ChildRow]
    blind_spot: BlindSpotPanel | None = None
    aggregate: Aggregate | None = None

    @property
    def columns(self) -> list[Column]:
        """The page's own table: the managers' side only when a manager rated exactly this group."""
        kinds = self.measures[0].kinds if self.measures else ("upward",)
        return [c for c in COLUMNS if c.kind in kinds]

    @property
    def child_columns(self) -> list[Column]:
        kinds = self.children[0].index.kinds if self.children else ("upward",)
        return [c for c in COLUMNS if c.kind in kinds]

    @property
    def explained(self) -> list[Column]:
        """Every column on the page, for "How is this computed?"."""
        kinds = {c.kind for c in (*self.columns, *self.child_columns)}
        return [c for c in COLUMNS if c.kind in kinds]

    @property
    def index(self) -> MeasureRow | None:
        return next((m for m in self.measures if m.measure == "trust_index"), None)

    @property
    def flags(self) -> list[MeasureRow]:
        """The felt-trust highlights to state in words: the Trust Index's, else those of single dimensions."""
        index = self.index
        if index is not None and index.flag:
            return [index]
        return [m for m in self.measures if m.flag]


def _measure_row(board: Dashboard, unit_id: int | None, measure: str, kinds: tuple[str, ...]) -> MeasureRow:
    rows, wave_id = board.rows, board.selection.wave.id
    f = {prefix: _figure(rows.get(wave_id, unit_id, prefix + measure), prefix, measure) for prefix in PREFIXES}
    return MeasureRow(measure, str(LABELS[measure]), DIMENSION_COLOURS.get(measure, "#000000"),
                      f[UPWARD], f[FELT], f[FELT_GAP], f[DOWNWARD], f[MUTUAL_GAP], kinds)


def _kinds(board: Dashboard, root_id: int | None, children: list[UnitInfo]) -> tuple[str, ...]:
    """The columns of this wave: felt trust when it asked for it, the managers' side when any manager rated a team
    on this page (a hidden team's rows are markers, so their presence says nothing about figures)."""
    rows, wave_id = board.rows, board.selection.wave.id
    has_felt = bool(rows.prefixed(wave_id, root_id, FELT)) or any(
        rows.get(wave_id, u.id, FELT + "trust_index") is not None for u in children)
    has_down = bool(rows.prefixed(wave_id, root_id, DOWNWARD)) or any(
        rows.get(wave_id, u.id, DOWNWARD + "trust_index") is not None for u in children)
    return ("upward", *(("felt", "felt_gap") if has_felt else ()), *(("downward", "mutual_gap") if has_down else ()))


def _actual(row: TrendSnapshot | None) -> dict[str, Any] | None:
    if row is None or row.suppressed or row.mean_pomp is None:
        return None
    return {"mean_pomp": row.mean_pomp, "ci_low_pomp": row.ci_low_pomp, "ci_high_pomp": row.ci_high_pomp, "n": row.n}


def _own_blind_spot(board: Dashboard, access: Access) -> BlindSpotPanel | None:
    """The viewing manager's own prediction, on the page of the unit it is about. One query."""
    root, user_id = board.scope.root, access.membership.user_id
    if access.role != Role.MANAGER or root is None or user_id is None:
        return None
    prediction = (ManagerPrediction.objects.filter(wave_id=board.selection.wave.id, user_id=user_id, unit_id=root.id)
                  .values_list("values", flat=True).first())
    if prediction is None:
        return None
    wave_id = board.selection.wave.id
    actuals = {m: _actual(board.rows.get(wave_id, root.id, UPWARD + m)) for m in MEASURES}
    hidden = any(actuals[m] is None for m in MEASURES if m in prediction)
    rows = []
    for measure in MEASURES:
        if prediction.get(measure) is None:
            continue
        spot = None if hidden else blind_spot(measure, float(prediction[measure]), actuals[measure])
        rows.append(SpotRow(measure, str(LABELS[measure]), DIMENSION_COLOURS[measure], float(prediction[measure]), spot))
    return BlindSpotPanel(root, hidden, rows)


def _aggregate(board: Dashboard, access: Access) -> Aggregate | None:
    """Owners and consultants, organisation page: every prediction whose unit's trust in the leadership is
    published, averaged per dimension (needs rows_fetch(prediction_units=True)). One query."""
    if not board.scope.is_organisation or access.role not in AGGREGATE_ROLES:
        return None
    wave_id = board.selection.wave.id
    spots, managers = [], 0
    predictions = list(ManagerPrediction.objects.filter(wave_id=wave_id).values_list("unit_id", "values"))
    if not predictions:
        return None
    for unit_id, values in predictions:
        mine = []
        for measure in MEASURES:
            actual = _actual(board.rows.get(wave_id, unit_id, UPWARD + measure))
            if (values or {}).get(measure) is not None and actual is not None:
                mine.append(blind_spot(measure, float(values[measure]), actual))
        managers += bool(mine)
        spots += mine
    gaps = average_gaps(spots)
    rows = [AggregateRow(m, str(LABELS[m]), DIMENSION_COLOURS[m], gaps[m]) for m in MEASURES
            if gaps[m].n and gaps[m].mean is not None]
    threshold = board.threshold
    # a dimension fewer managers predicted than the threshold is left out, never shown on its own
    return Aggregate(managers, threshold, [r for r in rows if r.gap.n >= threshold])


def reciprocal_get(*, board: Dashboard, access: Access) -> ReciprocalView | None:
    """The section for `board`'s page and wave, as `access` may see it; None when the wave has no reciprocal rows."""
    if board.selection.wave is None or board.rows is None:
        return None
    scope, wave_id = board.scope, board.selection.wave.id
    root_id = scope.root.id if scope.root else None
    if not board.rows.prefixed(wave_id, root_id, UPWARD):
        return None
    units = scope.children()
    kinds = _kinds(board, root_id, units)
    if access.role not in ATTRIBUTED_ROLES:  # a manager's own rating is attributed: not for viewers
        kinds = tuple(k for k in kinds if k not in ("downward", "mutual_gap"))
    rated = bool(board.rows.prefixed(wave_id, root_id, DOWNWARD))  # the organisation is never rated as a whole
    own_kinds = tuple(k for k in kinds if rated or k not in ("downward", "mutual_gap"))
    measures = [_measure_row(board, root_id, m, own_kinds) for m in MEASURES]
    parents = {u.parent_id for u in scope.units.values()}
    children = [ChildRow(u, _measure_row(board, u.id, "trust_index", kinds), u.id in parents) for u in units]
    return ReciprocalView(
        threshold=board.threshold, hidden=not measures[-1].upward.shown,
        measures=measures, children=children,
        blind_spot=_own_blind_spot(board, access), aggregate=_aggregate(board, access))
