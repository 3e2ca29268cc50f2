"""Engine interfaces: a recogniser turns 16 kHz mono PCM16 into a `Transcript`, in one go or streamed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


class EngineUnavailable(RuntimeError):
    """The engine cannot run here (package or model missing, model broken); the message says what to do."""


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float | None = None
    """Mean word confidence 0–1 where the engine reports one (Vosk); None when it does not (viet-asr)."""


class StreamSession(Protocol):
    """One utterance being recognised while it is spoken."""

    def accept(self, pcm: np.ndarray) -> None:
        """Feed int16 mono 16 kHz samples."""

    def partial(self) -> str:
        """The text recognised so far (may change)."""

    def final(self) -> Transcript:
        """End of speech: the final transcript. The session is closed afterwards."""

    def close(self) -> None: ...


class Recognizer(Protocol):
    name: str

    def transcribe(self, pcm: np.ndarray) -> Transcript:
        """Recognise a whole utterance (int16 mono 16 kHz)."""

    def stream(self) -> StreamSession:
        """A streaming session for one utterance."""
