"""Trend snapshots (issue 7, point 1): materialise `wave_score` per wave into TrendSnapshot rows.

`snapshots_build()` finds closed/released waves whose inputs changed (a cheap source hash of
response/answer/invitation counts and max ids, the version fingerprint, the organisation's
min_group_size, its unit tree and the previous wave's hash — change figures depend on it), and for
each one: locks its SnapshotClaim row (FOR UPDATE SKIP LOCKED on PostgreSQL, so two workers never
build the same wave; the lock dies with the connection, so no stale claims), re-checks the hash,
scores it and replaces its rows and its published comments in ONE transaction (delete + bulk_create).
Alerts for significant drops are sent afterwards, outside that transaction (reports.alerts).
"""

from __future__ import annotations

import hashlib
import os
import socket
import traceback
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Count, Max, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from assessments.models import Unit, Wave
from assessments.scoring import Settings
from assessments.scoring.change import Summary, compare
from assessments.scoring.engine import HEATMAP_MEASURES
from reports.models import SnapshotClaim, SnapshotComment, SnapshotRun, TrendSnapshot
from reports.reciprocal import wave_reciprocal
from reports.wave_scoring import wave_comments, wave_score
from surveys.models import Answer, Invitation, Response, TeamRating

BUILT_STATUSES = (Wave.Status.CLOSED, Wave.Status.RELEASED)
STAT_MEASURES = ("trust_index", "how", "why", "global_trust")
FIGURES = ("n", "mean", "sd", "ci_low", "ci_high", "mean_pomp", "sd_pomp", "ci_low_pomp", "ci_high_pomp",
           "n_favourable", "alpha", "alpha_ci_low", "alpha_ci_high", "omega")
VERDICTS = {"up": "up", "down": "down"}
RECIPROCAL_FIELDS = ("n", "mean_pomp", "sd_pomp", "ci_low_pomp", "ci_high_pomp", "alpha", "alpha_ci_low", "alpha_ci_high",
                     "omega")
ITEM_PREFIX, DRIVER_PREFIX, DRIVER_R2 = "item:", "driver:", "driver_r2"
BUILD_VERSION = 3  # part of every source hash: a builder that stores more rebuilds every wave once


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def source_hashes() -> dict[int, str]:
    """wave id → hash of its inputs, for every closed/released wave, in a constant number of queries."""
    # purged waves (reports/privacy.py retention) keep their snapshots: no inputs left to rebuild them from
    # 360° waves (audience "person") are never pooled into dashboards: their disclosure rules live in feedback/
    waves = list(Wave.objects.filter(status__in=BUILT_STATUSES, respondent_data_purged_at__isnull=True)
                 .exclude(assessment__audience="person")
                 .order_by("assessment_id", "number")
                 .values_list("id", "assessment_id", "assessment__organisation_id",
                              "assessment__organisation__min_group_size", "assessment__instrument_version_id",
                              "assessment__instrument_version__fingerprint"))
    ids = [w[0] for w in waves]
    top = Max(Cast("id", CharField()))  # ids are UUIDs: max() of their text, with the count, marks the set
    responses = {r["wave_id"]: (r["n"], r["m"]) for r in Response.objects.filter(wave_id__in=ids).order_by()
                 .values("wave_id").annotate(n=Count("id"), m=top)}
    answers = {r["response__wave_id"]: (r["n"], r["m"], r["k"], r["s"])
               for r in Answer.objects.filter(response__wave_id__in=ids).order_by().values("response__wave_id")
               .annotate(n=Count("id"), m=top, k=Count("value"), s=Sum("value"))}  # edits change k or s
    invitations = {r["wave_id"]: (r["n"], r["m"]) for r in Invitation.objects.filter(wave_id__in=ids).order_by()
                   .values("wave_id").annotate(n=Count("id"), m=top)}
    ratings = {r["wave_id"]: (r["n"], r["u"]) for r in TeamRating.objects.filter(wave_id__in=ids).order_by()
               .values("wave_id").annotate(n=Count("id"), u=Max("updated_at"))}
    trees: dict[int, list] = {}
    for org_id, unit_id, path in (Unit.objects.filter(organisation_id__in={w[2] for w in waves}).order_by("id")
                                  .values_list("organisation_id", "id", "path")):
        trees.setdefault(org_id, []).append((unit_id, path))
    out: dict[int, str] = {}
    previous: dict[int, str] = {}
    for wave_id, assessment_id, org_id, min_group, version_id, fingerprint in waves:
        parts = (BUILD_VERSION, wave_id, responses.get(wave_id), answers.get(wave_id), invitations.get(wave_id), version_id,
                 fingerprint, ratings.get(wave_id), min_group, trees.get(org_id, []), previous.get(assessment_id, ""))
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()
        out[wave_id] = previous[assessment_id] = digest
    return out


