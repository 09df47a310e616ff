"""Benchmark: trend snapshots and dashboards over 100,000 responses in 8 waves and 50 teams (issue 7).

Run: `make bench-dashboard`, i.e.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustier_bench .venv/bin/python benchmarks/dashboard.py
The database is created (and migrated) when missing and EMPTIED at every start (TRUNCATE … CASCADE of
the organisations and instruments: it is the benchmarks' own database). Data is loaded with COPY: one
inside assessment with the bundled core-inside instrument, 8 closed waves of 12,500 responses, 5
divisions × 10 teams (one team so small that it is suppressed in some waves), every person invited to
every wave, the default min_group_size.

Prints, measured in the same run on the same rows:
- `reports.snapshots.snapshots_build`: full build of the 8 waves (with its peak resident memory: the
  process's peak is reset before it through /proc/self/clear_refs), a rerun without changes, and the
  incremental build after a 9th closed wave; ratio incremental / full (target: a small fraction);
- the organisation dashboard, a unit page and the heatmap through django.test.Client for an owner and
  for a division's manager: median render time after a warm-up, and SQL statements per page (again
  after the 9th wave: they should not change);
- PostgreSQL's own time for the plain GROUP BY unit, item aggregate over the 8 waves' answers (client
  side: cursor.execute + fetchall; and EXPLAIN (ANALYZE, TIMING OFF)'s execution time), and each page's ratio to it
  (target: within 2×).
Environment: BENCH_RESPONSES (100000, spread over the waves), BENCH_WAVES (8), BENCH_RENDERS (9 timed
renders per page), BENCH_REPEAT (7 runs of the aggregate).
"""

from __future__ import annotations

import datetime
import io
import os
import resource
import statistics
import sys
import time
import warnings

from score_wave import django_on_postgres, mib  # same database handling as bench-score

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustier.settings.test")

warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic needed here
N_WAVES = int(os.environ.get("BENCH_WAVES", "8"))
PER_WAVE = int(os.environ.get("BENCH_RESPONSES", "100000")) // N_WAVES
RENDERS = max(7, int(os.environ.get("BENCH_RENDERS", "9")))
REPEAT = max(5, int(os.environ.get("BENCH_REPEAT", "7")))
DIVISIONS, TEAMS = 5, 10
N_PEOPLE = PER_WAVE * 5 // 4  # 80 % respond in every wave
SMALL_TEAM = 6  # people in the last team: below min_group_size in some waves
SLUG = "bench-dashboard"
PASSWORD = "bench-" + "x" * 20
AGGREGATE = """
    SELECT r.unit_id, a.item_id, avg(a.value), count(a.value)
    FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
    WHERE r.wave_id = ANY(%s)
    GROUP BY r.unit_id, a.item_id
"""
NULL = "\\N"  # COPY's NULL
COMMENTS = ["More openness about decisions.", "Keep the team meetings.", "Listen to the people on the floor.",
            "The new planning works well.", "Report back faster."]


def main() -> None:
    django_on_postgres()
    figures: dict[str, str] = {}
    t0 = time.perf_counter()
    bench = Bench()
    for number in range(1, N_WAVES + 1):
        bench.wave_add(number)
    loaded = time.perf_counter() - t0
    scored = sum(1 for _id, role, _dim in bench.items if role != "comment")
    figures["data"] = (f"{PER_WAVE * N_WAVES:,} responses, {N_WAVES} waves, {len(bench.teams)} teams, "
                       f"{N_PEOPLE:,} invited per wave; loaded in {loaded:.1f} s")
    print(f"data: {PER_WAVE * N_WAVES:,} responses × {scored} scored items (+ {len(bench.items) - scored} open "
          f"questions, 10 % answered) in {N_WAVES} closed waves, {len(bench.teams)} teams under {DIVISIONS} "
          f"divisions, {N_PEOPLE:,} people invited to every wave; generated and loaded with COPY in {loaded:.1f} s")

    full, full_cpu = build_full(figures)
    rerun, rerun_cpu = timed_build("no-change rerun")
    figures["snapshots: no-change rerun"] = f"{rerun:.2f} s wall, {rerun_cpu:.2f} s CPU"
    aggregate = aggregate_time(bench.wave_ids, figures)
    pages = bench.pages()
    render_pages(pages, aggregate, figures)

    t0 = time.perf_counter()
    bench.wave_add(N_WAVES + 1)
    print(f"wave {N_WAVES + 1} ({PER_WAVE:,} responses) loaded in {time.perf_counter() - t0:.1f} s")
    incremental, cpu = timed_build("incremental build after one new wave")
    figures["snapshots: incremental (1 new wave)"] = (f"{incremental:.2f} s wall = {incremental / full:.1%} of full; "
                                                      f"CPU {cpu:.2f} s = {cpu / full_cpu:.1%} of full")
    counts = []
    for label, client, path in pages:
        statements = statements_of(client, path)
        counts.append(f"{label} {statements}")
        figures[label] += f"; {statements} SQL with {N_WAVES + 1} waves"
    print(f"SQL statements per page with {N_WAVES + 1} waves: {', '.join(counts)}")
    summary(figures)


