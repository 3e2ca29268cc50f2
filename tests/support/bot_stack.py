"""The whole assistant as real processes for tests: kiosk_api (own SQLite database with seeded dossiers),
the Rasa action server and the Rasa server with the trained model from models/current.tar.gz.

Used by the bot tests through a session fixture; the model is trained by ./scripts/test before pytest runs.
"""

from __future__ import annotations

import csv
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from deploy.processes import tail_logs, wait_http
from tests.support.constants import ROOT
from tests.support.ports import free_port

BOT = ROOT / "bot"
MODEL = ROOT / "models" / "current.tar.gz"
KIOSK = ROOT / ".venv" / "bin" / "kiosk"
RASA = ROOT / ".venv-bot" / "bin" / "rasa"
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"
STAFF_USER, STAFF_PASSWORD = "canbo_test", "mat-khau-thu-123"
# The stack's clock: kiosk_api starts at this moment (KIOSK_CLOCK_START) whatever the machine's date.
STACK_START = "2026-11-20T09:30:00+07:00"
STACK_TODAY = date(2026, 11, 20)

CSV_HEADER = [
    "ma_ho_so", "ma_thu_tuc", "ten_nguoi_nop", "so_dien_thoai", "kenh_nop",
    "ngay_tiep_nhan", "ngay_hen_tra", "ngay_co_ket_qua", "ngay_tra_ket_qua", "trang_thai",
]  # fmt: skip


@dataclass(frozen=True)
class SeededDossier:
    kind: str  # ok | done | late | missing | bad-phone
    code: str
    phone_last4: str


def seed_rows(today: date) -> tuple[list[list[str]], dict[str, SeededDossier]]:
    """Dossiers for each kind the evaluation set names, with known phone numbers."""
    d = lambda n: (today + timedelta(days=n)).isoformat()  # noqa: E731
    stamp = today.strftime("%y%m%d")
    rows = [
        # kind, code, procedure, phone, received, due, result, returned, status
        ("ok", f"000.00.06.H56-{stamp}-0101", "1.004873", "0912345101", d(-1), d(3), "", "", "dang_xu_ly"),
        ("done", f"000.00.06.H56-{stamp}-0102", "2.001035", "0912345102", d(-5), d(-3), d(-3), "", "co_ket_qua"),
        ("late", f"000.00.06.H56-{stamp}-0103", "1.004222", "0912345103", d(-20), d(-6), "", "", "dang_xu_ly"),
        ("bad-phone", f"000.00.06.H56-{stamp}-0104", "1.004194", "0912345104", d(-1), d(2), "", "", "dang_xu_ly"),
    ]
    csv_rows = [[code, proc, "Nguyễn Văn Thử", phone, "truc_tiep", rec, due, res, ret, st]
                for _, code, proc, phone, rec, due, res, ret, st in rows]  # fmt: skip
    seeded = {kind: SeededDossier(kind, code, phone[-4:]) for kind, code, _, phone, *_ in rows}
    seeded["missing"] = SeededDossier("missing", f"000.00.06.H56-{stamp}-9999", "0000")
    return csv_rows, seeded


