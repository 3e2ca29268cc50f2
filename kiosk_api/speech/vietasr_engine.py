"""The `viet-asr` engine (PyPI package with an embedded Vietnamese ONNX model): works fully offline.

The native pipeline is a closed alpha binary: calls into one pipeline are serialised with a lock.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from .base import EngineUnavailable, Transcript

log = logging.getLogger(__name__)


class VietAsrRecognizer:
    name = "viet-asr"

    def __init__(self) -> None:
        try:
            import vietasr
        except ImportError as exc:  # pragma: no cover - the package is a dependency
            raise EngineUnavailable("The viet-asr package is not installed (pip install viet-asr).") from exc
        try:
            self._pipeline = vietasr.Pipeline.new().add("vietasr").build()
        except Exception as exc:  # the native library raises its own errors
            raise EngineUnavailable(f"viet-asr could not load its model: {exc}") from exc
        self._lock = threading.Lock()
        log.info("speech recognition: viet-asr model loaded")

    def transcribe(self, pcm: np.ndarray) -> Transcript:
        with self._lock:
            result = self._pipeline.transcribe(np.ascontiguousarray(pcm, dtype=np.int16), 16000.0)
        return Transcript(_clean(result.text))

    def stream(self) -> VietAsrSession:
        with self._lock:
            session = self._pipeline.stream(16000.0)
        return VietAsrSession(session, self._lock)


class VietAsrSession:
    def __init__(self, session, lock: threading.Lock) -> None:
        self._session = session
        self._lock = lock

    def accept(self, pcm: np.ndarray) -> None:
        if pcm.size:
            with self._lock:
                self._session.accept(np.ascontiguousarray(pcm, dtype=np.int16).tobytes())

    def partial(self) -> str:
        with self._lock:
            return _clean(self._session.partial().text)

    def final(self) -> Transcript:
        with self._lock:
            text = self._session.final().text
        self.close()
        return Transcript(_clean(text))

    def close(self) -> None:
        with self._lock:
            self._session.close()


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())
