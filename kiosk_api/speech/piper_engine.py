"""A natural voice: Piper (the `piper-tts` package: a VITS voice run by onnxruntime on the CPU, its own espeak-ng
phonemiser inside) behind the same `Synthesizer` interface as espeak-ng.

Voices are installed from files by an operator (`kiosk models install tts-voice`, voice_install.py) into
models/tts/<voice>/ as the pair `<voice>.onnx` + `<voice>.onnx.json`; nothing is downloaded at run time. The
service speaks with an installed Vietnamese voice when there is one (KIOSK_TTS_ENGINE=auto), else with espeak-ng.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .tts import SLOW_FACTOR, VOICES, SynthesisUnavailable, Voice

log = logging.getLogger(__name__)

CONFIG_SUFFIX = ".onnx.json"


@dataclass(frozen=True)
class InstalledVoice:
    """An installed Piper voice: its model, its config, the language the config names (e.g. vi_VN)."""

    name: str
    model: Path
    config: Path
    language: str

    @property
    def vietnamese(self) -> bool:
        return self.language.lower().startswith("vi")


def read_voice(model: Path) -> InstalledVoice | None:
    """The voice whose model is `model` (its config beside it), or None when the pair is incomplete or the config
    is not a Piper voice config."""
    config = model.with_name(model.name + ".json")
    if not (model.is_file() and config.is_file()):
        return None
    try:
        data: dict[str, Any] = json.loads(config.read_text(encoding="utf-8"))
        language = data.get("language", {}).get("code") or data.get("espeak", {}).get("voice") or ""
        int(data["audio"]["sample_rate"])
        data["phoneme_id_map"]  # noqa: B018 (present in every Piper voice config)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return InstalledVoice(model.name.removesuffix(".onnx"), model, config, str(language))


def installed_voices(directory: Path) -> list[InstalledVoice]:
    """Every complete voice under `directory` (one folder per voice, or the pairs directly in it), by name."""
    if not directory.is_dir():
        return []
    found = (read_voice(model) for model in sorted(directory.rglob("*.onnx")))
    return sorted((v for v in found if v is not None), key=lambda v: v.name)


class PiperSynthesizer:
    """One Piper voice, loaded on first use; synthesis runs under a lock (one onnxruntime session)."""

    def __init__(self, voice: InstalledVoice) -> None:
        self.voice = voice
        self.name = f"piper:{voice.name}"
        label = f"Giọng tự nhiên ({voice.name})"
        # One voice for every regional choice of the kiosk: the voice is what was installed.
        self.voices = {key: Voice(key, label, voice.name) for key in VOICES}
        self._loaded: Any = None
        self._error: str | None = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._loaded is None:
            try:
                from piper import PiperVoice
            except ImportError as exc:
                raise SynthesisUnavailable("the piper-tts package is not installed") from exc
            try:
                self._loaded = PiperVoice.load(self.voice.model, self.voice.config)
            except Exception as exc:  # a corrupt model: reported, never raised into the server
                self._error = f"the Piper voice {self.voice.name} does not load: {exc}"
                raise SynthesisUnavailable(self._error) from exc
            log.info("speech synthesis: Piper voice %s (%s)", self.voice.name, self.voice.language)
        return self._loaded

    @property
    def cache_id(self) -> str:
        return self.name

    def available(self) -> str | None:
        if self._error:
            return self._error
        try:
            import piper  # noqa: F401
        except ImportError:
            return "the piper-tts package is not installed"
        return None

    def synthesize(self, text: str, voice: str, *, slow: bool = False, length_scale: float | None = None) -> bytes:
        """WAV bytes (16-bit mono at the voice's rate); `slow` (or `length_scale` > 1) speaks more slowly."""
        from piper import SynthesisConfig

        if slow and length_scale is None:
            length_scale = 1 / SLOW_FACTOR
        with self._lock:
            loaded = self._load()
            out = io.BytesIO()
            with wave.open(out, "wb") as wav:
                loaded.synthesize_wav(text, wav, syn_config=SynthesisConfig(length_scale=length_scale))
        data = out.getvalue()
        if len(data) <= 44:
            raise SynthesisUnavailable(f"the Piper voice {self.voice.name} produced no audio")
        return data

    def close(self) -> None:
        with self._lock:
            self._loaded = None
