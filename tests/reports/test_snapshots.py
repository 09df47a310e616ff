"""reports.snapshots.snapshots_build: trend snapshots per wave × unit × measure (issue 7, point 1)."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Wave
from assessments.scoring import Settings
from reports import snapshots
from reports.models import SnapshotRun, TrendSnapshot
from reports.snapshots import snapshots_build
from reports.wave_scoring import wave_score
from tests.conftest import require
from tests.factories import AssessmentFactory, WaveFactory
from tests.reports.test_wave_scoring import fill

FAST = Settings(resamples=20)


def closed_wave(assessment, number: int) -> Wave:
    return WaveFactory(assessment=assessment, number=number, status=Wave.Status.CLOSED)


@pytest.fixture
def assessment(org):
    return AssessmentFactory(organisation=org)


def test_builds_rows_equal_to_wave_score(org, assessment) -> None:
    # given a closed wave with 40 in Sales/North, 30 in Operations and 2 in Sales/South
    u = org.test_units
    wave = closed_wave(assessment, 1)
    fill(wave, [u["Sales/North"]] * 40 + [u["Operations"]] * 30 + [u["Sales/South"]] * 2)
    # when snapshots are built
    run = snapshots_build(settings=FAST)
    # then the organisation rows equal wave_score's figures exactly
    out = wave_score(wave, settings=FAST)
    assert run.status == "ok" and run.waves_built == 1 and run.rows_written == TrendSnapshot.objects.count()
    row = TrendSnapshot.objects.get(wave=wave, unit=None, measure="integrity")
    dim = out["dimensions"]["integrity"]
    assert (row.n, row.mean, row.sd, row.ci_low, row.ci_high, row.mean_pomp) == (
        dim["n"], dim["mean"], dim["sd"], dim["ci_low"], dim["ci_high"], dim["mean_pomp"])
    assert row.pct_favourable == dim["pct_favourable_respondents"]
    assert row.alpha == dim["alpha"] and row.omega == dim["omega"]
    ti = TrendSnapshot.objects.get(wave=wave, unit=None, measure="trust_index")
    assert ti.mean == out["trust_index"]["mean"] and ti.n == out["trust_index"]["n"]
    ops = TrendSnapshot.objects.get(wave=wave, unit=u["Operations"], measure="competence")
    assert ops.mean == out["units"]["Operations"]["dimensions"]["competence"]["mean"]
    assert TrendSnapshot.objects.get(wave=wave, unit=None, measure="response_rate").n == 72
    assert set(TrendSnapshot.objects.values_list("cut", flat=True)) == {""}
    # and the first wave has no change figures
    assert not TrendSnapshot.objects.exclude(verdict="").exists()


def test_suppressed_units_carry_no_figures(org, assessment) -> None:
    # given Sales/South with 2 respondents (below min_group_size)
    u = org.test_units
    wave = closed_wave(assessment, 1)
    fill(wave, [u["Sales/North"]] * 40 + [u["Operations"]] * 30 + [u["Sales/South"]] * 2)
    # when built
    snapshots_build(settings=FAST)
    # then its rows exist, are marked suppressed and carry nothing, not even n
    hidden = TrendSnapshot.objects.filter(wave=wave, unit=u["Sales/South"])
    assert hidden.exists() and all(r.suppressed for r in hidden)
    for row in hidden:
        assert all(getattr(row, f) is None for f in ("n", "n_invited", "mean", "sd", "ci_low", "mean_pomp",
                                                      "pct_favourable", "alpha", "omega", "diff", "hedges_g"))
        assert row.verdict == ""


def test_second_run_builds_nothing_and_new_response_rebuilds_only_that_wave(org, assessment) -> None:
    # given two assessments with one closed wave each, built once
    u = org.test_units
    wave_a = closed_wave(assessment, 1)
    wave_b = closed_wave(AssessmentFactory(organisation=org), 1)
    fill(wave_a, [u["Operations"]] * 20)
    fill(wave_b, [u["Operations"]] * 20, seed=1)
    open_wave = WaveFactory(assessment=assessment, number=2, status=Wave.Status.OPEN)
    fill(open_wave, [u["Operations"]] * 20, seed=2)
    first = snapshots_build(settings=FAST)
    assert first.waves_built == 2  # open waves are not built
    stamp_b = list(TrendSnapshot.objects.filter(wave=wave_b).values_list("id", "computed_at"))
    # when built again, nothing is written
    again = snapshots_build(settings=FAST)
    assert (again.waves_built, again.rows_written) == (0, 0)
    # when a response arrives late in wave A
    fill(wave_a, [u["Operations"]], seed=3)
    third = snapshots_build(settings=FAST)
    # then only wave A is rebuilt, with the new n
    assert third.waves_built == 1
    assert TrendSnapshot.objects.get(wave=wave_a, unit=None, measure="response_rate").n == 21
    assert list(TrendSnapshot.objects.filter(wave=wave_b).values_list("id", "computed_at")) == stamp_b
    assert SnapshotRun.objects.count() == 3


def test_crash_after_delete_keeps_previous_rows_and_next_run_completes(org, assessment, monkeypatch) -> None:
    # given a built wave that then gets a new response
    u = org.test_units
    wave = closed_wave(assessment, 1)
    fill(wave, [u["Operations"]] * 20)
    snapshots_build(settings=FAST)
    before = sorted(TrendSnapshot.objects.values_list("id", "measure", "n"))
    fill(wave, [u["Operations"]] * 5, seed=4)

    # when bulk_create fails after the delete
    def boom(*args, **kwargs):
        raise RuntimeError("crash")

    monkeypatch.setattr(TrendSnapshot.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        snapshots_build(settings=FAST)
    # then the previous rows are intact and the run is recorded as failed
    assert sorted(TrendSnapshot.objects.values_list("id", "measure", "n")) == before
    assert SnapshotRun.objects.order_by("-pk").first().status == "failed"
    # and the next run completes it
    monkeypatch.undo()
    run = snapshots_build(settings=FAST)
    assert run.waves_built == 1
    assert TrendSnapshot.objects.get(wave=wave, unit=None, measure="response_rate").n == 25


def test_change_only_between_comparable_versions(org, assessment) -> None:
    # given two closed waves of the same assessment, the second clearly lower
    u = org.test_units
    w1, w2 = closed_wave(assessment, 1), closed_wave(assessment, 2)
    fill(w1, [u["Operations"]] * 60)
    values = fill(w2, [u["Operations"]] * 60, seed=5)
    assert len(values)
    from surveys.models import Answer
    Answer.objects.filter(response__wave=w2, value__isnull=False).update(value=1)
    # when built
    snapshots_build(settings=FAST)
    # then wave 2 carries change vs wave 1 with a "down" verdict
    row = TrendSnapshot.objects.get(wave=w2, unit=None, measure="competence")
    assert row.previous_wave == w1 and row.diff < 0 and row.verdict == "down" and row.hedges_g < 0
    assert row.diff_ci_low <= row.diff <= row.diff_ci_high
    # when wave 1's snapshots had been built from another version (other fingerprint)
    TrendSnapshot.objects.filter(wave=w1).update(fingerprint="other")
    snapshots_build(force=True, settings=FAST)
    # then a forced rebuild recomputes wave 1 with the real fingerprint, so wave 2 compares again
    assert TrendSnapshot.objects.get(wave=w2, unit=None, measure="competence").verdict == "down"
    # and when only wave 2 is rebuilt against non-comparable rows, there is no change
    TrendSnapshot.objects.filter(wave=w1).update(fingerprint="other")
    from reports.models import SnapshotClaim
    SnapshotClaim.objects.filter(wave=w2).update(source_hash="")
    snapshots_build(settings=FAST)
    row = TrendSnapshot.objects.get(wave=w2, unit=None, measure="competence")
    assert row.verdict == "" and row.diff is None and row.previous_wave is None


def test_query_count_same_for_10_and_60(org) -> None:
    # given/when the same build with 10 and with 60 responses per unit (in one test, fresh assessments),
    # with key drivers computed at both sizes (they add rows, and SQLite splits long bulk inserts)
    u = org.test_units
    counts = []
    for size in (10, 60):
        wave = closed_wave(AssessmentFactory(organisation=org), 1)
        fill(wave, [u["Operations"]] * size + [u["Sales/North"]] * size)
        with CaptureQueriesContext(connection) as queries:
            snapshots_build(settings=Settings(resamples=20, min_n_drivers=5))
        counts.append(len(queries))
    # then equal
    assert counts[0] == counts[1]


def test_demo_integrity_dip_in_wave_3_is_down(db) -> None:
    # given the demo data
    call_command("seed_demo")
    # when all its waves are built
    started = time.perf_counter()
    run = snapshots_build()
    elapsed = time.perf_counter() - started
    print(f"demo build: {run.waves_built} waves, {run.rows_written} rows in {elapsed:.2f}s")
    # then every closed wave is built and wave 3's integrity shows a "down" verdict vs wave 2
    # (360° waves are never pooled into snapshots: feedback/ reports them under its own disclosure rules)
    assert run.waves_built == Wave.objects.filter(status__in=["closed", "released"]).exclude(assessment__audience="person").count()
    wave3 = Wave.objects.get(number=3)  # the demo's three-wave assessment
    row = TrendSnapshot.objects.get(wave=wave3, unit=None, measure="integrity")
    assert row.verdict == "down", (row.diff, row.diff_ci_low, row.diff_ci_high)
    assert row.previous_wave.number == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_build_each_wave_once(org) -> None:
    # given PostgreSQL and three closed waves
    require(connection.vendor == "postgresql", "needs PostgreSQL (row locks)")
    u = org.test_units
    waves = [closed_wave(AssessmentFactory(organisation=org), 1) for _ in range(3)]
    for n, wave in enumerate(waves):
        fill(wave, [u["Operations"]] * 30, seed=n)
    # and scoring slowed down so the two workers overlap
    real = snapshots.wave_rows

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    snapshots.wave_rows = slow
    results, errors = [], []

    def work():
        try:
            results.append(snapshots_build(settings=FAST))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        snapshots.wave_rows = real
    # then each wave was built exactly once, and there is one set of rows
    assert not errors, errors
    assert sum(r.waves_built for r in results) == 3
    per_wave = TrendSnapshot.objects.filter(unit=None, measure="competence").values_list("wave_id", flat=True)
    assert sorted(per_wave) == sorted(w.pk for w in waves)


@pytest.mark.django_db(transaction=True)
def test_task_runs_once_on_a_real_worker_with_redis(org) -> None:
    # given real Redis and a Celery worker in this process
    require(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set")
    from celery.contrib.testing.worker import start_worker

    from trustier.celery import app
    from trustier.outbox import _deliver_one, outbox_enqueue_task

    u = org.test_units
    wave = closed_wave(AssessmentFactory(organisation=org), 1)
    fill(wave, [u["Operations"]] * 20)
    app.conf.update(task_always_eager=False, broker_url=os.environ["REDIS_URL"],
                    result_backend=os.environ["REDIS_URL"], task_ignore_result=False)
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            # when the task is enqueued through the outbox (as waves_tick does after closing waves)
            row = outbox_enqueue_task(name="reports.tasks.snapshots_build", args=[])
            _deliver_one(row.pk, send_task=None)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not SnapshotRun.objects.filter(status="ok").exists():
                time.sleep(0.2)
            time.sleep(0.5)
    finally:
        app.conf.update(task_always_eager=True, task_ignore_result=True)
    # then the worker ran it once and built the wave
    assert list(SnapshotRun.objects.values_list("status", "waves_built")) == [("ok", 1)]
    assert TrendSnapshot.objects.filter(wave=wave, unit=None, measure="competence").exists()


def test_closing_waves_enqueues_a_snapshot_build(assessment) -> None:
    # given an open wave whose closing time has passed
    import datetime

    from django.utils import timezone

    from surveys.tasks import waves_tick
    from trustier.models import OutboxMessage

    now = timezone.now()
    WaveFactory(assessment=assessment, number=1, status=Wave.Status.OPEN,
                opens_at=now - datetime.timedelta(days=10), closes_at=now - datetime.timedelta(minutes=1))
    # when the minute tick runs
    done = waves_tick()
    # then the wave is closed and a snapshot build is queued (by task name) through the outbox
    assert done["closed"] == 1
    tasks = [m.payload["task"] for m in OutboxMessage.objects.filter(kind="task")]
    assert "reports.tasks.snapshots_build" in tasks


def test_one_row_per_wave_unit_cut_measure_also_for_the_organisation(org, assessment) -> None:
    # given a built wave
    from django.db import IntegrityError, transaction

    wave = closed_wave(assessment, 1)
    fill(wave, [org.test_units["Operations"]] * 20)
    snapshots_build(settings=FAST)
    row = TrendSnapshot.objects.get(wave=wave, unit=None, measure="competence")
    # when a second organisation-wide row for the same measure is written, then the database refuses it
    row.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