@dataclass
class BotStack:
    api_url: str = ""
    rasa_url: str = ""
    dossiers: dict[str, SeededDossier] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    _procs: list[subprocess.Popen] = field(default_factory=list)
    _named: dict[str, subprocess.Popen] = field(default_factory=dict)
    _tmp: tempfile.TemporaryDirectory | None = None
    logs: Path | None = None
    actions_port: int = 0
    rasa_port: int = 0
    # The conversation id the server issued for each label a test chats under (/api/chat binds conversations).
    conversations: dict[str, str] = field(default_factory=dict)

    def start(self, timeout: float = 600.0, **overrides: str) -> BotStack:
        """Start the three processes; `overrides` are extra environment settings of kiosk_api (e.g. the default
        lookup limits instead of the generous ones the conversation tests use)."""
        if not MODEL.exists():
            raise RuntimeError(f"no trained model at {MODEL}: run ./scripts/test (it trains the model first)")
        self._tmp = tempfile.TemporaryDirectory(prefix="kiosk-bot-")
        tmp = Path(self._tmp.name)
        self.logs = tmp
        api_port, actions_port, rasa_port = free_port(), free_port(), free_port()
        self.api_url = f"http://127.0.0.1:{api_port}"
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "KIOSK_"))}
        env.update(
            DATABASE_URL=f"sqlite:///{tmp}/kiosk.sqlite3",
            KIOSK_VAR_DIR=str(tmp),
            KIOSK_SECRET_KEY="bot-test-secret",
            KIOSK_INTERNAL_TOKEN="bot-test-internal-token",
            KIOSK_PORT=str(api_port),
            KIOSK_API_URL=self.api_url,
            RASA_URL=self.rasa_url,
            ACTION_SERVER_URL=f"http://127.0.0.1:{actions_port}/webhook",
            KIOSK_LOOKUP_MAX_FAILURES="1000",
            KIOSK_LOOKUP_CODE_MAX_FAILURES="1000",
            KIOSK_CLOCK_START=STACK_START,
            KIOSK_RASA_TOKEN="bot-test-rasa-token",
            KIOSK_ACTIONS_TOKEN="bot-test-actions-token",
        )
        env.update(overrides)
        self.env = env
        rows, self.dossiers = seed_rows(STACK_TODAY)
        seed = tmp / "seed.csv"
        with seed.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(CSV_HEADER)
            w.writerows(rows)
        for cmd in (
            [KIOSK, "db", "upgrade"],
            [KIOSK, "dossiers", "import", str(seed)],
            [KIOSK, "staff", "create", STAFF_USER, "--full-name", "Cán bộ Thử", "--password", STAFF_PASSWORD],
        ):
            subprocess.run([str(c) for c in cmd], env=env, check=True, capture_output=True, cwd=ROOT)
        self._spawn("api", [str(KIOSK), "serve", "--port", str(api_port)], ROOT)
        self.actions_port, self.rasa_port = actions_port, rasa_port
        self._spawn("actions", [str(BOT_PYTHON), "-m", "actions.server", "--port", str(actions_port)], BOT)
        self._spawn(
            "rasa",
            [str(RASA), "run", "--enable-api", "--auth-token", env["KIOSK_RASA_TOKEN"], "-i", "127.0.0.1",
             "--port", str(rasa_port), "-m", str(MODEL)],
            BOT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        try:
            self._wait(f"{self.api_url}/healthz", deadline)
            self._wait(f"http://127.0.0.1:{actions_port}/health", deadline)
            self._wait(f"{self.rasa_url}/version", deadline)  # /status needs the API token
            # the measures are of the assistant with meaning, not while it embeds the catalogue at start
            while httpx.get(f"{self.api_url}/healthz", timeout=5).json().get("assistant") == "warming":
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the assistant did not warm up in time\n{self.tail()}")
                time.sleep(0.5)
        except BaseException:
            self.stop()  # leave no server behind when start-up fails
            raise
        return self

    def _spawn(self, name: str, cmd: list[str], cwd: Path) -> None:
        assert self.logs is not None
        log = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen(cmd, cwd=cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self._procs.append(proc)
        self._named[name] = proc

    def stop_process(self, name: str) -> None:
        proc = self._named[name]
        proc.terminate()
        proc.wait(timeout=30)
        self._procs.remove(proc)

    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self._named.items() if p.poll() is None}

    def _alive(self) -> None:
        for p in self._procs:
            if p.poll() is not None:
                raise RuntimeError(f"{p.args[:3]} exited with {p.returncode}; logs in {self.logs}\n{self.tail()}")

    def _wait(self, url: str, deadline: float) -> None:
        wait_http(url, deadline, self._alive, self.tail)

    def tail(self, n: int = 30) -> str:
        return tail_logs(self.logs, n)

    def chat(self, sender: str, message: str, client: httpx.Client | None = None) -> dict:
        """One message in the conversation the test calls `sender` (the server's conversation id is kept)."""
        return chat_turn(self.api_url, self.conversations, sender, message, client)

    def stop(self) -> None:
        for p in self._procs:
            p.terminate()
        for p in self._procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        self._procs.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def chat_turn(
    api_url: str, conversations: dict[str, str], label: str, message: str, client: httpx.Client | None = None
) -> dict:
    """POST /api/chat as the conversation a test calls `label`, keeping the conversation id the server issued."""
    c = client or httpx
    body = {"message": message}
    if label in conversations:
        body["sender_id"] = conversations[label]
    r = c.post(f"{api_url}/api/chat", json=body, timeout=60)
    r.raise_for_status()
    data = r.json()
    conversations[label] = data["sender_id"]
    return data


def reply_text(body: dict) -> str:
    return "\n".join(r.get("text") or "" for r in body["replies"])


def reply_buttons(body: dict) -> list[dict]:
    return [b for r in body["replies"] for b in (r.get("buttons") or [])]


@pytest.fixture(scope="module")
def stack() -> Iterator[BotStack]:
    """The whole assistant for one test module. A missing model fails the run instead of hiding the gap."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: ./scripts/test trains it before running pytest")
    s = BotStack().start()
    yield s
    s.stop()
