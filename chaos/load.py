"""`make load` (T11): 500 simulated respondents against gunicorn + PostgreSQL + Redis on this machine.

1. locust headless, `-u 500 -r 50`, think time 5–30 s before every POST, LOAD_MINUTES (default 3) long;
2. a no-think stress run (LOAD_STRESS_USERS, default 50, for LOAD_STRESS_SECONDS, default 30) for the
   saturation rate;
3. `wrk -t2 -c100` on the login page (a GET baseline) when wrk is installed (Debian package `wrk`).
Everything runs on the same cores (locust too), so the saturation figure is a floor, not a ceiling.
Prints the reported line and exits 1 when any request failed.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from chaos.stack import ROOT, VENV_BIN, Stack, django_setup  # noqa: E402

MINUTES = float(os.environ.get("LOAD_MINUTES", "3"))
USERS = int(os.environ.get("LOAD_USERS", "500"))
SPAWN_RATE = int(os.environ.get("LOAD_SPAWN_RATE", "50"))
STRESS_USERS = int(os.environ.get("LOAD_STRESS_USERS", "50"))
STRESS_SECONDS = int(os.environ.get("LOAD_STRESS_SECONDS", "30"))
GUNICORN_WORKERS = int(os.environ.get("LOAD_GUNICORN_WORKERS", "2"))
GUNICORN_THREADS = int(os.environ.get("LOAD_GUNICORN_THREADS", "4"))


def note(text: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S', time.gmtime())}] {text}", flush=True)


def locust(stack: Stack, seed_file: str, prefix: str, *, users: int, rate: int, seconds: int, tokens: tuple[int, int],
           think: tuple[float, float]) -> dict[str, str]:
    env = {**stack.env, "LOAD_SEED_FILE": seed_file, "LOAD_TOKEN_OFFSET": str(tokens[0]), "LOAD_TOKEN_END": str(tokens[1]),
           "LOAD_THINK_MIN": str(think[0]), "LOAD_THINK_MAX": str(think[1])}
    argv = [os.path.join(VENV_BIN, "locust"), "-f", os.path.join(ROOT, "chaos", "locustfile.py"), "--headless",
            "-u", str(users), "-r", str(rate), "-t", f"{seconds}s", "--host", stack.base_url, "--csv", prefix,
            "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING"]
    with open(prefix + ".log", "wb") as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            proc.wait(seconds + 120)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, 9)
                proc.wait(10)
    with open(prefix + "_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    return rows["Aggregated"] | {"_rows": rows}


def _warm_up(stack: Stack, token: str) -> None:
    """A few GETs per gunicorn thread first (imports, templates, translations), so the run measures a warm server."""
    import urllib.request

    for _ in range(stack.gunicorn_workers * stack.gunicorn_threads * 2):
        for path in ("/accounts/login/", f"/r/{token}/?s=1&lang=nl"):  # a GET never uses up an invitation
            urllib.request.urlopen(stack.base_url + path, timeout=10).read()


def wrk(stack: Stack) -> str | None:
    if shutil.which("wrk") is None:
        return None
    out = subprocess.run(["wrk", "-t2", "-c100", "-d15s", "--timeout", "10s", stack.base_url + "/accounts/login/"],
                         capture_output=True, text=True, timeout=60).stdout
    rate = next((line.split()[-1] for line in out.splitlines() if line.startswith("Requests/sec")), "?")
    bad = next((line.strip() for line in out.splitlines() if "Non-2xx" in line or "Socket errors" in line), "")
    return f"{rate} req/s" + (f" ({bad})" if bad else "")


def main() -> int:
    print(f"make load — {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"{USERS} users, {MINUTES:g} min, gunicorn {GUNICORN_WORKERS}×{GUNICORN_THREADS}", flush=True)
    seconds = int(MINUTES * 60)
    # About one respondent per user per 80 s with think time, and a generous pool for the stress run.
    load_tokens = USERS * (math.ceil(seconds / 60) + 2)
    stress_tokens = STRESS_USERS * STRESS_SECONDS * 4
    with Stack(gunicorn_workers=GUNICORN_WORKERS, gunicorn_threads=GUNICORN_THREADS) as stack:
        django_setup(stack)
        from chaos.seed import seed as make_seed

        t0 = time.monotonic()
        seed = make_seed(invitations=load_tokens + stress_tokens)
        seed_file = os.path.join(stack.dir, "seed.json")
        with open(seed_file, "w") as handle:
            json.dump({"tokens": seed.tokens, "sections": seed.sections}, handle)
        note(f"seeded {len(seed.tokens)} invitations in {time.monotonic() - t0:.1f} s")
        stack.start_gunicorn()
        stack.start_worker("worker")
        stack.start_beat()

        note(f"locust -u {USERS} -r {SPAWN_RATE} -t {seconds}s, think 5–30 s before each POST")
        _warm_up(stack, seed.tokens[-1])
        load = locust(stack, seed_file, os.path.join(stack.dir, "load"), users=USERS, rate=SPAWN_RATE, seconds=seconds,
                      tokens=(stress_tokens, len(seed.tokens)), think=(5, 30))
        for name, row in load["_rows"].items():
            note(f"  {name}: {row['Request Count']} requests, {row['Failure Count']} failures, p50 {row['50%']} ms, "
                 f"p95 {row['95%']} ms, p99 {row['99%']} ms")
        note(f"locust no-think stress: -u {STRESS_USERS} for {STRESS_SECONDS} s")
        stress = locust(stack, seed_file, os.path.join(stack.dir, "stress"), users=STRESS_USERS, rate=STRESS_USERS,
                        seconds=STRESS_SECONDS, tokens=(0, stress_tokens), think=(0, 0))
        note(f"  stress: {stress['Request Count']} requests, {stress['Failure Count']} failures, "
             f"{float(stress['Requests/s']):.0f} req/s, p50 {stress['50%']} ms, p95 {stress['95%']} ms")
        from django.db import connection

        from surveys.models import Response

        stored = Response.objects.filter(wave_id=seed.wave_id).count()
        connection.close()
        baseline = wrk(stack)
        note(f"wrk -t2 -c100 -d15s GET /accounts/login/: {baseline}" if baseline else
             "wrk not installed (apt-get install wrk): GET baseline skipped")
        submits = int(load["_rows"].get("POST /r/[token]/ (submit)", {}).get("Request Count", 0))
        stress_submits = int(stress["_rows"].get("POST /r/[token]/ (submit)", {}).get("Request Count", 0))
        note(f"responses stored: {stored} (load submits {submits} + stress submits {stress_submits})")
    errors = int(load["Failure Count"]) + int(stress["Failure Count"])
    line = (f"{USERS} concurrent respondents: {int(load['Failure Count'])} errors, p50/p95/p99 = "
            f"{load['50%']}/{load['95%']}/{load['99%']} ms, saturation {float(stress['Requests/s']):.0f} req/s")
    print(f"\n== make load ==\nT11 {'PASS' if errors == 0 else 'FAIL'}  {line}"
          + (f"\n    (stress-run errors: {stress['Failure Count']})" if int(stress["Failure Count"]) else "")
          + (f"\n    wrk GET baseline /accounts/login/: {baseline}" if baseline else "\n    wrk: not installed, skipped"))
    return 0 if errors == 0 and submits > 0 and stored >= submits + stress_submits else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
