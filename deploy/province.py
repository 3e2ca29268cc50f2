"""The province profile: one deployment for every commune of a province, on PostgreSQL and Redis, with replicas.

    ./scripts/start --province [--replicas 2] [--port 8000] [--database-url URL] [--redis-url URL]

What runs (each a separate process, logs under VAR/logs/):
- PostgreSQL: the server at --database-url (its `kiosk` and `rasa_tracker` databases are created when missing),
  else a cluster of its own under VAR/pg, started here and stopped on exit;
- Redis: the server at --redis-url, else one started here (no persistence: it only holds Rasa's locks);
- N kiosk_api replicas (`kiosk serve`), N Rasa servers and N action servers, all on loopback;
- HAProxy in front of each service: citizens and staff reach the kiosk_api replicas at --host:--port, kiosk_api
  reaches Rasa and Rasa its action servers through HAProxy too, so any replica can die without losing a
  conversation (Rasa's tracker store is in PostgreSQL, its lock store in Redis).

The schema is migrated and the catalogue synchronised once, before the replicas start. The replicas share one
secret key (KIOSK_SECRET_KEY, else VAR/secret_key). KIOSK_TRUSTED_PROXIES is set to loopback so that the replicas
see the client's address that HAProxy forwards. Ctrl+C (or SIGTERM) stops everything this command started.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

import httpx
import psycopg
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from psycopg import sql

from .processes import tail_logs, wait_http

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "province"
KIOSK = ROOT / ".venv" / "bin" / "kiosk"
RASA = ROOT / ".venv-bot" / "bin" / "rasa"
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"
MODEL = ROOT / "models" / "current.tar.gz"
KIOSK_DB, TRACKER_DB = "kiosk", "rasa_tracker"
PG_USER = "kioskci"  # postgres refuses to run as root: the local cluster runs as this system user
READY_TIMEOUT = 900.0


@dataclass(frozen=True)
class Ports:
    """The public port and a block of internal ports for the replicas and the internal load balancers."""

    public: int
    first_internal: int
    replicas: int

    def _block(self, index: int) -> list[int]:
        start = self.first_internal + 4 + index * self.replicas
        return list(range(start, start + self.replicas))

    @property
    def rasa_front(self) -> int:
        return self.first_internal

    @property
    def actions_front(self) -> int:
        return self.first_internal + 1

    @property
    def redis(self) -> int:
        return self.first_internal + 2

    @property
    def postgres(self) -> int:
        return self.first_internal + 3

    @property
    def kiosk(self) -> list[int]:
        return self._block(0)

    @property
    def rasa(self) -> list[int]:
        return self._block(1)

    @property
    def actions(self) -> list[int]:
        return self._block(2)

    def all(self) -> list[int]:
        fronts = range(self.first_internal, self.first_internal + 4)  # rasa, actions, redis, postgres
        return [self.public, *fronts, *self.kiosk, *self.rasa, *self.actions]


@dataclass(frozen=True)
class Service:
    """One load-balanced service, as the HAProxy template reads it."""

    name: str
    bind: str
    port: int
    health: str
    replicas: list[int]


def haproxy_config(ports: Ports, host: str, stats_socket: Path) -> str:
    services = [
        Service("kiosk", host, ports.public, "/healthz", ports.kiosk),
        Service("rasa", "127.0.0.1", ports.rasa_front, "/version", ports.rasa),
        Service("actions", "127.0.0.1", ports.actions_front, "/health", ports.actions),
    ]
    env = Environment(loader=FileSystemLoader(HERE), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("haproxy.cfg.j2").render(services=services, stats_socket=stats_socket)


def server_url_with_db(server_url: str, db: str) -> str:
    """The URL of database `db` on the server of `server_url` (a postgresql:// URL)."""
    parts = urlsplit(server_url)
    return parts._replace(path=f"/{db}").geturl()


def ensure_databases(server_url: str, names: Sequence[str]) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        for name in names:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class Province:
    """Starts and stops the profile's processes; `start()` returns once every replica answers its health check."""

    var: Path
    ports: Ports
    host: str = "127.0.0.1"
    database_url: str | None = None  # a PostgreSQL server (any database on it); None: a local cluster in var/pg
    redis_url: str | None = None  # None: a Redis server started here
    extra_env: dict[str, str] = field(default_factory=dict)
    pg_home: Path | None = None  # where the local cluster lives (default VAR, or /var/tmp/… when run as root)
    db_prefix: str = ""  # the databases are PREFIXkiosk and PREFIXrasa_tracker (tests use a fresh prefix)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    _pg_stop: list[str] | None = None

    @property
    def logs(self) -> Path:
        return self.var / "logs"

    @property
    def databases(self) -> tuple[str, str]:
        return f"{self.db_prefix}{KIOSK_DB}", f"{self.db_prefix}{TRACKER_DB}"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.ports.public}"

    # ---- the shared engines --------------------------------------------------------------------------------
    def _runas(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        if subprocess.run(["id", PG_USER], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--system", "--no-create-home", PG_USER], check=True)
        return ["runuser", "-u", PG_USER, "--"]

    def _local_postgres(self) -> str:
        pgbin = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
        if pgbin is None:
            raise SystemExit("Cần PostgreSQL (PostgreSQL is needed): apt-get install postgresql, or --database-url")
        runas = self._runas()
        home = self.pg_home
        if home is None and runas:
            # The cluster's files belong to its own user, who must reach them: outside a private home folder.
            digest = hashlib.sha256(str(self.var.resolve()).encode()).hexdigest()[:12]
            home = Path("/var/tmp") / f"kiosk-province-{digest}"
        data = (home or self.var) / "pg"
        data.parent.mkdir(parents=True, exist_ok=True)
        if runas:
            shutil.chown(data.parent, PG_USER)
        port = self.ports.postgres
        if not (data / "PG_VERSION").exists():
            subprocess.run(
                [*runas, str(pgbin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8"],
                check=True, capture_output=True,
            )  # fmt: skip
        log = data.parent / "postgres.log"
        subprocess.run(
            [*runas, str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
             "-o", f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1", "start"],
            check=True, capture_output=True,
        )  # fmt: skip
        self._pg_stop = [*runas, str(pgbin / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]
        return f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def _redis(self) -> tuple[str, int]:
        if self.redis_url:
            parts = urlsplit(self.redis_url)
            return parts.hostname or "127.0.0.1", parts.port or 6379
        server = shutil.which("redis-server")
        if server is None:
            raise SystemExit("Cần Redis (Redis is needed): apt-get install redis-server, or --redis-url")
        (self.var / "redis").mkdir(parents=True, exist_ok=True)
        self._spawn(
            "redis",
            [server, "--port", str(self.ports.redis), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.var / "redis")],
        )  # fmt: skip
        return "127.0.0.1", self.ports.redis

    # ---- processes -------------------------------------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str], cwd: Path = ROOT) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(cmd, cwd=cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def _run(self, *args: str) -> str:
        done = subprocess.run([str(KIOSK), *args], env=self.env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"kiosk {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start(self, timeout: float = READY_TIMEOUT) -> Province:
        if not MODEL.exists():
            raise SystemExit(f"no trained model at {MODEL}: ./scripts/start trains it")
        busy = [p for p in self.ports.all() if not port_is_free(p)]
        if busy:
            raise SystemExit(f"Cổng đang bận (ports in use): {busy}")
        self.var.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, timeout: float) -> None:
        server = self.database_url or self._local_postgres()
        kiosk_db, tracker_db = self.databases
        ensure_databases(server, [kiosk_db, tracker_db])
        tracker = urlsplit(server)
        redis_host, redis_port = self._redis()
        p = self.ports
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "RASA_URL"))}
        self.env.update(
            DATABASE_URL=server_url_with_db(server, kiosk_db),
            KIOSK_VAR_DIR=str(self.var),
            KIOSK_TRUSTED_PROXIES="127.0.0.1",
            KIOSK_PUBLIC_BASE_URL=os.environ.get("KIOSK_PUBLIC_BASE_URL", self.url),
            RASA_URL=f"http://127.0.0.1:{p.rasa_front}",
            KIOSK_API_URL=f"http://127.0.0.1:{p.public}" if self.host in ("127.0.0.1", "0.0.0.0") else self.url,
            ACTION_SERVER_URL=f"http://127.0.0.1:{p.actions_front}/webhook",
            TRACKER_DB_HOST=tracker.hostname or "127.0.0.1",
            TRACKER_DB_PORT=str(tracker.port or 5432),
            TRACKER_DB_NAME=tracker_db,
            TRACKER_DB_USER=tracker.username or "postgres",
            TRACKER_DB_PASSWORD=tracker.password or "",
            TRACKER_DB_LOGIN="",
            LOCK_REDIS_HOST=redis_host,
            LOCK_REDIS_PORT=str(redis_port),
            LOCK_REDIS_DB="1",
        )
        self.env.update(self.extra_env)
        self._run("db", "upgrade")
        self._run("catalogue", "sync")
        # Reading the tokens creates VAR/secret_key when KIOSK_SECRET_KEY is unset: the replicas then share it.
        for line in self._run("service-tokens").splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            self.env.setdefault(name, value)
        (self.var / "haproxy.cfg").write_text(haproxy_config(p, self.host, self.stats_socket), encoding="utf-8")
        haproxy = shutil.which("haproxy")
        if haproxy is None:
            raise SystemExit("Cần HAProxy (HAProxy is needed): apt-get install haproxy")
        self._spawn("haproxy", [haproxy, "-db", "-f", str(self.var / "haproxy.cfg")])
        for i, port in enumerate(p.kiosk, 1):
            self._spawn(f"kiosk{i}", [str(KIOSK), "serve", "--host", "127.0.0.1", "--port", str(port)])
        for i, port in enumerate(p.actions, 1):
            self._spawn(f"actions{i}", [str(BOT_PYTHON), "-m", "actions.server", "--port", str(port)], ROOT / "bot")
        for i, port in enumerate(p.rasa, 1):
            self._spawn(
                f"rasa{i}",
                [str(RASA), "run", "--enable-api", "--auth-token", self.env["KIOSK_RASA_TOKEN"], "-i", "127.0.0.1",
                 "--port", str(port), "-m", str(MODEL), "--endpoints", str(HERE / "endpoints.yml")],
                ROOT / "bot",
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        for port in p.kiosk:
            self.wait_ready(f"http://127.0.0.1:{port}/healthz", deadline)
        for port in p.actions:
            self.wait_ready(f"http://127.0.0.1:{port}/health", deadline)
        for port in p.rasa:
            self.wait_ready(f"http://127.0.0.1:{port}/version", deadline)
        for port in p.kiosk:  # the replicas answer with meaning, not while they embed the catalogue
            while httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json().get("assistant") == "warming":
                self._check_alive()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"kiosk replica {port} did not warm up in time\n{self.tail()}")
                time.sleep(0.5)
        self.wait_ready(f"{self.url}/healthz", deadline)

    def _check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}\n{self.tail()}")

    def wait_ready(self, url: str, deadline: float) -> None:
        wait_http(url, deadline, self._check_alive, self.tail)

    @property
    def stats_socket(self) -> Path:
        return self.var / "haproxy.sock"

    def admin(self, command: str) -> str:
        """One command on HAProxy's admin socket (`show stat`, `set server rasa_replicas/rasa1 state maint`…)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(self.stats_socket))
            s.sendall(command.encode() + b"\n")
            return b"".join(iter(lambda: s.recv(65536), b"")).decode()

    def served(self, service: str) -> dict[str, int]:
        """Requests sent so far to each replica of `service` (kiosk, rasa, actions), from HAProxy's statistics."""
        rows = csv.DictReader(io.StringIO(self.admin("show stat").lstrip("# ")))
        backend = f"{service}_replicas"
        return {r["svname"]: int(r["stot"]) for r in rows if r["pxname"] == backend and r["svname"] != "BACKEND"}

    def set_state(self, service: str, replica: str, state: str) -> None:
        """Take a replica out of the rotation (`maint`: for a restart) or put it back (`ready`)."""
        answer = self.admin(f"set server {service}_replicas/{replica} state {state}").strip()
        if answer:
            raise RuntimeError(f"HAProxy: {answer}")

    def kill(self, name: str) -> None:
        """Kill one process outright (SIGKILL), as a crash would."""
        proc = self.procs.pop(name)
        proc.kill()
        proc.wait(timeout=30)

    def tail(self, n: int = 30) -> str:
        return tail_logs(self.logs, n)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()
        if self._pg_stop is not None:
            subprocess.run(self._pg_stop, capture_output=True)
            self._pg_stop = None


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./scripts/start --province", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="replicas of kiosk_api, Rasa and the action server")
    parser.add_argument("--host", default="127.0.0.1", help="address the public load balancer listens on")
    parser.add_argument("--port", type=int, default=int(os.environ.get("KIOSK_PORT", "8000")))
    parser.add_argument("--internal-port", type=int, default=18100, help="first of the internal ports")
    parser.add_argument("--database-url", default=os.environ.get("PROVINCE_DATABASE_URL"), help="PostgreSQL server")
    parser.add_argument("--redis-url", default=os.environ.get("PROVINCE_REDIS_URL"), help="redis://host:port")
    parser.add_argument("--var", type=Path, default=ROOT / "var" / "province", help="state, logs, local servers")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 16:
        parser.error("--replicas: 1 to 16")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    var: Path = args.var.resolve()
    province = Province(
        var=var,
        ports=Ports(args.port, args.internal_port, args.replicas),
        host=args.host,
        database_url=args.database_url,
        redis_url=args.redis_url,
    )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        print(f"Khởi động hồ sơ tỉnh (starting the province profile, {args.replicas} replicas each)…", flush=True)
        province.start()
        print(f"Trợ lý Một cửa (tỉnh): {province.url} — logs in {province.logs}", flush=True)
        while True:
            for name, proc in list(province.procs.items()):
                if proc.poll() is not None:
                    print(f"{name} exited with {proc.returncode}; HAProxy sends its work to the others", flush=True)
                    province.procs.pop(name)
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl+C must not cut the clean stop short
            signal.signal(sig, signal.SIG_IGN)
        province.stop()


if __name__ == "__main__":
    main()
