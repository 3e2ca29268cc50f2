"""The speech service of one running app: picks the recognition engine from the settings, loads engines lazily
(once per process, in a worker thread), caches synthesised speech, and reports what is available.

The app starts without any engine loaded; a missing or broken engine is reported (status, 503), never raised
into the server.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np

from ..domain.speech_text import normalise_for_speech
from ..domain.spoken_answer import for_the_ear
from ..settings import Settings
from .base import EngineUnavailable, Recognizer, StreamSession, Transcript
from .piper_engine import PiperSynthesizer, installed_voices
from .tts import VOICES, EspeakSynthesizer, SynthesisUnavailable, Synthesizer, TtsCache

log = logging.getLogger(__name__)

RETRY_LOAD_SECONDS = 60.0
UNAVAILABLE_MESSAGE = "Chức năng nói chưa sẵn sàng, ông/bà vui lòng chạm màn hình để hỏi."


@dataclass(frozen=True)
class EngineChoice:
    name: str
    reason: str


def choose_engine(settings: Settings) -> EngineChoice:
    """The configured engine, or Vosk when its model directory exists, else viet-asr; with the reason."""
    if settings.asr_engine:
        return EngineChoice(settings.asr_engine, "set by KIOSK_ASR_ENGINE")
    if settings.vosk_model_dir.is_dir():
        return EngineChoice("vosk", f"Vosk model found at {settings.vosk_model_dir}")
    return EngineChoice(
        "viet-asr",
        f"no Vosk model at {settings.vosk_model_dir} (install one with `kiosk models download vosk-vn`); "
        "using viet-asr, which embeds its model",
    )


@dataclass(frozen=True)
class VoiceChoice:
    """Who reads answers aloud, and why."""

    synthesizer: Synthesizer
    reason: str

    @property
    def label(self) -> str:
        """For /healthz, the speech status and the staff dashboard: "piper:vi_VN-…" or "espeak-ng"."""
        return self.synthesizer.name


def choose_synthesizer(settings: Settings) -> VoiceChoice:
    """A Piper voice installed under KIOSK_TTS_VOICES_DIR (with auto: a Vietnamese one only), else espeak-ng."""
    if settings.tts_engine != "espeak":
        voices = installed_voices(settings.tts_voices_dir)
        wanted = settings.tts_piper_voice
        if wanted:
            voices = [v for v in voices if v.name == wanted]
        elif settings.tts_engine == "auto":
            voices = [v for v in voices if v.vietnamese]
        if voices:
            voice = voices[0]
            return VoiceChoice(PiperSynthesizer(voice), f"Piper voice {voice.name} ({voice.language})")
        missing = f"no {'Vietnamese ' if settings.tts_engine == 'auto' and not wanted else ''}Piper voice"
        missing += f" {wanted}" if wanted else ""
        reason = f"{missing} under {settings.tts_voices_dir}: espeak-ng speaks"
        if settings.tts_engine == "piper":
            log.error("KIOSK_TTS_ENGINE=piper but %s", reason)
        return VoiceChoice(EspeakSynthesizer(), reason)
    return VoiceChoice(EspeakSynthesizer(), "set by KIOSK_TTS_ENGINE=espeak")


@dataclass(frozen=True)
class Speech:
    """Synthesised speech: WAV bytes, whether it came from the cache, and the text actually spoken."""

    wav: bytes
    cached: bool
    spoken_text: str


class SpeechService:
    def __init__(
        self,
        settings: Settings,
        catalogue=None,
        synthesizer: Synthesizer | None = None,
        recognizer: Recognizer | None = None,
    ) -> None:
        """`recognizer`/`synthesizer`: engines already loaded (shared between apps in one process), else the
        configured ones are made on first use."""
        self.settings = settings
        self.catalogue = catalogue
        self.choice = choose_engine(settings)
        self._recognizer: Recognizer | None = recognizer
        self._load_error: str | None = None
        self._failed_at = 0.0
        self._lock = threading.Lock()
        self.voice_choice = VoiceChoice(synthesizer, "given") if synthesizer else choose_synthesizer(settings)
        self.synthesizer: Synthesizer = self.voice_choice.synthesizer
        self.cache = TtsCache(settings.var_dir / "tts-cache", int(settings.tts_cache_mb * 1024 * 1024))
        log.info("speech recognition engine: %s (%s)", self.choice.name, self.choice.reason)
        log.info("speech synthesis: %s (%s)", self.voice_choice.label, self.voice_choice.reason)

    # ---- recognition ----------------------------------------------------------------------------

    def _load(self) -> Recognizer:
        if self.choice.name == "vosk":
            from .vosk_engine import VoskRecognizer

            vocabulary = None
            if self.settings.vosk_grammar and self.catalogue is not None:
                from .vocabulary import catalogue_vocabulary

                vocabulary = catalogue_vocabulary(self.catalogue)
            return VoskRecognizer(self.settings.vosk_model_dir, vocabulary)
        from .vietasr_engine import VietAsrRecognizer

        return VietAsrRecognizer()

    def recognizer(self) -> Recognizer:
        """The loaded engine (loading it on first use; blocking). Raises EngineUnavailable with the reason."""
        with self._lock:
            if self._recognizer is not None:
                return self._recognizer
            if self._load_error and time.monotonic() - self._failed_at < RETRY_LOAD_SECONDS:
                raise EngineUnavailable(self._load_error)
            try:
                self._recognizer = self._load()
            except EngineUnavailable as exc:
                self._load_error, self._failed_at = str(exc), time.monotonic()
                log.error("speech recognition unavailable: %s; the kiosk falls back to touch", exc)
                raise
            self._load_error = None
            return self._recognizer

    def recognition_problem(self) -> str | None:
        """Why recognition cannot run, without loading anything (None when it probably can)."""
        if self._recognizer is not None:
            return None
        if self._load_error and time.monotonic() - self._failed_at < RETRY_LOAD_SECONDS:
            return self._load_error
        if self.choice.name == "vosk":
            from .vosk_engine import model_problem

            return model_problem(self.settings.vosk_model_dir)
        try:
            import vietasr  # noqa: F401
        except ImportError:
            return "the viet-asr package is not installed"
        return None

    def transcribe(self, pcm: np.ndarray) -> Transcript:
        return self.recognizer().transcribe(pcm)

    def stream(self) -> StreamSession:
        return self.recognizer().stream()

    # ---- synthesis ------------------------------------------------------------------------------

    def voice(self, voice: str | None) -> str:
        return voice or self.settings.tts_voice

    def synthesize(self, text: str, voice: str | None = None, *, slow: bool = False) -> Speech:
        """WAV for `text` read by `voice`, more slowly with `slow` (blocking: call it from a worker thread). Raises
        ValueError for text with nothing to say, SynthesisUnavailable when the synthesiser cannot run."""
        voice = self.voice(voice)
        if voice not in VOICES:
            raise ValueError(f"unknown voice {voice!r}")
        spoken = normalise_for_speech(text)
        if not any(ch.isalnum() for ch in spoken):
            raise ValueError("nothing to say")
        key = self.cache.key(f"{self.synthesizer.cache_id}{':slow' if slow else ''}", voice, spoken)
        cached = self.cache.get(key)
        if cached is not None:
            return Speech(cached, True, spoken)
        wav = self.synthesizer.synthesize(spoken, voice, slow=slow)
        if self.settings.tts_cache_mb > 0:
            self.cache.put(key, wav)
        return Speech(wav, False, spoken)

    @staticmethod
    def script(text: str) -> list[str]:
        """The sentences to read aloud for an answer as shown (spoken_answer.for_the_ear); ValueError when there
        is nothing to say."""
        sentences = for_the_ear(text)
        if not any(ch.isalnum() for sentence in sentences for ch in sentence):
            raise ValueError("nothing to say")
        return sentences

    def synthesis_problem(self) -> str | None:
        return self.synthesizer.available()

    # ---- status ---------------------------------------------------------------------------------

    def status(self) -> dict:
        rec_problem = self.recognition_problem()
        tts_problem = self.synthesis_problem()
        if rec_problem is None and tts_problem is None:
            message = (
                f"Nhận dạng giọng nói: {self.choice.name} ({self.choice.reason}). "
                f"Đọc to: {self.voice_choice.label} ({self.voice_choice.reason})."
            )
        else:
            parts = [UNAVAILABLE_MESSAGE if rec_problem else ""]
            if rec_problem:
                parts.append(f"Nhận dạng giọng nói không chạy được: {rec_problem}.")
            if tts_problem:
                parts.append(f"Đọc to không chạy được: {tts_problem}.")
            message = " ".join(p for p in parts if p)
        return {
            "recognition": rec_problem is None,
            "synthesis": tts_problem is None,
            "engine": self.choice.name,
            "engine_reason": self.choice.reason,
            "voice": self.voice_choice.label,
            "voice_reason": self.voice_choice.reason,
            "voices": [{"key": v.key, "label": v.label} for v in VOICES.values()],
            "default_voice": self.settings.tts_voice,
            "max_seconds": self.settings.speech_max_seconds,
            "message": message,
        }

    def close(self) -> None:
        self.synthesizer.close()


__all__ = ["EngineUnavailable", "SpeechService", "SynthesisUnavailable", "choose_engine"]
