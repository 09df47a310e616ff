"""Benchmark: score one wave of 100,000 responses × 24 items in 50 units from PostgreSQL (issue 6).

Run: `make bench-score`, i.e.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustier_bench .venv/bin/python benchmarks/score_wave.py
The database is created (and migrated) when missing; the bench organisation's data is replaced on
every run and loaded with COPY. Prints the time of `reports.wave_scoring.wave_score` end to end, its
peak memory (tracemalloc in a separate run, and the process's ru_maxrss), and — in the same run —
the time PostgreSQL takes for the plain GROUP BY unit, item aggregate over the same rows, and the
ratio. Target (issue 6): within 10× of that aggregate, under 1 GB peak memory.
Environment: BENCH_RESPONSES (default 100000), BENCH_REPEAT (default 3).
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from urllib.parse import urlparse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustier.settings.test")

N_RESPONSES = int(os.environ.get("BENCH_RESPONSES", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
N_UNITS = 50  # 5 divisions × 10 teams; respondents sit in the teams
SLUG = "bench-score"
AGGREGATE = """
    SELECT r.unit_id, a.item_id, avg(a.value), count(*)
    FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
    WHERE r.wave_id = %s
    GROUP BY r.unit_id, a.item_id
"""


def ensure_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username,
                             password=parsed.password, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 1024 / 1024:,.0f} MiB"


def django_on_postgres() -> None:
    """Check DATABASE_URL, create the database when missing, set Django up and migrate (every benchmark)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("set DATABASE_URL=postgres://…/trustier_bench (the benchmark needs PostgreSQL)")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    django_on_postgres()
    wave, item_ids = setup_wave()
    t0 = time.perf_counter()
    load(wave, item_ids)
    print(f"loaded {N_RESPONSES:,} responses × {len(item_ids)} items in {N_UNITS} units "
          f"with COPY in {time.perf_counter() - t0:.1f} s")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    run_benchmark(wave)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"ru_maxrss: {mib(rss_before)} before scoring (after loading), {mib(rss_after)} after")


def setup_wave():
    from django.db import connection

    from assessments.models import Organisation
    from surveys import instrument_format as fmt
    from surveys.instrument_store import version_rows_create
    from surveys.models import Instrument, InstrumentVersion, Item
    from surveys.services import version_publish
    from tests.factories import AssessmentFactory, WaveFactory, unit_tree

    with connection.cursor() as cursor:  # the bench database is ours: start clean every run
        cursor.execute("TRUNCATE surveys_answer, surveys_response, surveys_invitation CASCADE")
    old = Organisation.objects.filter(slug=SLUG).first()
    if old is not None:
        old.assessments.all().delete()
        _delete_units(old)
        old.delete()
    organisation = Organisation.objects.create(name="Bench", slug=SLUG)
    unit_tree(organisation, [f"Division {d}/Team {t}" for d in range(5) for t in range(10)])
    # 24 scored items: core-inside's 19 plus a second wording of five dimension items
    core = fmt.load_bundled("core-inside")
    first = core.sections[0]
    extra = tuple(replace(item, key=f"{item.key}_b", pulse=False) for item in first.items if item.role == "dimension")[:5]
    source = replace(core, key="bench-24", sections=(replace(first, items=first.items + extra), *core.sections[1:]))
    instrument, _ = Instrument.objects.get_or_create(organisation=None, key="bench-24",
                                                      defaults={"name": dict(core.name)})
    instrument.versions.exclude(status=InstrumentVersion.Status.PUBLISHED).delete()  # a failed earlier run
    version = instrument.versions.order_by("-number").first()
    if version is None:
        version = version_publish(version=version_rows_create(instrument=instrument, source=replace(source, version=1),
                                                              number=1), actor=None)
    assessment = AssessmentFactory(organisation=organisation, instrument_version=version)
    wave = WaveFactory(assessment=assessment, number=1)
    item_ids = list(Item.objects.filter(version=version).exclude(role="comment").order_by("position", "id")
                    .values_list("id", flat=True))
    return wave, item_ids


def _delete_units(organisation) -> None:
    while organisation.units.exists():  # children first (parent is PROTECT)
        organisation.units.filter(children__isnull=True).delete()


def load(wave, item_ids: list[int]) -> None:
    import numpy as np
    from django.db import connection

    teams = list(wave.assessment.organisation.units.filter(parent__isnull=False).values_list("id", flat=True))
    assert len(teams) == N_UNITS, len(teams)
    rng = np.random.default_rng(2026)
    k = len(item_ids)
    unit_of = rng.integers(0, N_UNITS, N_RESPONSES)
    level = rng.normal(4.8, 1.0, (N_RESPONSES, 1)) + rng.normal(0, 0.3, N_UNITS)[unit_of][:, None]
    values = np.clip(np.round(level + rng.normal(0, 0.9, (N_RESPONSES, k))), 1, 7).astype(int)
    dont_know = rng.random(values.shape) < 0.03
    raw = connection.connection
    with raw.cursor() as cursor:
        buffer = io.StringIO()
        for i in range(N_RESPONSES):
            buffer.write(f"{i:032x}\t{wave.id}\t{teams[unit_of[i]]}\t{{}}\tnl\t2026-01-05\t\\N\tbench{i}\n")
        buffer.seek(0)
        cursor.copy_expert("COPY surveys_response (id, wave_id, unit_id, attributes, language, submitted_on, "
                           "invitation_id, submission_key) FROM STDIN", buffer)
        chunk = 10_000
        for start in range(0, N_RESPONSES, chunk):
            buffer = io.StringIO()
            for i in range(start, min(start + chunk, N_RESPONSES)):
                row, dk = values[i].tolist(), dont_know[i].tolist()
                for c in range(k):
                    value = "\\N" if dk[c] else row[c]
                    buffer.write(f"{i:016x}{c:016x}\t{i:032x}\t{item_ids[c]}\t{value}\t\n")
            buffer.seek(0)
            cursor.copy_expert("COPY surveys_answer (id, response_id, item_id, value, text) FROM STDIN", buffer)
        cursor.execute("ANALYZE surveys_response")
        cursor.execute("ANALYZE surveys_answer")
    raw.commit()


def run_benchmark(wave) -> None:
    from django.db import connection

    from reports.wave_scoring import wave_score

    score_times, aggregate_times = [], []
    result = None
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        result = wave_score(wave)
        score_times.append(time.perf_counter() - t0)
        with connection.cursor() as cursor:
            t0 = time.perf_counter()
            cursor.execute(AGGREGATE, [wave.id])
            rows = cursor.fetchall()
            aggregate_times.append(time.perf_counter() - t0)
    tracemalloc.start()
    wave_score(wave)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    score, aggregate = statistics.median(score_times), statistics.median(aggregate_times)
    hidden = sum(1 for u in result["units"].values() if u["suppressed"])
    print(f"scored: n={result['n']:,}, {len(result['units'])} units ({hidden} suppressed), "
          f"competence alpha={result['dimensions']['competence']['alpha']:.3f}, "
          f"drivers R²={result['drivers']['r_squared']:.3f}; aggregate returned {len(rows):,} rows")
    print(f"wave_score end to end: median {score:.2f} s (runs: {', '.join(f'{t:.2f}' for t in score_times)})")
    print(f"PostgreSQL GROUP BY unit, item aggregate: median {aggregate:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in aggregate_times)})")
    print(f"ratio wave_score / aggregate: {score / aggregate:.1f}× (target ≤ 10×)")
    print(f"peak memory of wave_score (tracemalloc): {mib(peak)} (target < 1 GB)")


if __name__ == "__main__":
    main()
