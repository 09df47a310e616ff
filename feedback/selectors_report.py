"""Reads for the individual 360° report: one subject's responses → `feedback.report.build_report`.

Constant number of queries whatever the number of raters: the wave, the instrument's items, the subject's
responses, their answers (plus the subject's cycle/person when not already loaded by the access getter).
Nothing here identifies a rater: a Response carries only {"subject", "group"} and no invitation (anonymous mode).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments.disclosure.raters import ALL_RATERS, OTHERS
from assessments.models import Wave
from feedback.groups import label as group_label
from feedback.models import Subject
from feedback.report import (
    BLIND_SPOT,
    HIDDEN_STRENGTH,
    REASON_BLIND_SPOT,
    REASON_CLEARLY_LOWEST,
    RaterRow,
    Report,
    build_report,
)
from reports.measures import DIMENSIONS, measure_label
from surveys.instrument_format.fields import placeholders_filled
from surveys.models import Answer, Item, Response
from surveys.templatetags.instrument_tags import lang

REPORTABLE = (Wave.Status.CLOSED, Wave.Status.RELEASED)


@dataclass(frozen=True)
class SubjectReport:
    subject: Subject
    wave: Wave | None
    ready: bool  # the cycle's wave is closed: figures are final
    report: Report | None
    item_text: dict[str, str]  # item key → wording in the current language ({name} filled in)
    questions: dict[str, str]  # comment item key → wording


@dataclass(frozen=True)
class _Instrument:
    items: list[dict]
    scored: dict  # item id -> item row, scored items only
    comments: dict  # item id -> item row, comment questions only
    dims: dict  # item key -> dimension
    scale: tuple[int, int]
    reverse: frozenset


def _instrument(version) -> _Instrument:
    """The wave's items in one query, as the pure report needs them."""
    items = list(Item.objects.filter(version=version).values("id", "key", "role", "dimension", "reverse_keyed", "text"))
    scored = {i["id"]: i for i in items if i["role"] == "dimension" and i["dimension"]}
    scale = version.scale or {}
    return _Instrument(items, scored, {i["id"]: i for i in items if i["role"] == "comment"},
                       {i["key"]: i["dimension"] for i in scored.values()},
                       (int(scale.get("min", 1)), int(scale.get("max", 7))),
                       frozenset(i["key"] for i in scored.values() if i["reverse_keyed"]))


def _rater_rows(responses, instrument: _Instrument, *, comments: bool) -> list[tuple[dict, RaterRow]]:
    """(attributes, RaterRow) of every tagged response in `responses`: two queries (responses, answers)."""
    listed = list(responses.values_list("id", "attributes"))
    values: dict = {pk: {} for pk, _attributes in listed}
    texts: dict = {pk: {} for pk, _attributes in listed}
    wanted = [*instrument.scored, *(instrument.comments if comments else ())]
    answers = Answer.objects.filter(response__in=responses, item_id__in=wanted)
    for response_id, item_id, value, text in answers.values_list("response_id", "item_id", "value", "text"):
        if item_id in instrument.scored:
            values[response_id][instrument.scored[item_id]["key"]] = value
        elif (text or "").strip():
            texts[response_id][instrument.comments[item_id]["key"]] = text
    tagged = [(pk, attributes or {}) for pk, attributes in listed]
    return [(attributes, RaterRow(str(attributes["group"]), values[pk], texts[pk]))
            for pk, attributes in tagged if attributes.get("group")]


def subject_rows(subject: Subject, wave: Wave) -> tuple[list[RaterRow], dict, tuple[int, int], frozenset, dict, dict]:
    """The subject's responses as RaterRows, plus the instrument's dimension map, scale, reversed keys and wordings."""
    instrument = _instrument(wave.assessment.instrument_version)
    responses = Response.objects.filter(wave=wave, attributes__subject=subject.pk)
    rows = [row for _attributes, row in _rater_rows(responses, instrument, comments=True)]
    name = subject.person.first_name or str(subject)
    organisation = subject.cycle.assessment.organisation.name
    language = (get_language() or "en")[:2]
    wording = {i["key"]: placeholders_filled(lang(i["text"], language), organisation, name) for i in instrument.items}
    return rows, instrument.dims, instrument.scale, instrument.reverse, wording, {
        i["key"]: wording[i["key"]] for i in instrument.comments.values()}


