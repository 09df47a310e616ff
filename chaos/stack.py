"""A throw-away Trustier stack on 127.0.0.1: its own PostgreSQL 15 cluster, Redis, gunicorn and Celery.

Nothing here touches the shared services: every server gets a free port and a temporary directory,
and `Stack.close()` (called from `with Stack() as stack:`, also on failure and Ctrl-C) stops every
process group it started and removes the directory. PostgreSQL refuses to run as root, so as root
the cluster runs as the system user `trustier-chaos` (created with `useradd --system` when missing).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
PG_BIN = "/usr/lib/postgresql/15/bin"
PG_USER = "trustier-chaos"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, *, timeout: float, interval: float = 0.2, what: str = "condition") -> float:
    """Poll `check()` until it is truthy; seconds waited. Raises TimeoutError after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if check():
                return time.monotonic() - start
        except Exception:  # noqa: BLE001 - a server still starting
            pass
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout:.0f} s")


class Stack:
    def __init__(self, *, visibility_timeout: int = 15, gunicorn_workers: int = 2, gunicorn_threads: int = 4):
        self.dir = tempfile.mkdtemp(prefix="trustier-chaos-")
        os.chmod(self.dir, 0o755)
        self.pg_port, self.redis_port, self.http_port = free_port(), free_port(), free_port()
        self.pg_data = os.path.join(self.dir, "pg")
        self.procs: dict[str, subprocess.Popen] = {}
        self.strays: list[subprocess.Popen] = []  # killed workers: their orphaned children are reaped at close
        self.gunicorn_workers, self.gunicorn_threads = gunicorn_workers, gunicorn_threads
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "trustier.settings.base",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; the cookies are handled by the clients
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/trustier_chaos",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",  # sweep for abandoned tasks every 10 s, not every 100 s
            "TRUSTIER_DATA_DIR": os.path.join(self.dir, "data"),
            "TRUSTIER_RESPOND_LOOKUPS_PER_MINUTE": "100000000",  # every simulated respondent shares one IP
            "PYTHONUNBUFFERED": "1",
        }
        self.log = open(os.path.join(self.dir, "servers.log"), "ab")  # noqa: SIM115 - closed in close()

    # --- context manager ----------------------------------------------------------------------
    def __enter__(self) -> Stack:
        try:
            self.start_postgres(init=True)
            self.start_redis()
            self.manage("migrate", "--noinput", "-v0")
            self.manage("collectstatic", "--noinput", "-v0")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name)
        for proc in self.strays:
            _killpg(proc, signal.SIGKILL)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        if os.path.exists(os.path.join(self.pg_data, "postmaster.pid")):
            self._pg("pg_ctl", "-D", self.pg_data, "-m", "immediate", "-w", "stop", check=False)
        self.log.close()
        if os.environ.get("CHAOS_KEEP_DIR"):
            print(f"(kept {self.dir})")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- processes ----------------------------------------------------------------------------
    def spawn(self, name: str, argv: list[str], **kwargs) -> subprocess.Popen:
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True,
                                **kwargs)
        self.procs[name] = proc
        return proc

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        _killpg(proc, sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _killpg(proc, signal.SIGKILL)
            proc.wait(5)
        _killpg(proc, signal.SIGKILL)  # anything left in its group

    def manage(self, *args: str) -> None:
        subprocess.run([os.path.join(VENV_BIN, "python"), "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                       stdout=self.log, stderr=self.log)

    # --- PostgreSQL ---------------------------------------------------------------------------
    def _pg(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        argv = [os.path.join(PG_BIN, tool), *args]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", PG_USER, "--", *argv]
        return subprocess.run(argv, check=check, stdout=self.log, stderr=self.log, timeout=120)

    def start_postgres(self, *, init: bool = False) -> None:
        if init:
            if os.geteuid() == 0:
                if subprocess.run(["id", "-u", PG_USER], capture_output=True).returncode != 0:
                    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                                   check=True)
                shutil.chown(self.dir, user=PG_USER)
            self._pg("initdb", "-D", self.pg_data, "--auth=trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")
            with open(os.path.join(self.pg_data, "postgresql.conf"), "a") as conf:
                conf.write("\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n"
                           "shared_buffers = 256MB\n")
        self._pg("pg_ctl", "-D", self.pg_data, "-o", f"-p {self.pg_port} -k {self.dir} -c listen_addresses=127.0.0.1",
                 "-l", os.path.join(self.dir, "pg.log"), "-w", "start")
        if init:
            self.psql("CREATE DATABASE trustier_chaos")

    def restart_postgres(self) -> None:
        self._pg("pg_ctl", "-D", self.pg_data, "-m", "fast", "-w", "restart", "-o",
                 f"-p {self.pg_port} -k {self.dir} -c listen_addresses=127.0.0.1")

    def psql(self, sql: str) -> None:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.pg_port, user="postgres", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql)
        conn.close()

    # --- Redis --------------------------------------------------------------------------------
    def start_redis(self) -> None:
        self.spawn("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", self.dir])
        wait_until(lambda: _tcp_open(self.redis_port), timeout=10, what="redis")

    def stop_redis(self) -> None:
        self.stop("redis")

    # --- gunicorn and Celery ------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start_gunicorn(self) -> None:
        self.spawn("gunicorn", [os.path.join(VENV_BIN, "gunicorn"), "trustier.wsgi", "-b", f"127.0.0.1:{self.http_port}",
                                "--workers", str(self.gunicorn_workers), "--threads", str(self.gunicorn_threads),
                                "--timeout", "60", "--log-level", "warning"])
        wait_until(lambda: urllib.request.urlopen(self.base_url + "/health/", timeout=2).status == 200, timeout=30,
                   what="gunicorn")

    def start_worker(self, name: str = "worker", concurrency: int = 1, hostname: str | None = None) -> subprocess.Popen:
        return self.spawn(name, [os.path.join(VENV_BIN, "celery"), "-A", "trustier", "worker", "--pool", "prefork",
                                 "--concurrency", str(concurrency), "--loglevel", "INFO", "--without-gossip",
                                 "--without-mingle", "-n", hostname or f"{name}-{secrets.token_hex(3)}@chaos"])

    def start_beat(self) -> None:
        self.spawn("beat", [os.path.join(VENV_BIN, "celery"), "-A", "trustier", "beat", "--loglevel", "WARNING",
                            "-s", os.path.join(self.dir, "celerybeat-schedule")])


def _tcp_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _killpg(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def django_setup(stack: Stack) -> None:
    """Set Django up in this (orchestrating) process against the stack's database and Redis."""
    for key in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL",
                "CELERY_VISIBILITY_TIMEOUT", "TRUSTIER_DATA_DIR", "SECURE_SSL_REDIRECT"):
        os.environ[key] = stack.env[key]
    sys.path.insert(0, ROOT)
    import django

    django.setup()