class Bench:
    """The bench organisation, its tree, people, users and (growing) waves."""

    def __init__(self) -> None:
        import numpy as np
        from django.contrib.auth import get_user_model
        from django.db import connection

        from assessments.models import Assessment, Membership, Organisation, Person
        from surveys.models import Item
        from surveys.services import instruments_load_bundled
        from tests.factories import unit_tree

        with connection.cursor() as cursor:  # the bench database is ours: start clean every run
            cursor.execute("TRUNCATE assessments_organisation, surveys_instrument, reports_snapshotrun CASCADE")
        get_user_model().objects.filter(email__endswith="@bench-dashboard.test").delete()
        self.rng = np.random.default_rng(2026)
        self.organisation = Organisation.objects.create(name="Bench dashboard", slug=SLUG)
        tree = unit_tree(self.organisation, [f"Division {d}/Team {t}" for d in range(DIVISIONS) for t in range(TEAMS)])
        self.division = tree["Division 0"]
        self.teams = [tree[f"Division {d}/Team {t}"].pk for d in range(DIVISIONS) for t in range(TEAMS)]
        sizes = [(N_PEOPLE - SMALL_TEAM) // (len(self.teams) - 1)] * (len(self.teams) - 1)
        sizes[0] += N_PEOPLE - SMALL_TEAM - sum(sizes)
        self.team_of_person = np.repeat(np.arange(len(self.teams)), [*sizes, SMALL_TEAM])
        people = Person.objects.bulk_create(
            [Person(organisation=self.organisation, external_id=f"P{i:06d}", email=f"p{i}@example.test",
                    unit_id=self.teams[team]) for i, team in enumerate(self.team_of_person.tolist())],
            batch_size=5000)
        self.person_ids = [p.pk for p in people]
        version = {v.instrument.key: v for v in instruments_load_bundled()}["core-inside"]
        self.assessment = Assessment.objects.create(organisation=self.organisation, name="Trust inside (bench)",
                                                    instrument_version=version, languages=["en"])
        self.items = list(Item.objects.filter(version=version).order_by("position", "id")
                          .values_list("id", "role", "dimension"))
        self.team_level = self.rng.normal(0, 0.4, len(self.teams))
        self.wave_ids: list[int] = []
        users = get_user_model().objects
        self.owner = users.create_user("owner@bench-dashboard.test", PASSWORD)
        self.manager = users.create_user("manager@bench-dashboard.test", PASSWORD)
        Membership.objects.create(user=self.owner, organisation=self.organisation, role=Membership.Role.OWNER)
        Membership.objects.create(user=self.manager, organisation=self.organisation, role=Membership.Role.MANAGER,
                                  unit=self.division)

    def wave_add(self, number: int) -> None:
        """One closed wave: everyone invited, PER_WAVE random people answered (COPY)."""
        from django.db import connection

        from assessments.models import Wave

        opens = datetime.datetime(2024, 1, 8, tzinfo=datetime.UTC) + datetime.timedelta(days=91 * (number - 1))
        closes = opens + datetime.timedelta(days=21)
        wave = Wave.objects.create(assessment=self.assessment, number=number, opens_at=opens, closes_at=closes,
                                   status=Wave.Status.CLOSED, opened_at=opens, closed_at=closes)
        self.wave_ids.append(wave.pk)
        answered = self.rng.permutation(N_PEOPLE)[:PER_WAVE]
        flags = [False] * N_PEOPLE
        for i in answered.tolist():
            flags[i] = True
        raw = connection.connection
        with raw.cursor() as cursor:
            buffer = io.StringIO()
            for i, person_id in enumerate(self.person_ids):
                buffer.write(f"{wave.pk}\t{person_id}\tbench{wave.pk:08x}{person_id:012x}\ten\t{opens}\t{opens}\t0\t\t"
                             f"{'t' if flags[i] else 'f'}\n")
            copy(cursor, "surveys_invitation (wave_id, person_id, token_hash, language, created_at, sent_at, "
                 "reminders_sent, last_error, answered)", buffer)
            self._responses(cursor, wave, number, answered, opens.date())
            cursor.execute("ANALYZE surveys_invitation")
            cursor.execute("ANALYZE surveys_response")
            cursor.execute("ANALYZE surveys_answer")
        raw.commit()

    def _responses(self, cursor, wave, number: int, answered, day: datetime.date) -> None:
        import numpy as np

        rng, n = self.rng, len(answered)
        scored = [(item_id, dim) for item_id, role, dim in self.items if role != "comment"]
        comments = [item_id for item_id, role, _dim in self.items if role == "comment"]
        groups = ["competence", "reliability", "integrity", "empathy"]
        group = np.array([groups.index(dim) if dim in groups else len(groups) for _id, dim in scored])
        shift = rng.normal(0, 0.2, len(groups) + 1)  # this wave's movement per dimension
        team = self.team_of_person[answered]
        level = 4.8 + self.team_level[team] + rng.normal(0, 0.7, n) + 0.05 * number
        values = np.clip(np.round(level[:, None] + shift[group] + rng.normal(0, 0.9, (n, len(scored)))), 1, 7)
        dont_know = rng.random(values.shape) < 0.03
        commented = rng.random((n, len(comments))) < 0.1
        prefix = f"{wave.pk:08x}"
        buffer = io.StringIO()
        for i, t in enumerate(team.tolist()):
            buffer.write(f"{prefix}{i:024x}\t{wave.pk}\t{self.teams[t]}\t{{}}\ten\t{day}\t\\N\tbench{prefix}{i}\n")
        copy(cursor, "surveys_response (id, wave_id, unit_id, attributes, language, submitted_on, invitation_id, "
             "submission_key)", buffer)
        for start in range(0, n, 5000):
            buffer = io.StringIO()
            for i in range(start, min(start + 5000, n)):
                response = f"{prefix}{i:024x}"
                row, dk = values[i].astype(int).tolist(), dont_know[i].tolist()
                for c, (item_id, _dim) in enumerate(scored):
                    buffer.write(f"{prefix}{i:012x}{c:012x}\t{response}\t{item_id}\t{NULL if dk[c] else row[c]}\t\n")
                for c, item_id in enumerate(comments):
                    if commented[i, c]:
                        text = COMMENTS[(i + c) % len(COMMENTS)]
                        buffer.write(f"{prefix}{i:012x}{c + 900:012x}\t{response}\t{item_id}\t{NULL}\t{text}\n")
            copy(cursor, "surveys_answer (id, response_id, item_id, value, text)", buffer)

    def pages(self) -> list[tuple[str, object, str]]:
        """(label, logged-in client, path) per page and role."""
        from django.test import Client

        out = []
        for role, user in (("owner", self.owner), ("manager", self.manager)):
            client = Client()
            client.force_login(user)
            base = f"/o/{SLUG}/dashboard/"
            out += [(f"{role}: dashboard", client, base),
                    (f"{role}: unit ({self.division.path})", client, f"{base}units/{self.division.pk}/"),
                    (f"{role}: heatmap", client, f"{base}heatmap/")]
        return out


def copy(cursor, table: str, buffer: io.StringIO) -> None:
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} FROM STDIN", buffer)


