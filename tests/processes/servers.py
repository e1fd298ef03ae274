"""Throwaway servers and the portal's own processes, for the fault tests (tests/processes/) and
`make bench-faults`: a PostgreSQL cluster and a Redis of their own, on free ports, that may be
restarted and stopped without touching the machine's; gunicorn and Celery as production runs them."""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Motdepasse-Solide-1"  # every UserFactory user's


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float, interval: float = 0.05):
    """condition()'s first true value within timeout seconds, else None."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > end:
            return value
        time.sleep(interval)


def missing_tools() -> list[str]:
    """What the fault tests need on the machine and it lacks."""
    needs = {"redis-server": shutil.which("redis-server"), "initdb": _postgres_bin("initdb")}
    return [name for name, path in needs.items() if not path]


def _postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


def _stop(*processes: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM to each process group at once, SIGKILL to what is left after timeout."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        os.killpg(process.pid, signal.SIGTERM)
    end = time.monotonic() + timeout
    for process in running:
        try:
            process.wait(max(0.1, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class PostgresCluster:
    """A cluster of its own in a temporary directory, run by the postgres user (PostgreSQL refuses
    root); durability off, which only a crash would notice."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/choruspro"
        shutil.chown(self.directory, "postgres")
        self._as_postgres(_postgres_bin("initdb"), "-D", self.data, "-U", "postgres", "-A", "trust",
                          "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        self.pg_ctl("start", "-o", options, "-l", self.directory / "log")
        self._as_postgres(_postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "choruspro")

    def _as_postgres(self, *command):
        subprocess.run(["runuser", "-u", "postgres", "--", *map(str, command)], check=True,  # noqa: S603,S607
                       stdout=subprocess.DEVNULL, cwd=self.directory)  # fmt: skip

    def pg_ctl(self, action: str, *options) -> None:
        self._as_postgres(_postgres_bin("pg_ctl"), action, "-D", self.data, "-w", "-m", "fast", *options)

    def restart(self) -> float:
        """A fast restart (sessions cut, as in an upgrade or a failover); its duration in seconds."""
        start = time.monotonic()
        self.pg_ctl("restart")
        return time.monotonic() - start

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self.pg_ctl("stop")
        shutil.rmtree(self.directory, ignore_errors=True)


class RedisServer:
    """A Redis of its own, without persistence: a stop loses what it held, as a crash would."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
        assert wait_until(self._answers, 10), "redis-server did not start"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        _stop(self.process)


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/accounts/login/", timeout=5).status_code == 200
    except requests.RequestException:
        return False


class Portal:
    """The portal's processes on those servers: gunicorns and Celery workers, with the test settings
    (fast password hashing, e-mails kept in memory) but the real rate limits and real tasks on Redis."""

    def __init__(self, database: PostgresCluster, redis: RedisServer):
        self.env = {
            **os.environ,
            "DATABASE_URL": database.url,
            "REDIS_URL": redis.url,
            "TEST_REDIS_SHIFTED": "1",  # this Redis is the test's own: no per-xdist-worker database
            "TEST_REAL_RATE_LIMITS": "1",
            "DJANGO_SETTINGS_MODULE": "choruspro.settings.test",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        self.urls: list[str] = []  # one per gunicorn, the first under load
        self.processes: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return self.urls[0]

    def manage(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,  # noqa: S603
                                check=True, capture_output=True, text=True)  # fmt: skip
        return result.stdout

    def seed(self, users: int, lot_members: int, lots: int = 1) -> dict:
        """tests/processes/seed.py in this portal's database: suppliers, a recipient, lots."""
        command = [sys.executable, "-m", "tests.processes.seed", str(users), str(lot_members), str(lots)]
        result = subprocess.run(command, cwd=ROOT, env=self.env, check=True, capture_output=True, text=True)  # noqa: S603
        return json.loads(result.stdout.splitlines()[-1])

    def _spawn(self, command: list[str], **env: str) -> subprocess.Popen:
        process = subprocess.Popen(command, cwd=ROOT, env={**self.env, **env}, start_new_session=True)  # noqa: S603
        self.processes.append(process)
        return process

    def start_web(self, workers: int) -> None:
        """A gunicorn of `workers` processes, answering once wait_for_web() says so."""
        port = free_port()
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [gunicorn, "choruspro.wsgi", "--config", "gunicorn.conf.py", "--log-level", "warning"]
        self._spawn(command, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers))
        self.urls.append(f"http://127.0.0.1:{port}")

    def wait_for_web(self) -> None:
        for url in self.urls:
            assert wait_until(lambda url=url: _answers(url), 90, 0.2), f"gunicorn did not answer on {url}"

    def start_worker(self) -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "choruspro", "worker", "-Q", "celery,deposits",
                   "--pool=prefork", "--concurrency=1", "--loglevel=WARNING", "--without-heartbeat",
                   "--without-mingle", "--without-gossip", "-n", f"faults{len(self.workers)}@%h"]  # fmt: skip
        worker = self._spawn(command)
        self.workers.append(worker)
        return worker

    def sweep(self) -> str:
        """The periodic sweeps as beat runs them, dated past their grace delay (3 minutes)."""
        return self.manage("shell", "-c", "from tests.processes.seed import sweep; sweep()")

    def close(self) -> None:
        _stop(*self.processes)