def _figures(stats: dict[str, Any]) -> dict[str, Any]:
    row = {key: stats.get(key) for key in FIGURES}
    row["pct_favourable"] = stats.get("pct_favourable_respondents")
    row["pct_favourable_low"] = stats.get("pct_favourable_respondents_ci_low")
    row["pct_favourable_high"] = stats.get("pct_favourable_respondents_ci_high")
    return row


def _is_stats(value: Any) -> bool:
    return isinstance(value, dict) and "mean" in value and "n" in value


def rows_of_scope(scope: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """measure → figures for one scope (organisation or unit) of wave_score's output; {} if suppressed."""
    if scope.get("suppressed"):
        return {}
    rows: dict[str, dict[str, Any]] = {}
    for dim, stats in (scope.get("dimensions") or {}).items():
        if _is_stats(stats):
            rows[dim] = _figures(stats)
    for measure in STAT_MEASURES:
        if _is_stats(scope.get(measure)):
            rows[measure] = _figures(scope[measure])
    intention = scope.get("intention")
    if _is_stats(intention):
        rows["intention"] = _figures(intention)
    elif isinstance(intention, dict):
        for key, stats in intention.items():
            if _is_stats(stats):
                rows[key] = _figures(stats)
    rows["response_rate"] = {"n": scope.get("n"), "n_invited": scope.get("n_invited") or None,
                             "mean": scope.get("response_rate")}
    for key, figures in (scope.get("item_figures") or {}).items():
        rows[ITEM_PREFIX + key] = dict(figures)
    return rows


def rest_figures(scope: dict[str, Any], measure: str, *, organisation_n: int | None,
                 min_group: int) -> dict[str, Any]:
    """The engine's unit-vs-rest cell of `measure` as rest_* fields; {} when not computed or when the
    rest of the organisation has fewer than `min_group` respondents (its figure would be disclosed)."""
    cell = (scope.get("versus_rest") or {}).get(measure)
    if measure not in HEATMAP_MEASURES or not cell or cell.get("diff") is None:
        return {}
    if organisation_n is None or scope.get("n") is None or organisation_n - scope["n"] < min_group:
        return {}
    return {"rest_diff": cell["diff"], "rest_ci_low": cell.get("ci_low"), "rest_ci_high": cell.get("ci_high"),
            "rest_q": cell.get("q_value"), "rest_significant": cell.get("significant")}


def driver_rows(drivers: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """measure → fields of the organisation's key-driver rows; {} when the engine computed none."""
    predictors = (drivers or {}).get("predictors") or {}
    if not predictors:
        return {}
    outcome, n = drivers.get("outcome") or "", drivers.get("n")
    rows = {DRIVER_PREFIX + name: {"n": n, "mean": p.get("weight"), "ci_low": p.get("ci_low"),
                                   "ci_high": p.get("ci_high"), "outcome": outcome}
            for name, p in predictors.items()}
    rows[DRIVER_R2] = {"n": n, "mean": drivers.get("r_squared"), "ci_low": drivers.get("r_squared_ci_low"),
                       "ci_high": drivers.get("r_squared_ci_high"), "outcome": outcome}
    return rows


def _marked(measure: str) -> bool:
    """Measures that get a `suppressed` marker row for a hidden unit (not items: the dimensions say it)."""
    return not measure.startswith((ITEM_PREFIX, DRIVER_PREFIX)) and measure != DRIVER_R2


def wave_rows(wave: Wave, *, source_hash: str, settings: Settings,
              out: dict[str, Any] | None = None) -> list[TrendSnapshot]:
    """Unsaved TrendSnapshot rows of `wave`, with change vs the previous comparable wave.

    `out`: wave_score's result when the caller already has it."""
    assessment = wave.assessment
    fingerprint = assessment.instrument_version.fingerprint
    out = wave_score(wave, settings=settings) if out is None else out
    min_group = assessment.organisation.min_group_size
    unit_ids = dict(Unit.objects.filter(organisation_id=assessment.organisation_id).values_list("path", "id"))
    scopes: list[tuple[int | None, dict]] = [(None, out)]
    scopes += [(unit_ids[path], scope) for path, scope in sorted((out.get("units") or {}).items()) if path in unit_ids]
    previous = (Wave.objects.filter(assessment=assessment, number__lt=wave.number, status__in=BUILT_STATUSES)
                .order_by("-number").first())
    before = {}
    if previous is not None:
        before = {(r.unit_id, r.measure): r for r in TrendSnapshot.objects.filter(
            wave=previous, cut="", suppressed=False, fingerprint=fingerprint).exclude(measure="response_rate")}
    now = timezone.now()
    common = {"organisation_id": assessment.organisation_id, "assessment_id": assessment.pk, "wave": wave, "cut": "",
              "fingerprint": fingerprint, "computed_at": now, "source_hash": source_hash}
    rows = [TrendSnapshot(unit_id=None, measure=measure, **values, **common)
            for measure, values in sorted(driver_rows(out.get("drivers")).items())]
    measures = [m for m in sorted(rows_of_scope(out)) if _marked(m)] or ["response_rate"]
    for unit_id, scope in scopes:
        figures = rows_of_scope(scope)
        if not figures:  # suppressed: a marker per measure, without any figure
            rows += [TrendSnapshot(unit_id=unit_id, measure=m, suppressed=True, **common) for m in measures]
            continue
        for measure, values in sorted(figures.items()):
            rest = rest_figures(scope, measure, organisation_n=out.get("n"), min_group=min_group) if unit_id else {}
            row = TrendSnapshot(unit_id=unit_id, measure=measure, **values, **rest, **common)
            old = before.get((unit_id, measure))
            if old is not None and row.mean_pomp is not None and old.mean_pomp is not None:
                d = compare(Summary(row.n, row.mean_pomp, (row.sd_pomp or 0) ** 2 if row.sd_pomp is not None
                                    else float("nan"), row.n_favourable or 0),
                            Summary(old.n, old.mean_pomp, old.sd_pomp ** 2 if old.sd_pomp is not None
                                    else float("nan"), old.n_favourable or 0))[0]
                row.previous_wave = previous
                row.diff, row.diff_ci_low, row.diff_ci_high, row.hedges_g = d.diff, d.ci_low, d.ci_high, d.hedges_g
                row.verdict = VERDICTS.get(d.verdict, TrendSnapshot.Verdict.NONE)
            rows.append(row)
    return rows + reciprocal_rows(wave, unit_ids, common, settings)


def reciprocal_rows(wave: Wave, unit_ids: dict[str, int], common: dict[str, Any], settings: Settings) -> list[TrendSnapshot]:
    """The reciprocal-trust rows (reports/reciprocal.py): figures of published scopes, bare markers of hidden ones."""
    recip = wave_reciprocal(wave, level=settings.level)
    rows = []
    for path in sorted(set(recip.published) | recip.hidden):
        unit_id = unit_ids.get(path) if path else None
        if path and unit_id is None:
            continue
        if path in recip.hidden:
            rows += [TrendSnapshot(unit_id=unit_id, measure=m, suppressed=True, **common) for m in recip.measures]
            continue
        for measure, figures in sorted(recip.published[path].items()):
            verdict = VERDICTS.get(figures.get("verdict"), TrendSnapshot.Verdict.NONE) if "verdict" in figures else ""
            values = {k: figures.get(k) for k in RECIPROCAL_FIELDS}
            rows.append(TrendSnapshot(unit_id=unit_id, measure=measure, verdict=verdict, **values, **common))
    return rows


def comment_rows(wave: Wave, scopes: list[str]) -> list[SnapshotComment]:
    """Unsaved SnapshotComment rows: every published comment under every published scope holding it."""
    comments = wave_comments(wave, scopes)
    if not comments:
        return []
    unit_ids = dict(Unit.objects.filter(organisation_id=wave.assessment.organisation_id).values_list("path", "id"))
    position: dict[tuple[str, str], int] = {}
    rows = []
    for scope, key, text, language in comments:
        if scope and scope not in unit_ids:
            continue
        place = position[scope, key] = position.get((scope, key), -1) + 1
        rows.append(SnapshotComment(wave=wave, unit_id=unit_ids.get(scope) if scope else None, item_key=key,
                                    text=text, language=language, position=place))
    return rows


def wave_build(*, wave_id: int, source_hash: str, force: bool, worker: str, settings: Settings) -> int | None:
    """Build one wave under its claim lock. Rows written, or None when skipped (claimed elsewhere / up to date)."""
    SnapshotClaim.objects.bulk_create([SnapshotClaim(wave_id=wave_id)], ignore_conflicts=True)
    with transaction.atomic():
        claims = SnapshotClaim.objects.filter(wave_id=wave_id)
        if connection.features.has_select_for_update_skip_locked:
            claims = claims.select_for_update(skip_locked=True)
        claim = claims.first()
        if claim is None:  # another worker holds it
            return None
        if claim.source_hash == source_hash and not force:
            return None  # built meanwhile by another worker
        wave = Wave.objects.select_related("assessment__instrument_version", "assessment__organisation").get(pk=wave_id)
        out = wave_score(wave, settings=settings)
        rows = wave_rows(wave, source_hash=source_hash, settings=settings, out=out)
        comments = comment_rows(wave, out.get("comment_scopes") or [])
        TrendSnapshot.objects.filter(wave_id=wave_id).delete()
        TrendSnapshot.objects.bulk_create(rows)
        SnapshotComment.objects.filter(wave_id=wave_id).delete()
        SnapshotComment.objects.bulk_create(comments)
        now = timezone.now()
        SnapshotClaim.objects.filter(wave_id=wave_id).update(source_hash=source_hash, claimed_by=worker,
                                                             claimed_at=now, built_at=now)
    return len(rows)


def snapshots_build(*, force: bool = False, settings: Settings = Settings()) -> SnapshotRun:
    """Rebuild the snapshots of every closed/released wave whose inputs changed; idempotent."""
    worker = worker_name()
    run = SnapshotRun.objects.create(started_at=timezone.now(), claimed_by=worker)
    try:
        hashes = source_hashes()
        stored = dict(SnapshotClaim.objects.filter(wave_id__in=hashes).values_list("wave_id", "source_hash"))
        for wave_id, digest in hashes.items():  # in assessment/number order: the previous wave first
            if not force and stored.get(wave_id) == digest:
                continue
            written = wave_build(wave_id=wave_id, source_hash=digest, force=force, worker=worker, settings=settings)
            if written is not None:
                run.waves_built += 1
                run.rows_written += written
        run.status = SnapshotRun.Status.OK
    except Exception:
        run.status = SnapshotRun.Status.FAILED
        run.error = traceback.format_exc()[-4000:]
        raise
    finally:
        run.finished_at = timezone.now()
        run.save()
    return run