def timed_build(label: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one snapshots_build run; the CPU time is less
    disturbed by other processes on a shared machine (PostgreSQL's own work is not in it)."""
    from reports.snapshots import snapshots_build

    t0, c0 = time.perf_counter(), time.process_time()
    run = snapshots_build()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"snapshots_build, {label}: {elapsed:.2f} s wall, {cpu:.2f} s CPU (waves built: {run.waves_built}, "
          f"rows written: {run.rows_written:,}, status {run.status})")
    return elapsed, cpu


def build_full(figures: dict[str, str]) -> tuple[float, float]:
    """Time the full build and its peak resident memory (the peak is reset first: loading is not counted)."""
    from reports.models import TrendSnapshot

    rss_before = memory("VmRSS")
    reset = peak_reset()
    full, cpu = timed_build(f"full build of {N_WAVES} waves")
    peak = memory("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    hidden = TrendSnapshot.objects.filter(suppressed=True).values("wave", "unit").distinct().count()
    print(f"  {TrendSnapshot.objects.count():,} snapshot rows; {hidden} (wave, unit) groups suppressed")
    what = "peak RSS during the build" if reset else "ru_maxrss (peak since start: includes loading)"
    print(f"  memory: {mib(rss_before)} resident before the build, {what} {mib(peak)}")
    figures[f"snapshots: full build ({N_WAVES} waves)"] = f"{full:.2f} s wall, {cpu:.2f} s CPU"
    figures["snapshots: peak memory of full build"] = f"{mib(peak)} RSS ({mib(peak - rss_before)} above its start)"
    return full, cpu


def memory(key: str) -> int:
    """Bytes of a /proc/self/status line: VmRSS (now) or VmHWM (peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def peak_reset() -> bool:
    """Reset this process's peak RSS to its current RSS (Linux ≥ 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def aggregate_time(wave_ids: list[int], figures: dict[str, str]) -> float:
    from django.db import connection

    times, executions = [], []
    with connection.cursor() as cursor:
        cursor.execute(AGGREGATE, [wave_ids])  # warm-up: the pages' rows are in cache too
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            cursor.execute(AGGREGATE, [wave_ids])
            rows = cursor.fetchall()
            times.append(time.perf_counter() - t0)
        for _ in range(3):
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + AGGREGATE, [wave_ids])
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            executions.append(plan["Execution Time"] / 1000)
    median, explain = statistics.median(times), statistics.median(executions)
    print(f"PostgreSQL GROUP BY unit, item over {len(wave_ids)} waves ({len(rows):,} groups): median {median * 1000:.0f} ms "
          f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times)}); EXPLAIN (ANALYZE, TIMING OFF) execution {explain * 1000:.0f} ms")
    figures["PostgreSQL aggregate (client, median)"] = f"{median * 1000:.0f} ms"
    figures["PostgreSQL aggregate (EXPLAIN ANALYZE)"] = f"{explain * 1000:.0f} ms"
    return median


def statements_of(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        reply = client.get(path)
    assert reply.status_code == 200, (path, reply.status_code)
    return len(ctx.captured_queries)


def render_pages(pages, aggregate: float, figures: dict[str, str]) -> None:
    for label, client, path in pages:
        for _ in range(2):  # warm-up: templates, translations, caches
            client.get(path)
        statements = statements_of(client, path)
        times = []
        for _ in range(RENDERS):
            t0 = time.perf_counter()
            reply = client.get(path)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        ratio = median / aggregate
        print(f"{label} {path}: median {median * 1000:.0f} ms of {RENDERS} (runs: "
              f"{', '.join(f'{t * 1000:.0f}' for t in times)}), {statements} SQL statements, {len(reply.content):,} "
              f"bytes; {ratio:.2f}× the aggregate ({'within' if ratio <= 2 else 'OVER'} 2×)")
        figures[label] = f"{median * 1000:.0f} ms, {statements} SQL, {ratio:.2f}× aggregate"


def summary(figures: dict[str, str]) -> None:
    width = max(len(k) for k in figures)
    print("\nsummary")
    print("-" * (width + 50))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