def subject_report_get(subject: Subject) -> SubjectReport:
    """The report of one subject whose access was checked by `feedback.access.subject_report_get_for_user`."""
    wave = Wave.objects.select_related("assessment__instrument_version").filter(
        assessment_id=subject.cycle.assessment_id).order_by("number").first()
    if wave is None or wave.status not in REPORTABLE:
        return SubjectReport(subject, wave, False, None, {}, {})
    rows, dims, scale, reverse, wording, questions = subject_rows(subject, wave)
    report = build_report(rows, dims, scale, subject.cycle.min_raters, reverse=reverse)
    return SubjectReport(subject, wave, True, report, wording, questions)


def group_name(group: str | None) -> str:
    """Display label of a rater group, "others" or "all raters"."""
    if group is None or group == OTHERS:
        return _("Others (groups combined)")
    if group == ALL_RATERS:
        return _("All raters (except self)")
    return str(group_label(group))


def dimension_name(dimension: str) -> str:
    return measure_label(dimension)


def gap_label(label: str | None) -> str:
    return {BLIND_SPOT: _("Blind spot"), HIDDEN_STRENGTH: _("Hidden strength")}.get(label, "")


def development_text(report: Report) -> str:
    """One sentence: which dimension to work on first and why, from the figures."""
    dev = report.development
    if dev is None:
        return _("Not enough raters answered to suggest a dimension to work on.")
    params = {"dimension": dimension_name(dev.dimension), "mean": f"{dev.mean:.0f}",
              "gap": f"{(dev.gap or 0):.0f}", "mdc": f"{report.mdc95:.0f}", "next": f"{(dev.next_mean or 0):.0f}",
              "high": f"{(dev.high if dev.high is not None else dev.mean):.0f}"}
    if dev.reason == REASON_BLIND_SPOT:
        return _("Start with %(dimension)s: your raters see it %(gap)s points lower than you do (more than the "
                 "minimum detectable difference of %(mdc)s points), so this is where their view and yours differ most.") % params
    if dev.reason == REASON_CLEARLY_LOWEST:
        return _("Start with %(dimension)s: your raters score it %(mean)s out of 100, and even the top of its "
                 "interval (%(high)s) stays below your next lowest dimension (%(next)s).") % params
    return _("%(dimension)s has your raters' lowest score (%(mean)s out of 100), but the intervals overlap: no "
             "dimension is clearly lower than the others. Talk it through with your raters or coach before choosing.") % params


def _row(figure, self_score: float | None = None) -> dict:
    return {"group": figure.group, "label": group_name(figure.group), "n": figure.n, "mean": figure.mean,
            "low": figure.low, "high": figure.high, "attributed": figure.attributed or figure.group == "manager"}


def _chart(dim, chart_id: str):
    from reports import charts  # the shared SVG charts (reports sits below feedback on the ladder)

    rows = []
    if dim.self_score is not None:
        rows.append(charts.IntervalRow(str(_("Self")), dim.self_score, None, None, note=_("self")))
    for f in dim.figures:
        note = f"n = {f.n}" + (f" · {_('attributed')}" if f.group == "manager" else "")
        rows.append(charts.IntervalRow(group_name(f.group), f.mean, f.low, f.high, note=note))
    name = dimension_name(dim.dimension)
    return charts.interval_svg(
        chart_id=chart_id, title=_("%(dimension)s per rater group") % {"dimension": name},
        description=_("%(dimension)s: your own score and each shown rater group's mean on 0–100 with its 95%% "
                      "interval.") % {"dimension": name},
        rows=rows, x_min=0, x_max=100, x_label=_("Score 0–100"), no_data=_("Not enough raters"))


