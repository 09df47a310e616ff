"""Benchmark: exports of one wave with 100,000 responses in 50 teams (issue 8).

Run: `make bench-exports`, i.e.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustier_bench .venv/bin/python benchmarks/exports.py
Uses the dashboard benchmark's data generator (benchmarks/dashboard.py: its database is EMPTIED at the
start) with one closed wave of BENCH_RESPONSES (100,000) responses, then a second wave of a quarter of
that, to show whether peak memory follows the number of rows. Prints, measured in the same run:
- the organisation PDF (reports.pdf_report.report_pdf, as the owner): time and peak resident memory;
- the respondent-level CSV and XLSX (reports.exports.respondents_table → reports.tabular): time and peak
  memory, and PostgreSQL's own `COPY (the same pivot query) TO STDOUT WITH CSV` of the same rows as the
  baseline (ratio; target: CSV within 3× of COPY);
- the figures CSV.
Peak memory is each export's peak Python allocation (tracemalloc, one extra run): flat means it does
not grow with the number of rows.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tracemalloc

os.environ.setdefault("BENCH_WAVES", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dashboard import PER_WAVE, Bench  # noqa: E402 - after the environment is set
from score_wave import django_on_postgres, mib  # noqa: E402

REPEAT = max(3, int(os.environ.get("BENCH_REPEAT", "3")))


def measured(label: str, run) -> tuple[float, int]:
    """(median seconds over REPEAT runs, peak Python allocation of one more run under tracemalloc).

    Resident memory says little here: the process already holds the generated data, and freed pages
    are reused. tracemalloc counts what the export itself allocates (a list of all rows would show)."""
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    median = statistics.median(times)
    print(f"  {label}: {median:.2f} s (median of {REPEAT}), peak Python allocation {mib(peak)}")
    return median, peak


def main() -> None:
    django_on_postgres()
    from django.db import connection

    from assessments.access import access_for_user
    from assessments.models import Wave
    from reports.exports import figures_table, respondents_table
    from reports.models import ReportExport
    from reports.pdf_report import report_pdf
    from reports.snapshots import snapshots_build
    from reports.tabular import csv_write, xlsx_write
    from reports.wave_scoring import pivot_sql, wave_specs

    t0 = time.perf_counter()
    bench = Bench()
    bench.wave_add(1)
    print(f"data: one closed wave of {PER_WAVE:,} responses in {len(bench.teams)} teams, loaded in "
          f"{time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    snapshots_build()
    print(f"snapshots built in {time.perf_counter() - t0:.1f} s")
    access = access_for_user(user=bench.owner, slug=bench.organisation.slug)
    figures: dict[str, str] = {}
    out = tempfile.mkdtemp(prefix="bench-exports-")

    def exports_of(wave: Wave, rows: int) -> None:
        print(f"wave {wave.number} ({rows:,} responses):")
        _specs, item_ids = wave_specs(wave.assessment.instrument_version)
        copy_sql = connection.ops.compose_sql(*pivot_sql(wave, item_ids, order_by=("id",)))  # what the CSV streams

        def copy_out() -> None:
            with connection.cursor() as cursor, open(os.path.join(out, "copy.csv"), "w") as target:
                cursor.cursor.copy_expert(f"COPY ({copy_sql}) TO STDOUT WITH CSV HEADER", target)

        def csv_out() -> None:
            table = respondents_table(wave)
            with open(os.path.join(out, "r.csv"), "w", encoding="utf-8-sig", newline="") as target:
                csv_write(target, table.header, table.rows)

        def xlsx_out() -> None:
            table = respondents_table(wave)
            xlsx_write(os.path.join(out, "r.xlsx"), [(table.title, table.header, table.rows)])

        copy_s, _copy_peak = measured("PostgreSQL COPY of the same pivot (baseline)", copy_out)
        csv_s, csv_peak = measured("respondent CSV", csv_out)
        xlsx_s, xlsx_peak = measured("respondent XLSX", xlsx_out)
        figures[f"CSV, {rows:,} rows"] = (f"{csv_s:.2f} s vs COPY {copy_s:.2f} s = {csv_s / copy_s:.1f}×; "
                                          f"peak {mib(csv_peak)}")
        figures[f"XLSX, {rows:,} rows"] = f"{xlsx_s:.2f} s = {xlsx_s / copy_s:.1f}× COPY; peak {mib(xlsx_peak)}"

    wave = Wave.objects.get(pk=bench.wave_ids[0])
    export = ReportExport(organisation=bench.organisation, wave=wave, format="pdf", language="en")
    pdf_s, pdf_peak = measured("organisation PDF (owner)", lambda: report_pdf(access=access, export=export))
    figures["PDF, organisation, 50 teams"] = f"{pdf_s:.2f} s; peak {mib(pdf_peak)} (target < 10 s)"
    def figures_out() -> None:
        with open(os.devnull, "w") as target:
            csv_write(target, *_table(figures_table(wave)))

    fig_s, _peak = measured("figures CSV", figures_out)
    figures["figures CSV"] = f"{fig_s:.2f} s"
    exports_of(wave, PER_WAVE)
    bench.wave_add(2)  # the generator's wave size; exports of a smaller wave for the memory comparison
    small = Wave.objects.get(pk=bench.wave_ids[1])
    Wave.objects.filter(pk=small.pk).update(number=2)
    _shrink(small, PER_WAVE // 4)
    snapshots_build()
    exports_of(small, PER_WAVE // 4)
    print("\nsummary (same run, same machine):")
    for key, value in figures.items():
        print(f"  {key:32} {value}")


def _table(table):
    return table.header, table.rows


def _shrink(wave, keep: int) -> None:
    """Delete all but `keep` responses of `wave` (and their answers), in SQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_answer WHERE response_id IN (SELECT id FROM surveys_response "
                       "WHERE wave_id = %s ORDER BY id OFFSET %s)", [wave.pk, keep])
        cursor.execute("DELETE FROM surveys_response WHERE id IN (SELECT id FROM surveys_response WHERE wave_id = %s "
                       "ORDER BY id OFFSET %s)", [wave.pk, keep])


if __name__ == "__main__":
    main()
