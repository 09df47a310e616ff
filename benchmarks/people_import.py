"""Benchmark: import 10,000 people (CSV → read → plan → apply) and print the time for each step.

Run: `make bench-import` (SQLite), or with DATABASE_URL=postgres://… for PostgreSQL.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustier.settings.test")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()
from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402,F401

from assessments.models import Organisation  # noqa: E402
from assessments.people_import import people_import_apply, people_import_plan, people_import_read  # noqa: E402

N = int(os.environ.get("BENCH_ROWS", "10000"))


def main() -> None:
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        lines = ["external_id;email;first_name;last_name;language;unit;manager"]
        for i in range(N):
            manager = f"P{i // 10:05d}" if i >= 10 else ""
            lines.append(f"P{i:05d};p{i}@example.test;First{i};Last{i};nl;Division {i % 5}/Team {i % 50};{manager}")
        data = "\n".join(lines).encode()
        org = Organisation.objects.create(name="Bench", slug="bench")
        t0 = time.perf_counter()
        rows = people_import_read(name="people.csv", data=data)
        t1 = time.perf_counter()
        plan = people_import_plan(organisation=org, rows=rows)
        t2 = time.perf_counter()
        people_import_apply(actor=None, organisation=org, rows=rows)
        t3 = time.perf_counter()
        again = people_import_apply(actor=None, organisation=org, rows=rows)
        t4 = time.perf_counter()
        assert plan.ok and len(plan.create) == N and again.unchanged == N
        print(f"database: {connection.vendor}; rows: {N}")
        print(f"read {t1 - t0:.2f} s · plan {t2 - t1:.2f} s · first apply (read+plan+write) {t3 - t2:.2f} s · re-apply (no changes) {t4 - t3:.2f} s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