def report_context(data: SubjectReport) -> dict:
    """What the screen page and the PDF template show: labels resolved, charts drawn, nothing hidden included."""
    context = {"subject": data.subject, "subject_name": str(data.subject), "cycle": data.subject.cycle,
               "assessment": data.subject.cycle.assessment, "wave": data.wave, "ready": data.ready}
    report = data.report
    if report is None:
        return context
    dimensions = []
    for dim in report.dimensions:
        items = []
        for item in dim.items:
            items.append({"key": item.key, "text": data.item_text.get(item.key, item.key),
                          "rows": [_row(f) for f in item.figures]})
        gap = dim.gap
        dimensions.append({
            "key": dim.dimension, "label": dimension_name(dim.dimension), "self_score": dim.self_score,
            "rows": [_row(f) for f in dim.figures], "everyone": _row(dim.all_raters) if dim.all_raters else None, "gap": gap, "gap_label": gap_label(gap.label if gap else None),
            "chart": _chart(dim, f"chart-{dim.dimension}"), "items": items,
        })
    questions: dict[str, list] = {}
    for comment in report.comments:
        questions.setdefault(comment.question, []).append(
            {"label": group_name(comment.group), "pooled": comment.group is None, "text": comment.text})
    context |= {
        "report": report, "dimensions": dimensions, "mdc": report.mdc95, "k": report.k,
        "blind_spots": [d for d in dimensions if d["gap"] and d["gap"].label == BLIND_SPOT],
        "hidden_strengths": [d for d in dimensions if d["gap"] and d["gap"].label == HIDDEN_STRENGTH],
        "comment_groups": [{"question": data.questions.get(q, q), "comments": c} for q, c in questions.items()],
        "development": development_text(report), "development_dimension": report.development,
    }
    return context


# --- The owners' aggregate view ---------------------------------------------------------------------------------------

def closed_cycles(organisation):
    from feedback.models import Cycle

    return (Cycle.objects.filter(assessment__organisation=organisation, assessment__waves__status__in=REPORTABLE)
            .select_related("assessment").distinct())


def cycle_overview_get(cycle) -> dict:
    """Dimension × rater group across every subject of a closed cycle, disclosure-controlled (report.aggregate).

    Queries: the wave, the items, the responses, the answers — whatever the number of subjects."""
    from feedback.report import aggregate

    wave = Wave.objects.select_related("assessment__instrument_version").filter(
        assessment_id=cycle.assessment_id).order_by("number").first()
    if wave is None or wave.status not in REPORTABLE:
        return {"cycle": cycle, "ready": False}
    instrument = _instrument(wave.assessment.instrument_version)
    by_subject: dict = {}
    for attributes, row in _rater_rows(Response.objects.filter(wave=wave), instrument, comments=False):
        if attributes.get("subject") is not None:
            by_subject.setdefault(attributes["subject"], []).append(row)
    result = aggregate(list(by_subject.values()), instrument.dims, instrument.scale, cycle.min_raters,
                       reverse=instrument.reverse)
    columns = [{"key": g, "label": group_name(g) if g != "self" else _("Self")} for g in result.groups]
    rows = [{"label": dimension_name(dim), "cells": [result.cells.get((dim, g["key"])) for g in columns]}
            for dim in DIMENSIONS]
    findings = [_("%(dimension)s is seen lower by %(lower)s than by %(higher)s (Δ %(diff)s points, 95%% interval "
                  "%(low)s to %(high)s).") % {
        "dimension": dimension_name(f.dimension), "lower": group_name(f.lower).lower(),
        "higher": group_name(f.higher).lower(), "diff": f"{f.diff:.1f}", "low": f"{f.low:.1f}", "high": f"{f.high:.1f}"}
        for f in result.findings]
    return {"cycle": cycle, "ready": True, "columns": columns, "rows": rows, "findings": findings,
            "subjects": result.subjects, "k": result.k}
