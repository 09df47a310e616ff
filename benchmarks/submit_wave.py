"""Benchmark: submissions of one wave with 100,000 invitations, through the real answering view.

Prints SQL statements per submission, responses per second in-process (Django's test client calling
the real view) and over HTTP (gunicorn, 2 workers, loopback), and — in the same run, on the same
database — the rate of a plain PostgreSQL insert of the same rows (the response, its answers in one
multi-row INSERT, the invitation's answered flag; one transaction each), as a ratio.

Run (PostgreSQL): `make bench-submit`, i.e.
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustier .venv/bin/python benchmarks/submit_wave.py
It creates and drops its own test database. BENCH_INVITATIONS (100000), BENCH_SUBMISSIONS (1000).
"""

import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustier.settings.test")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()
import datetime  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.models import Assessment, Organisation, Person, Unit, Wave  # noqa: E402
from surveys.instrument_store import version_to_format  # noqa: E402
from surveys.models import Invitation, Item  # noqa: E402
from surveys.services import instruments_load_bundled  # noqa: E402
from surveys.tokens import token_hash, token_new  # noqa: E402

N_INVITED = int(os.environ.get("BENCH_INVITATIONS", "100000"))
N_SUBMIT = int(os.environ.get("BENCH_SUBMISSIONS", "1000"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def _setup() -> tuple[Wave, list[str], list[list[tuple[str, dict]]]]:
    org = Organisation.objects.create(name="Bench", slug="bench")
    units = Unit.objects.bulk_create([Unit(organisation=org, name=f"Team {i}", path=f"Team {i}") for i in range(50)])
    for unit in units:
        unit.tree_path = f"/{unit.pk}/"
    Unit.objects.bulk_update(units, ["tree_path"])
    people = Person.objects.bulk_create(
        [Person(organisation=org, external_id=f"P{i:06d}", email=f"p{i}@example.test", unit=units[i % 50], language="nl",
                attributes={"tenure": "1-3"}) for i in range(N_INVITED)], batch_size=5000)
    version = {v.instrument.key: v for v in instruments_load_bundled()}["core-inside"]
    assessment = Assessment.objects.create(organisation=org, name="Bench", instrument_version=version, languages=["nl"])
    now = timezone.now()
    wave = Wave.objects.create(assessment=assessment, number=1, opens_at=now - datetime.timedelta(hours=1),
                               closes_at=now + datetime.timedelta(days=14), status=Wave.Status.OPEN, opened_at=now)
    tokens = [token_new() for _ in people]
    Invitation.objects.bulk_create([Invitation(wave=wave, person=p, token_hash=token_hash(t), language="nl")
                                    for p, t in zip(people, tokens, strict=True)], batch_size=5000)
    instrument = version_to_format(version)
    rng = random.Random(1)
    walks = []  # per respondent: [(query, form)] one per section; the last one submits
    for _ in range(N_SUBMIT * 2 + 1):
        walk = []
        for number, section in enumerate(instrument.sections, start=1):
            last = number == len(instrument.sections)
            form = {"action": "submit" if last else "next", "nonce": uuid.uuid4().hex}
            for item in section.items:
                form[f"q_{item.key}"] = "" if item.role == "comment" else str(rng.randint(1, 7))
            walk.append((f"?s={number}&lang=nl", form))
        walks.append(walk)
    return wave, tokens, walks


def _in_process(tokens, walks) -> tuple[float, float, int]:
    """(final submits/s with drafts saved beforehand through the view, whole respondents/s, SQL statements of a submit)."""
    client = Client()

    def post(i, query, form):
        reply = client.post(f"/r/{tokens[i]}/{query}", form)
        assert reply.status_code == 302, reply.status_code

    for query, form in walks[0][:-1]:
        post(0, query, form)
    with CaptureQueriesContext(connection) as ctx:
        post(0, *walks[0][-1])
    statements = len(ctx.captured_queries)
    sections_time = submit_time = 0.0
    for i in range(1, N_SUBMIT + 1):
        t0 = time.perf_counter()
        for query, form in walks[i][:-1]:
            post(i, query, form)
        t1 = time.perf_counter()
        post(i, *walks[i][-1])
        sections_time += t1 - t0
        submit_time += time.perf_counter() - t1
    return N_SUBMIT / submit_time, N_SUBMIT / (sections_time + submit_time), statements


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _http(tokens, walks, offset: int, threads: int = 8) -> float:
    """Whole respondents per second: every section POSTed (a browser would also follow each redirect)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "trustier.settings.base", "DEBUG": "false",
           "SECRET_KEY": settings.SECRET_KEY,  # token hashes are keyed with it
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
           "DATABASE_URL": _test_database_url(), "TRUSTIER_RESPOND_LOOKUPS_PER_MINUTE": "100000000"}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen([os.path.join(ROOT, ".venv/bin/gunicorn"), "trustier.wsgi", "-w", "2", "-b", f"127.0.0.1:{PORT}",
                               "--log-level", "warning"], cwd=ROOT, env=env)
    opener = urllib.request.build_opener(_NoRedirect)
    errors = []
    try:
        _wait_for(f"http://127.0.0.1:{PORT}/health/")

        def work(indices):
            try:
                base = f"http://127.0.0.1:{PORT}/r/{tokens[indices[0]]}/{walks[indices[0]][0][0]}"
                with urllib.request.urlopen(base) as page:  # one GET for the CSRF cookie and form token
                    html = page.read().decode()
                    cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", "")).group(1)
                csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
                for i in indices:
                    for query, form in walks[i]:
                        url = f"http://127.0.0.1:{PORT}/r/{tokens[i]}/{query}"
                        data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": csrf}).encode()
                        request = urllib.request.Request(url, data=data, headers={"Cookie": f"csrftoken={cookie}", "Referer": url})
                        try:
                            opener.open(request).read()
                            raise RuntimeError("expected a redirect")
                        except urllib.error.HTTPError as exc:
                            if exc.code != 302:
                                raise RuntimeError(f"POST {exc.code}") from exc
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        indices = list(range(offset, offset + N_SUBMIT))
        workers = [threading.Thread(target=work, args=(indices[k::threads],)) for k in range(threads)]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - start
        if errors:
            raise errors[0]
        return N_SUBMIT / elapsed
    finally:
        server.terminate()
        server.wait(10)


def _wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _raw_postgres(wave: Wave, items: list[Item], invitation_ids: list[int]) -> float:
    """The same rows written with plain SQL, one transaction per response."""
    rng = random.Random(2)
    raw = connection.connection
    start = time.perf_counter()
    with raw.cursor() as cur:
        for invitation_id in invitation_ids:
            response_id = uuid.uuid4()
            cur.execute("UPDATE surveys_invitation SET answered = true WHERE id = %s AND NOT answered", [invitation_id])
            cur.execute("INSERT INTO surveys_response (id, wave_id, unit_id, attributes, language, submitted_on, submission_key) "
                        "VALUES (%s, %s, NULL, '{}', 'nl', CURRENT_DATE, %s)", [str(response_id), wave.pk, uuid.uuid4().hex])
            values = [(str(uuid.uuid4()), str(response_id), item.pk, rng.randint(1, 7)) for item in items]
            cur.execute("INSERT INTO surveys_answer (id, response_id, item_id, value, text) VALUES "
                        + ",".join(["(%s, %s, %s, %s, '')"] * len(values)), [v for row in values for v in row])
            raw.commit()
    return len(invitation_ids) / (time.perf_counter() - start)


def _open_ten_thousand(wave: Wave) -> None:
    """Opening a wave of 10,000 invitations through the real view: time, statements, emails waiting."""
    from django.contrib.auth import get_user_model

    from assessments.models import Membership
    from trustier.models import OutboxMessage

    org = wave.assessment.organisation
    owner = get_user_model().objects.create_user("owner@bench.test", "x" * 20)
    Membership.objects.create(user=owner, organisation=org, role="owner")
    assessment = Assessment.objects.create(organisation=org, name="Open 10k", instrument_version=wave.assessment.instrument_version,
                                           languages=["nl"])
    assessment.units.set(Unit.objects.filter(organisation=org).order_by("pk")[:5])  # 5 × 2,000 people
    now = timezone.now()
    draft = Wave.objects.create(assessment=assessment, number=1, opens_at=now, closes_at=now + datetime.timedelta(days=14))
    client = Client()
    client.force_login(owner)
    before = OutboxMessage.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        reply = client.post(f"/o/bench/assessments/waves/{draft.pk}/open/")
        elapsed = time.perf_counter() - t0
    assert reply.status_code == 302, reply.status_code
    invited = Invitation.objects.filter(wave=draft).count()
    print(f"opening a wave of {invited:,} invitations through the view: {elapsed:.2f} s, {len(ctx.captured_queries)} SQL statements, "
          f"{OutboxMessage.objects.count() - before:,} emails waiting in the outbox (none sent in the request)")


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL=postgres://... (this benchmark compares with plain PostgreSQL)")
    settings.TRUSTIER_RESPOND_LOOKUPS_PER_MINUTE = 10**8  # one client address makes every request here
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        t0 = time.perf_counter()
        wave, tokens, walks = _setup()
        print(f"setup: {N_INVITED:,} invitations in {time.perf_counter() - t0:.1f} s; {N_SUBMIT:,} submissions per measurement")
        _open_ten_thousand(wave)
        submit_rate, walk_rate, statements = _in_process(tokens, walks)
        items = list(Item.objects.filter(version=wave.assessment.instrument_version).exclude(role="comment"))
        print(f"SQL statements in the submitting request: {statements} (whatever the number of items; {len(items)} scored here)")
        ids = list(Invitation.objects.filter(wave=wave, answered=False).order_by("-id").values_list("id", flat=True)[:N_SUBMIT])
        raw_rate = _raw_postgres(wave, items, ids)
        print(f"plain PostgreSQL insert of the same rows (invitation flag + response + answers, one transaction): {raw_rate:,.0f} responses/s")
        print(f"in-process, final submit through the real view: {submit_rate:,.0f} responses/s = {submit_rate / raw_rate:.0%} of raw (target ≥ 15%)")
        print(f"in-process, whole respondent ({len(walks[0])} section POSTs incl. drafts): {walk_rate:,.0f} respondents/s = {walk_rate / raw_rate:.0%} of raw")
        http_rate = _http(tokens, walks, offset=N_SUBMIT + 1)
        print(f"over HTTP (gunicorn -w 2, 8 client threads, every section POSTed): {http_rate:,.0f} respondents/s = {http_rate / raw_rate:.0%} of raw")
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
