"""The PDF report of a wave (issue 8): the dashboard's selectors and SVG charts in a print template.

It reads what the dashboard reads (TrendSnapshot rows through reports.selectors), as the requester
is allowed to see it, so a PDF never holds a figure the requester's dashboard would hide. Trust both ways
(issue 11) comes from reports.selectors_reciprocal: a manager's own blind spot only in a unit PDF that
manager requested themself.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from assessments.access import Access
from assessments.branding import COLOUR
from assessments.models import Assessment, Incident, Unit, Wave
from reports import selectors
from reports.measures import measure_label
from reports.models import TrendSnapshot
from reports.pdf import pdf_from_html
from reports.selectors_compare import COMPARE_ROLES, comparison_charts, comparison_get
from reports.selectors_reciprocal import ReciprocalView, reciprocal_get
from reports.selectors_repair import repair_get
from reports.summary import Figure as SummaryFigure
from reports.summary import UnitGap, findings
from surveys.models import Item

DIMENSIONS = selectors.DIMENSIONS
RELIABLE_RECIPROCAL = ("upward:trust_index", "felt:trust_index")  # reports/reciprocal.py: organisation reliability


def report_context(*, access: Access, wave: Wave, unit: Unit | None, requester_id: int | None = None) -> dict:
    params = {"assessment": str(wave.assessment_id), "wave": str(wave.number)}
    board = selectors.dashboard_get(access=access, params=params, unit_pk=unit.pk if unit else None)
    heat = selectors.heatmap_get(access=access, params=params) if unit is None else board
    organisation = access.organisation
    inside_outside = None
    if unit is None and wave.assessment.audience == Assessment.Audience.INSIDE and access.role in COMPARE_ROLES:
        inside_outside = comparison_get(access=access, params={"inside": str(wave.assessment_id)})
        inside_outside = inside_outside if inside_outside.complete else None
    incidents = Incident.objects.filter(pk__in=[m.pk for m in board.markers]).prefetch_related("units")
    return {
        "inside_outside": inside_outside, "io_charts": comparison_charts(inside_outside) if inside_outside else {},
        "repairs": [block for block in (repair_get(access=access, incident=i) for i in incidents) if block.scopes],
        "organisation": organisation, "wave": wave, "assessment": wave.assessment, "unit": unit,
        "board": board, "charts": selectors.dashboard_charts(board),
        "heat": heat, "heat_charts": selectors.heatmap_charts(heat),
        "findings": findings(_summary_figures(board), units=_unit_gaps(heat)),
        "recip": _reciprocal(board, access, unit, requester_id),
        "comments": _comments(board), "reliability": _reliability(wave), "generated_at": timezone.now(), **_branding(organisation),
        **_instrument(wave),
    }


def report_html(*, access: Access, wave: Wave, unit: Unit | None, requester_id: int | None = None) -> str:
    return render_to_string("reports/pdf/report.html",
                            report_context(access=access, wave=wave, unit=unit, requester_id=requester_id))


def report_pdf(*, access: Access, export, progress: Callable[[int], None] = lambda p: None) -> bytes:
    html = report_html(access=access, wave=export.wave, unit=export.unit, requester_id=export.requested_by_id)
    progress(40)
    pdf, _refused = pdf_from_html(html)
    progress(90)
    return pdf


def _reciprocal(board: selectors.Dashboard, access: Access, unit: Unit | None,
                requester_id: int | None) -> ReciprocalView | None:
    """Trust both ways as on the dashboard; a manager's own blind spot only in a unit PDF that manager requested
    themself (the organisation aggregate follows the dashboard: owners and consultants, organisation PDF)."""
    recip = reciprocal_get(board=board, access=access)
    own = unit is not None and requester_id is not None and requester_id == access.membership.user_id
    if recip is not None and recip.blind_spot is not None and not own:
        recip = dataclasses.replace(recip, blind_spot=None)
    return recip


def _summary_figures(board: selectors.Dashboard) -> dict[str, SummaryFigure]:
    out = {}
    for measure, f in board.figures.items():
        if f.shown and f.low is not None and f.high is not None:
            out[measure] = SummaryFigure(f.value, f.low, f.high, f.n, f.diff, f.diff_low, f.diff_high, f.verdict)
    return out


def _unit_gaps(board: selectors.Dashboard) -> list[UnitGap]:
    gaps = []
    for row in board.heat:
        for cell in row.cells:
            if cell.state != "hidden" and cell.rest_diff is not None and cell.rest_low is not None:
                gaps.append(UnitGap(row.unit.path, cell.measure, cell.rest_diff, cell.rest_low, cell.rest_high,
                                    cell.figure.n or 0, cell.state in ("up", "down")))
    return gaps


def _branding(organisation) -> dict:
    """The logo as a URL the PDF fetcher serves from MEDIA_ROOT/logos; the colour only when well-formed."""
    logo = f"/{settings.MEDIA_URL.strip('/')}/{organisation.logo.name}" if organisation.logo else ""
    colour = organisation.brand_colour if COLOUR.match(organisation.brand_colour or "") else ""
    return {"logo_url": logo, "brand_colour": colour}


def _instrument(wave: Wave) -> dict:
    version = wave.assessment.instrument_version
    language = (get_language() or "en")[:2]
    name = version.name or {}
    counts = dict(Item.objects.filter(version=version, dimension__in=DIMENSIONS).values("dimension")
                  .annotate(n=Count("id")).values_list("dimension", "n"))
    scale = version.scale or {}
    return {"version": version, "instrument_name": name.get(language) or name.get("en") or version.instrument.key,
            "scale_points": int(scale.get("max", 7)) - int(scale.get("min", 1)) + 1,
            "items_per_element": [(str(selectors.LABELS[d]), counts[d]) for d in DIMENSIONS if d in counts]}


def _comments(board: selectors.Dashboard) -> list[dict]:
    """Per question: identical comments once, with their number, most frequent first."""
    return [{"question": group.question, "total": len(group.texts),
             "texts": sorted(Counter(group.texts).items(), key=lambda item: (-item[1], item[0]))}
            for group in board.comments]


def _reliability(wave: Wave) -> list[tuple[str, TrendSnapshot]]:
    """(label, row): organisation-level reliability per dimension (computed there only, n ≥ 50); none when hidden."""
    measures = (*DIMENSIONS, *RELIABLE_RECIPROCAL)
    rows = TrendSnapshot.objects.filter(Q(measure__in=DIMENSIONS) | Q(measure__in=RELIABLE_RECIPROCAL, alpha__isnull=False),
                                        wave=wave, unit__isnull=True, cut="", suppressed=False)
    order = {m: i for i, m in enumerate(measures)}
    return [(measure_label(r.measure), r) for r in sorted(rows, key=lambda r: order[r.measure])]
