"""`make chaos`: T8 (worker killed mid-task), T9 (Redis down), T10 (PostgreSQL restart) on a private stack.

Prints the reported lines of the test plan (docs reference §3) and exits 1 when a bar is missed.
Environment (all optional): CHAOS_CLOSED_RESPONSES (snapshot build input, 15000), CHAOS_REDIS_DOWN (60 s),
CHAOS_T9_SUBMITS (200), CHAOS_T10_CLIENTS (100), CHAOS_T10_SECONDS (45), CHAOS_T10_RESTART_AT (15 s),
CHAOS_ONLY (e.g. "t9,t10"), CHAOS_KEEP_DIR=1 keeps the temporary directory (logs) for a look afterwards.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from chaos import respondent  # noqa: E402
from chaos.stack import Stack, django_setup, wait_until  # noqa: E402

ONLY = {part.strip() for part in os.environ.get("CHAOS_ONLY", "t8,t9,t10").split(",")}
CLOSED_RESPONSES = int(os.environ.get("CHAOS_CLOSED_RESPONSES", "15000"))
VISIBILITY = int(os.environ.get("CHAOS_VISIBILITY_TIMEOUT", "15"))
REDIS_DOWN = float(os.environ.get("CHAOS_REDIS_DOWN", "60"))
T9_SUBMITS = int(os.environ.get("CHAOS_T9_SUBMITS", "200"))
T10_CLIENTS = int(os.environ.get("CHAOS_T10_CLIENTS", "100"))
T10_SECONDS = float(os.environ.get("CHAOS_T10_SECONDS", "45"))
T10_RESTART_AT = float(os.environ.get("CHAOS_T10_RESTART_AT", "15"))
INVITATIONS = int(os.environ.get("CHAOS_INVITATIONS", "4000"))


class TokenPool:
    def __init__(self, tokens: list[str]):
        self._tokens, self._lock = list(tokens), threading.Lock()

    def take(self) -> str | None:
        with self._lock:
            return self._tokens.pop() if self._tokens else None


def note(text: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S', time.gmtime())}] {text}", flush=True)


# --- T8 ---------------------------------------------------------------------------------------------

def t8_worker_kill(stack: Stack, seed) -> tuple[str, bool]:
    import psutil
    from django.core.mail import send_mail

    from reports.models import SnapshotClaim, SnapshotRun, TrendSnapshot
    from reports.snapshots import source_hashes
    from trustier.celery import app
    from trustier.models import OutboxMessage

    wave_id = seed.closed_wave_id
    worker = stack.start_worker("worker")

    def build_and_wait(label: str, timeout: float) -> float:
        digest = source_hashes()[wave_id]
        return wait_until(lambda: SnapshotClaim.objects.filter(wave_id=wave_id, source_hash=digest).exists(),
                          timeout=timeout, interval=0.2, what=label)

    # Baseline: one undisturbed build tells how long the task runs and how many rows a build writes.
    start = time.monotonic()
    app.send_task("reports.tasks.snapshots_build")
    build_and_wait("first snapshot build", 180)
    run = SnapshotRun.objects.filter(waves_built=1).latest("pk")
    duration = (run.finished_at - run.started_at).total_seconds()
    expected_rows = TrendSnapshot.objects.filter(wave_id=wave_id).count()
    note(f"T8 baseline build: {duration:.1f} s task ({time.monotonic() - start:.1f} s end to end), {expected_rows} snapshot rows")

    rounds = []  # (kind, killed mid-task, built exactly once, rows ok)
    first_run = SnapshotRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    repeated = 0  # kills that landed after the commit: that attempt's build counts, the round is repeated
    for number in range(10):
        kind = "child" if number < 5 else "main"
        for _attempt in range(3):  # a kill that lands after the build committed is not mid-task: again
            digest = source_hashes()[wave_id]
            SnapshotClaim.objects.filter(wave_id=wave_id).update(source_hash="")
            last_run = SnapshotRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            app.send_task("reports.tasks.snapshots_build")
            wait_until(lambda lr=last_run: SnapshotRun.objects.filter(pk__gt=lr, finished_at__isnull=True).exists(),
                       timeout=60, interval=0.05, what="task start")
            time.sleep(max(0.2, duration * 0.3))
            main = psutil.Process(worker.pid)
            if kind == "child":
                for child in main.children():
                    child.send_signal(signal.SIGKILL)  # the pool restarts its child; the task is rejected and requeued
            else:
                stray = stack.procs.pop("worker")
                stack.strays.append(stray)
                main.send_signal(signal.SIGKILL)  # the main process: its message stays unacked until visibility_timeout
                os.killpg(worker.pid, signal.SIGKILL)  # and its pool children: an OOM kill or a lost container
                stray.wait(10)
            mid_task = not SnapshotClaim.objects.filter(wave_id=wave_id, source_hash=digest).exists()
            if kind == "main":
                worker = stack.start_worker("worker")
            if mid_task:
                break
            note(f"T8 kill {number + 1} landed after the build committed; again")
            repeated += 1
            build_and_wait("build", 120)
        t_kill = time.monotonic()
        try:
            build_and_wait(f"rebuild after kill {number + 1}", VISIBILITY * 4 + 60)
            rebuilt = True
        except TimeoutError:
            rebuilt = False
        try:  # the run row is saved just after the build's transaction commits
            wait_until(lambda lr=last_run: SnapshotRun.objects.filter(pk__gt=lr, waves_built__gte=1).exists(),
                       timeout=15, interval=0.2, what="run row saved")
        except TimeoutError:
            pass
        builds = SnapshotRun.objects.filter(pk__gt=last_run, waves_built__gte=1).count()
        rows = TrendSnapshot.objects.filter(wave_id=wave_id).count()
        rounds.append((kind, mid_task, builds == 1 and rebuilt, rows == expected_rows))
        note(f"T8 kill {number + 1:2d} ({kind:5s}): mid-task={mid_task}, rebuilt={rebuilt} after "
             f"{time.monotonic() - t_kill:.1f} s, builds={builds}, rows={rows}")

    # Beat's tasks twice (and four times) at once: two prefork children race for the same work.
    stack.stop("worker")
    worker = stack.start_worker("worker", concurrency=4)
    SnapshotClaim.objects.filter(wave_id=wave_id).update(source_hash="")
    last_run = SnapshotRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for _ in range(2):
        app.send_task("reports.tasks.snapshots_build")
    build_and_wait("concurrent snapshot builds", 180)
    wait_until(lambda: SnapshotRun.objects.filter(pk__gt=last_run, finished_at__isnull=False).count() >= 2, timeout=120,
               what="both builds finished")
    concurrent_builds = SnapshotRun.objects.filter(pk__gt=last_run, waves_built__gte=1).count()
    n_mail = 400
    for i in range(n_mail):
        send_mail("Chaos", f"message {i}", None, [f"m{i}@chaos.test"])  # each one an outbox row
    for _ in range(20):  # each drain takes at most 200 rows; four at a time race for the same rows
        for _ in range(4):
            app.send_task("trustier.tasks.outbox_drain")
        try:
            wait_until(lambda: not OutboxMessage.objects.filter(kind=OutboxMessage.Kind.EMAIL,
                                                                status__in=["pending", "sending"]).exists(),
                       timeout=5, what="outbox drained")
            break
        except TimeoutError:
            continue
    delivered = _delivered_recipients(stack)
    duplicates = sum(count - 1 for count in delivered.values() if count > 1)
    missing = sum(1 for i in range(n_mail) if f"m{i}@chaos.test" not in delivered)

    # Anything still in flight (a redelivery after visibility_timeout) must not build the wave again.
    note(f"T8 settle {VISIBILITY + 10} s for late redeliveries …")
    time.sleep(VISIBILITY + 10)
    late_builds = SnapshotRun.objects.filter(pk__gt=last_run, waves_built__gte=1).count() - concurrent_builds
    total_builds = SnapshotRun.objects.filter(pk__gt=first_run, waves_built__gte=1).count()  # 10 rounds + 1 concurrent
    stack.stop("worker")

    good = sum(1 for _, mid, once, rows_ok in rounds if mid and once and rows_ok)
    note(f"T8 concurrent snapshots_build ×2: {concurrent_builds} build(s); outbox_drain ×4 over {n_mail} emails: "
         f"{len(delivered)} delivered, {duplicates} duplicates, {missing} missing; late builds {late_builds}; "
         f"builds since the first kill {total_builds} (expected {len(rounds) + 1}, + up to {repeated} repeated)")
    line = (f"Worker killed mid-task {len(rounds)}×: {good}/{len(rounds)} reports exactly once, "
            f"{duplicates} duplicate emails")
    ok = (good == len(rounds) and concurrent_builds == 1 and late_builds == 0 and duplicates == 0 and missing == 0
          and len(rounds) + 1 <= total_builds <= len(rounds) + 1 + repeated)
    return line, ok


def _delivered_recipients(stack: Stack) -> dict[str, int]:
    """Recipients of every email the file backend wrote (one count per delivered message)."""
    import re

    counts: dict[str, int] = {}
    folder = os.path.join(stack.env["TRUSTIER_DATA_DIR"], "mail")
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
            for match in re.finditer(r"^To: (m\d+@chaos\.test)$", handle.read(), re.M):
                counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return counts


# --- T9 ---------------------------------------------------------------------------------------------

def t9_redis_down(stack: Stack, seed, pool: TokenPool) -> tuple[str, bool]:
    from django.core.mail import send_mail

    from surveys.models import Response
    from trustier.models import OutboxMessage

    stack.start_worker("worker", concurrency=2)
    stack.start_beat()
    before = Response.objects.filter(wave_id=seed.wave_id).count()
    time.sleep(3)
    stack.stop_redis()
    down_at = time.monotonic()
    note(f"T9 Redis stopped; {T9_SUBMITS} respondents over HTTP")
    outcomes: list[respondent.Outcome] = []
    tokens = [pool.take() for _ in range(T9_SUBMITS)]
    # Spread the submissions over most of the outage: 10 clients, a short pause per page.
    pause = max(0.0, (REDIS_DOWN * 0.7) / (T9_SUBMITS / 10) / (len(seed.sections) + 1) - 0.05)
    with concurrent.futures.ThreadPoolExecutor(10) as pool_x:
        futures = [pool_x.submit(respondent.respond, stack.base_url, token, seed.sections, think=pause, seed=i, retries=0)
                   for i, token in enumerate(tokens)]
        login_status = respondent.login(stack.base_url, seed.owner_email, seed.owner_password)
        for i in range(100):  # emails written while the broker is away (as a wave opening would)
            send_mail("Chaos", f"outage message {i}", None, [f"o{i}@chaos.test"])
        outcomes = [f.result() for f in futures]
    submitted_in = time.monotonic() - down_at
    stored = Response.objects.filter(wave_id=seed.wave_id).count() - before
    acknowledged = sum(o.acknowledged for o in outcomes)
    five_hundreds = sum(1 for o in outcomes for s in o.statuses if s >= 500)
    errors = [o.error for o in outcomes if o.error][:3]
    pending = OutboxMessage.objects.filter(status__in=["pending", "sending"]).count()
    note(f"T9 {acknowledged}/{len(outcomes)} acknowledged in {submitted_in:.1f} s, stored {stored}, 5xx {five_hundreds}, "
         f"login during outage: {login_status}, outbox pending {pending}; errors {errors}")
    time.sleep(max(0.0, REDIS_DOWN - (time.monotonic() - down_at)))
    outage = time.monotonic() - down_at
    stack.start_redis()
    back_at = time.monotonic()
    note(f"T9 Redis back after {outage:.0f} s; waiting for the outbox to drain")
    try:
        drained = wait_until(lambda: not OutboxMessage.objects.filter(status__in=["pending", "sending"]).exists(),
                             timeout=180, interval=0.5, what="outbox drained")
    except TimeoutError:
        drained = float("inf")
    beat_alive = stack.procs["beat"].poll() is None
    worker_alive = stack.procs["worker"].poll() is None
    note(f"T9 drained {time.monotonic() - back_at:.1f} s after Redis came back; beat alive {beat_alive}, worker alive {worker_alive}")
    stack.stop("beat")
    stack.stop("worker")
    line = (f"Redis down {outage:.0f} s: {stored}/{len(outcomes)} stored, {five_hundreds} × 500; "
            f"outbox drained {'< %.0f' % (drained + 1) if drained != float('inf') else '> 180'} s after")
    ok = (stored == len(outcomes) == acknowledged and five_hundreds == 0 and login_status == 302 and drained < 60)
    return line, ok


# --- T10 --------------------------------------------------------------------------------------------

def t10_pg_restart(stack: Stack, seed, pool: TokenPool) -> tuple[str, bool]:
    from surveys.models import Invitation, Response

    stop = threading.Event()
    outcomes: list[respondent.Outcome] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        i = 0
        while not stop.is_set():
            token = pool.take()
            if token is None:
                return
            outcome = respondent.respond(stack.base_url, token, seed.sections, retries=60, retry_pause=0.5, seed=k * 1000 + i,
                                         think=0.2)
            i += 1
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(T10_CLIENTS)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(T10_RESTART_AT)
    t0 = time.monotonic()
    stack.restart_postgres()
    note(f"T10 PostgreSQL restarted (-m fast) at t={t0 - start:.0f} s in {time.monotonic() - t0:.1f} s")
    time.sleep(max(0.0, T10_SECONDS - (time.monotonic() - start)))
    stop.set()
    for thread in threads:
        thread.join(120)
    from django.db import connection

    connection.close()  # this process's connection died with the restart
    nonces = {o.nonce: o for o in outcomes}
    stored_keys = set(Response.objects.filter(wave_id=seed.wave_id, submission_key__in=list(nonces))
                      .values_list("submission_key", flat=True))
    stored_rows = Response.objects.filter(wave_id=seed.wave_id, submission_key__in=list(nonces)).count()
    acknowledged = [o for o in outcomes if o.acknowledged]
    lost = sum(1 for o in acknowledged if o.nonce not in stored_keys)
    answered = Invitation.objects.filter(wave_id=seed.wave_id, answered=True).count()
    all_responses = Response.objects.filter(wave_id=seed.wave_id).count()
    duplicates = (stored_rows - len(stored_keys)) + max(0, all_responses - answered)
    unacked_stored = sum(1 for o in outcomes if not o.acknowledged and o.nonce in stored_keys)
    statuses = [s for o in outcomes for s in o.statuses]
    errors = [o.error for o in outcomes if o.error][:3]
    note(f"T10 {len(outcomes)} respondents, {len(acknowledged)} acknowledged, {len(stored_keys)} stored "
         f"({unacked_stored} stored without an acknowledgement), retries {sum(o.retries for o in outcomes)}, "
         f"5xx {sum(1 for s in statuses if s >= 500)}, connection errors {statuses.count(0)}; "
         f"wave: {answered} invitations answered = {all_responses} responses; errors {errors}")
    line = f"{len(acknowledged)} submits, 1 restart: {lost} lost, {duplicates} duplicates"
    ok = lost == 0 and duplicates == 0 and len(acknowledged) > 0 and not errors
    return line, ok


def main() -> int:
    lines: list[tuple[str, str, bool]] = []
    started = time.monotonic()
    print(f"make chaos — {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, {os.cpu_count()} CPUs", flush=True)
    with Stack(visibility_timeout=VISIBILITY) as stack:
        note(f"stack up in {stack.dir}: PostgreSQL :{stack.pg_port}, Redis :{stack.redis_port}, HTTP :{stack.http_port}")
        django_setup(stack)
        from chaos.seed import seed as make_seed

        t0 = time.monotonic()
        seed = make_seed(invitations=INVITATIONS, closed_responses=CLOSED_RESPONSES if "t8" in ONLY else 0)
        note(f"seeded {INVITATIONS} invitations and {CLOSED_RESPONSES if 't8' in ONLY else 0} closed responses "
             f"in {time.monotonic() - t0:.1f} s")
        pool = TokenPool(seed.tokens)
        if "t8" in ONLY:
            lines.append(("T8", *t8_worker_kill(stack, seed)))
            print(f"T8  {lines[-1][1]}", flush=True)
        if ONLY & {"t9", "t10"}:
            stack.start_gunicorn()
        if "t9" in ONLY:
            lines.append(("T9", *t9_redis_down(stack, seed, pool)))
            print(f"T9  {lines[-1][1]}", flush=True)
        if "t10" in ONLY:
            lines.append(("T10", *t10_pg_restart(stack, seed, pool)))
            print(f"T10 {lines[-1][1]}", flush=True)
    print(f"\n== make chaos ({time.monotonic() - started:.0f} s) ==")
    for name, line, ok in lines:
        print(f"{name:4s}{'PASS' if ok else 'FAIL'}  {line}")
    return 0 if lines and all(ok for _, _, ok in lines) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
