"""Speech synthesis behind a `Synthesizer` interface, with an on-disk cache.

`EspeakSynthesizer` speaks with espeak-ng's Vietnamese voices through a
dedicated worker process (tts_worker.py, started on first use, which runs the espeak-ng program per request):
requests wait for it in a thread, never on the event loop, and a crash or hang cannot take the server down (the
worker is restarted).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

# Chosen with bench/tts_intelligibility.py (viet-asr's word error rate on the voice reading 20 real answer
# sentences, 2026-12-07): espeak-ng's defaults, 140 wpm and pitch 50, 83.5 %; 110 wpm 86.0 %; 170 wpm 77.8 %;
# 200 wpm 89.7 %; 170 wpm with pitch 70 72.8 % (the central and southern variants 94 % and 91 %). No setting makes
# espeak-ng's Vietnamese easy to follow: a Piper voice does (kiosk models install tts-voice).
SPEECH_RATE_WPM = 170
SPEECH_PITCH = 70  # espeak-ng's 0–99 (default 50)
SPEECH_WORD_GAP = 4  # espeak-ng's pause between words, in 10 ms (bench/tts_intelligibility.py: WER 79.1 % → 76.7 %)
SLOW_FACTOR = 0.75  # "Đọc chậm hơn": three quarters of the usual pace
SYNTH_TIMEOUT_SECONDS = 60


class SynthesisUnavailable(RuntimeError):
    """The synthesiser cannot run here; the message says what to install."""


@dataclass(frozen=True)
class Voice:
    key: str
    label: str
    engine_id: str


VOICES = {
    "north": Voice("north", "Giọng miền Bắc", "aav/vi"),
    "central": Voice("central", "Giọng miền Trung", "aav/vi-vn-x-central"),
    "south": Voice("south", "Giọng miền Nam", "aav/vi-vn-x-south"),
}


class Synthesizer(Protocol):
    name: str  # what speaks, for operators ("espeak-ng", "piper:vi_VN-…")
    voices: dict[str, Voice]

    @property
    def cache_id(self) -> str:
        """The engine and its settings: cached speech of other settings is not reused."""

    def available(self) -> str | None:
        """None when synthesis can run, else why not (for operators)."""

    def synthesize(self, text: str, voice: str, *, slow: bool = False) -> bytes:
        """Speech for already-normalised `text` as WAV bytes (blocking); `slow`: for a listener who asked to hear
        it more slowly."""

    def close(self) -> None: ...


# ---- the worker process -------------------------------------------------------------------------


class _Worker:
    """One `python -m kiosk_api.speech.tts_worker` child process and its pipes."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk_api.speech.tts_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parents[2],
        )

    def _read(self, n: int, deadline: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("speech synthesis took too long")
            chunk = os.read(fd, n - got)
            if not chunk:
                raise BrokenPipeError("the speech synthesis worker exited")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def request(self, text: str, voice_id: str, rate: int, pitch: int, gap: int, timeout: float) -> bytes:
        assert self.proc.stdin is not None
        request = {"text": text, "voice": voice_id, "rate": rate, "pitch": pitch, "gap": gap}
        line = json.dumps(request, ensure_ascii=False) + "\n"
        self.proc.stdin.write(line.encode())
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        header = self._read(6, deadline)
        tag, size = header[:2], struct.unpack(">I", header[2:])[0]
        payload = self._read(size, deadline)
        if tag != b"OK":
            raise SynthesisUnavailable(f"espeak-ng failed: {payload.decode(errors='replace')}")
        return payload

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.stdin:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


class EspeakSynthesizer:
    name = "espeak-ng"
    voices = VOICES

    def __init__(self, rate: int = SPEECH_RATE_WPM, pitch: int = SPEECH_PITCH, gap: int = SPEECH_WORD_GAP) -> None:
        self.rate = rate
        self.pitch = pitch
        self.gap = gap
        self._worker: _Worker | None = None
        self._lock = threading.Lock()  # one request at a time through the worker's pipes

    @property
    def cache_id(self) -> str:
        return f"{self.name}:{self.rate}:{self.pitch}" + (f":{self.gap}" if self.gap else "")

    def available(self) -> str | None:
        if shutil.which("espeak-ng") is None and shutil.which("espeak") is None:
            return "espeak-ng is not installed (sudo apt-get install espeak-ng)"
        return None

    def synthesize(self, text: str, voice: str, *, slow: bool = False) -> bytes:
        problem = self.available()
        if problem:
            raise SynthesisUnavailable(problem)
        voice_id = self.voices[voice].engine_id
        with self._lock:
            for attempt in (1, 2):
                if self._worker is None or not self._worker.alive():
                    self._worker = _Worker()
                try:
                    rate = round(self.rate * SLOW_FACTOR) if slow else self.rate
                    data = self._worker.request(text, voice_id, rate, self.pitch, self.gap, SYNTH_TIMEOUT_SECONDS)
                except (OSError, TimeoutError, struct.error) as exc:
                    log.error("speech synthesis worker failed (%s); restarting it", type(exc).__name__)
                    self._worker.proc.kill()
                    self._worker.stop()
                    self._worker = None
                    if attempt == 2:
                        raise SynthesisUnavailable("the speech synthesis worker failed") from exc
                    continue
                if len(data) <= 44:
                    raise SynthesisUnavailable("espeak-ng produced no audio (is the Vietnamese voice installed?)")
                return data
        raise AssertionError("unreachable")

    def worker_pid(self) -> int | None:
        worker = self._worker
        return worker.proc.pid if worker is not None and worker.alive() else None

    def close(self) -> None:
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()


# ---- the cache ----------------------------------------------------------------------------------


class TtsCache:
    """WAV files under `directory`, keyed by sha256(engine, voice, normalised text); least recently used files
    are removed when the folder grows beyond `max_bytes`."""

    def __init__(self, directory: Path, max_bytes: int = 100 * 1024 * 1024) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    @staticmethod
    def key(engine: str, voice: str, text: str) -> str:
        return hashlib.sha256(f"{engine}\x00{voice}\x00{text}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.wav"

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used
        return data

    def put(self, key: str, data: bytes) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self._path(key))
            self._prune()
        except OSError as exc:  # a full or read-only disk must not break speaking
            log.warning("speech cache not written: %s", exc)

    def _prune(self) -> None:
        with self._lock:
            files = []
            for p in self.directory.glob("*.wav"):
                try:
                    st = p.stat()
                except FileNotFoundError:
                    continue
                files.append((st.st_mtime, st.st_size, p))
            total = sum(size for _, size, _ in files)
            for _, size, path in sorted(files, key=lambda f: f[0]):
                if total <= self.max_bytes:
                    break
                path.unlink(missing_ok=True)
                total -= size
