"""What a CSV/XLSX export contains: the dashboard's figures (read from TrendSnapshot) and, for
closed waves, respondent-level answers without identifying fields. Same disclosure as the pages.

Figures: one row per scope × measure; a hidden (suppressed) group keeps its row with the word
"hidden" and no figure at all, not even n. A manager's export holds their subtree only. Reciprocal
rows (issue 11: upward:, felt:, felt_gap:, downward:, mutual_gap:) follow the same rule, labelled by
reports.measures; managers' predictions are not snapshot rows and are never exported.

Respondents: only for closed/released waves whose organisation figure is published. Each row keeps
the item values and the most specific *published* unit of the respondent: a respondent of a hidden
unit is counted under the nearest published ancestor, which the tree disclosure keeps at or above
the threshold (complementary suppression), so no row group smaller than the threshold appears. No
response id, date, language, attributes, invitation or comment text is exported; rows come in the
order of their random UUIDs, not of submission. Streamed from a server-side cursor.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from assessments.models import Unit, Wave
from reports.measures import measure_label
from reports.models import TrendSnapshot
from reports.reciprocal import DOWNWARD, MUTUAL_GAP
from reports.wave_scoring import pivot_sql, wave_specs

FIGURE_FIELDS = ("n", "n_invited", "mean", "ci_low", "ci_high", "mean_pomp", "ci_low_pomp", "ci_high_pomp",
                 "pct_favourable", "pct_favourable_low", "pct_favourable_high", "alpha", "alpha_ci_low",
                 "alpha_ci_high", "omega", "diff", "diff_ci_low", "diff_ci_high", "hedges_g", "verdict")
EXPORTABLE = (Wave.Status.CLOSED, Wave.Status.RELEASED)
CHUNK = 2000


class ExportRefused(Exception):
    """The export cannot be made (wave open, nothing published); the message says why."""


@dataclass(frozen=True)
class Table:
    title: str
    header: Sequence[str]
    rows: Iterator[Sequence[Any]]


def _in_scope(path: str | None, root: Unit | None) -> bool:
    if root is None:
        return True
    return path is not None and (path == root.path or path.startswith(root.path + "/"))


def figures_table(wave: Wave, *, root: Unit | None = None, attributed: bool = True) -> Table:
    """The dashboard's figures of `wave` for the organisation (root None) or a unit subtree. `attributed=False`
    leaves out the managers' own ratings of their teams (downward:, mutual_gap:), which viewers do not see."""
    header = [_("Scope"), _("Measure code"), _("Measure"), _("Hidden"), *[_column(f) for f in FIGURE_FIELDS],
              _("Compared with wave")]
    rows = (TrendSnapshot.objects.filter(wave=wave, cut="").select_related("unit", "previous_wave")
            .order_by("unit__path", "measure"))
    if not attributed:
        rows = rows.exclude(measure__startswith=DOWNWARD).exclude(measure__startswith=MUTUAL_GAP)
    if root is not None:
        rows = rows.filter(unit__tree_path__startswith=root.tree_path)

    def lines() -> Iterator[list[Any]]:
        for row in rows.iterator(chunk_size=CHUNK):
            scope = row.unit.path if row.unit_id else _("Whole organisation")
            if row.suppressed:
                yield [scope, row.measure, measure_label(row.measure), _("hidden"), *[None] * len(FIGURE_FIELDS), None]
                continue
            figures = [getattr(row, f) for f in FIGURE_FIELDS]
            previous = row.previous_wave.number if row.previous_wave_id else None
            yield [scope, row.measure, measure_label(row.measure), "", *figures, previous]

    return Table(_("Figures"), header, lines())


def respondents_table(wave: Wave, *, root: Unit | None = None) -> Table:
    """Item values per respondent of a closed wave, labelled with the nearest published unit."""
    if wave.status not in EXPORTABLE:
        raise ExportRefused(_("Respondent-level data is exported only after the wave has closed."))
    published = _published_paths(wave)
    if "" not in published:
        raise ExportRefused(_("Fewer respondents than the anonymity threshold: nothing can be exported."))
    specs, item_ids = wave_specs(wave.assessment.instrument_version)
    paths = dict(Unit.objects.filter(organisation_id=wave.assessment.organisation_id).values_list("id", "path"))
    labels = {unit_id: _nearest_published(path, published) for unit_id, path in paths.items()}
    header = [_("Unit"), *[spec.key for spec in specs]]

    def lines() -> Iterator[list[Any]]:
        for unit_id, *values in _answer_rows(wave, item_ids):
            label = labels.get(unit_id, "") if unit_id is not None else ""
            if not _in_scope(label or None, root):
                continue  # a manager gets only rows labelled inside their subtree
            yield [label or _("Whole organisation"), *values]

    return Table(_("Respondents"), header, lines())


def _published_paths(wave: Wave) -> set[str]:
    """Paths ('' = the organisation) whose trust-index figures the snapshot published."""
    rows = TrendSnapshot.objects.filter(wave=wave, cut="", measure="response_rate", suppressed=False)
    return {path or "" for path in rows.values_list("unit__path", flat=True)}


def _nearest_published(path: str, published: set[str]) -> str:
    parts = path.split("/")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end])
        if candidate in published:
            return candidate
    return ""


def _answer_rows(wave: Wave, item_ids: list[int]) -> Iterator[tuple]:
    """(unit_id, value per item) for each response, in random-UUID order, from a server-side cursor."""
    sql, params = pivot_sql(wave, item_ids, order_by=("id",))
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            yield from chunk


def _column(field: str) -> str:
    return {
        "n": _("n (respondents)"), "n_invited": _("Invited"), "mean": _("Mean (scale points)"),
        "ci_low": _("95% interval, low"), "ci_high": _("95% interval, high"), "mean_pomp": _("Score 0–100"),
        "ci_low_pomp": _("Score 0–100, interval low"), "ci_high_pomp": _("Score 0–100, interval high"),
        "pct_favourable": _("Percent favourable"), "pct_favourable_low": _("Percent favourable, interval low"),
        "pct_favourable_high": _("Percent favourable, interval high"), "alpha": _("Cronbach's alpha"),
        "alpha_ci_low": _("Alpha, interval low"), "alpha_ci_high": _("Alpha, interval high"),
        "omega": _("McDonald's omega"), "diff": _("Change since compared wave (0–100)"),
        "diff_ci_low": _("Change, interval low"), "diff_ci_high": _("Change, interval high"),
        "hedges_g": _("Hedges' g"), "verdict": _("Verdict"),
    }[field]
