"""/api/speech over HTTP and WebSocket with the real engines: viet-asr (and Vosk with the real Korean model)
for recognition, espeak-ng for synthesis."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import time
import wave
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from kiosk_api.app import create_app
from kiosk_api.domain.speech_text import word_error_rate
from kiosk_api.settings import Settings
from kiosk_api.speech.tts import EspeakSynthesizer, TtsCache
from tests.kiosk_api.speech.test_speech_clips import clips

LONG_ANSWER = (
    "Thủ tục Đăng ký khai sinh, giấy tờ cần chuẩn bị: tờ khai theo mẫu, giấy chứng sinh, "
    "CCCD của cha hoặc mẹ. Lệ phí 8.000 đồng. Hẹn trả ngày 24/11/2026. "
) * 12


def make_settings(tmp: Path, **kw) -> Settings:
    base = dict(
        var_dir=tmp,
        database_url=f"sqlite:///{tmp}/kiosk.sqlite3",
        secret_key="speech-test",
        vosk_model_dir=tmp / "no-vosk-model",
        asr_engine=None,
    )
    return Settings(**{**base, **kw})


@pytest.fixture(scope="module")
def vietasr():
    from kiosk_api.speech.vietasr_engine import VietAsrRecognizer

    return VietAsrRecognizer()


@pytest.fixture(scope="module")
def synthesizer():
    s = EspeakSynthesizer()
    yield s
    s.close()


@pytest.fixture(scope="module")
def speech_app(tmp_path_factory, catalogue, vietasr, synthesizer):
    tmp = tmp_path_factory.mktemp("speech-app")
    app = create_app(make_settings(tmp), catalogue)
    app.state.speech._recognizer = vietasr  # the module's engine, loaded once
    app.state.speech.synthesizer = synthesizer
    return app


@pytest.fixture(scope="module")
def api(speech_app):
    with TestClient(speech_app) as c:
        yield c


def clip_bytes(i: int = 0) -> bytes:
    return clips()[i].path.read_bytes()


def wav_props(data: bytes) -> tuple[int, int, int, float, float]:
    with wave.open(io.BytesIO(data)) as w:
        frames = w.readframes(w.getnframes())
        pcm = np.frombuffer(frames, "<i2").astype(np.float32)
        rms = float(np.sqrt(np.mean(pcm**2))) if pcm.size else 0.0
        return w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes() / w.getframerate(), rms


def silence_wav(seconds: float, rate: int = 8000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return buf.getvalue()


# ---- status --------------------------------------------------------------------------------------


def test_status_without_a_vosk_model_chooses_viet_asr_and_says_why(api):
    body = api.get("/api/speech/status").json()
    assert body["recognition"] is True and body["synthesis"] is True
    assert body["engine"] == "viet-asr"
    assert "no Vosk model" in body["engine_reason"]
    assert [v["key"] for v in body["voices"]] == ["north", "central", "south"]
    assert body["default_voice"] == "north"
    assert body["max_seconds"] == 30


def test_app_starts_without_engines_and_a_missing_vosk_model_gives_503(tmp_path, catalogue):
    app = create_app(make_settings(tmp_path, asr_engine="vosk"), catalogue)
    with TestClient(app) as c:
        status = c.get("/api/speech/status").json()
        assert status["recognition"] is False
        assert status["engine"] == "vosk"
        assert "kiosk models download vosk-vn" in status["message"]
        assert "chạm màn hình" in status["message"]  # the kiosk falls back to touch
        r = c.post("/api/speech/recognize", content=clip_bytes(), headers={"content-type": "audio/wav"})
        assert r.status_code == 503
        assert r.json()["error"] == "speech_unavailable"
        assert "chạm màn hình" in r.json()["detail"]["message"]
        with c.websocket_connect("/api/speech/stream") as ws:
            msg = ws.receive_json()
            assert msg["type"] == "error" and msg["error"] == "speech_unavailable"
        assert c.get("/api/procedures", params={"q": "khai sinh"}).status_code == 200  # the rest still works


# ---- recognition ---------------------------------------------------------------------------------


def test_recognize_raw_wav_body(api):
    clip = clips()[1]
    r = api.post("/api/speech/recognize", content=clip.path.read_bytes(), headers={"content-type": "audio/wav"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"text", "confidence", "engine", "duration_ms", "processing_ms"}
    assert body["engine"] == "viet-asr"
    assert body["confidence"] is None
    assert 3000 < body["duration_ms"] < 3200
    assert word_error_rate(clip.transcript, body["text"]) <= 0.35


def test_recognize_multipart_upload_of_a_stereo_48k_file(api):
    # The same clip as a browser might send it: 48 kHz stereo.
    import soxr

    from kiosk_api.speech.audio import parse_wav

    pcm = parse_wav(clip_bytes(3), max_seconds=30).pcm.astype(np.float32) / 32768
    up = soxr.resample(pcm, 16000, 48000)
    stereo = (np.stack([up, up], axis=1) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(stereo.tobytes())
    r = api.post("/api/speech/recognize", files={"file": ("cau-hoi.wav", buf.getvalue(), "audio/wav")})
    assert r.status_code == 200, r.text
    assert word_error_rate(clips()[3].transcript, r.json()["text"]) <= 0.35


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"", 422, "empty_audio"),
        ("Xin chào, đây là chữ, không phải âm thanh".encode(), 415, "not_wav"),
        (b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk", 422, "corrupt_audio"),
        (silence_wav(31), 413, "audio_too_long"),
    ],
)
def test_bad_uploads_get_clear_errors(api, content, status, code):
    r = api.post("/api/speech/recognize", content=content, headers={"content-type": "audio/wav"})
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == code
    assert body["detail"]["message"]  # Vietnamese, for the citizen
    assert body["detail"]["reason"]  # English, for the developer


def test_oversized_body_and_empty_multipart_are_refused(api):
    r = api.post("/api/speech/recognize", content=b"\x00" * 12_000_000, headers={"content-type": "audio/wav"})
    assert r.status_code == 413
    assert r.json()["error"] == "too_large"
    r = api.post("/api/speech/recognize", files={"note": (None, "không có tệp")})  # multipart, no file
    assert r.status_code == 422
    assert r.json()["error"] == "empty_audio"
    r = api.post("/api/speech/recognize", data={"note": "x"})  # a form, not audio
    assert r.status_code == 415
    assert r.json()["error"] == "not_wav"


def test_silence_gives_empty_text(api):
    r = api.post("/api/speech/recognize", content=silence_wav(1.0), headers={"content-type": "audio/wav"})
    assert r.status_code == 200
    assert r.json()["text"] == ""


# ---- streaming -----------------------------------------------------------------------------------


def pcm_frames(i: int, chunk: int = 4800) -> tuple[int, list[bytes]]:
    with wave.open(str(clips()[i].path)) as w:
        rate, raw = w.getframerate(), w.readframes(w.getnframes())
    return rate, [raw[k : k + chunk] for k in range(0, len(raw), chunk)]


def test_websocket_streams_partials_and_a_final(api):
    rate, frames = pcm_frames(0)
    with api.websocket_connect(f"/api/speech/stream?rate={rate}") as ws:
        assert ws.receive_json() == {"type": "ready", "engine": "viet-asr", "rate": rate}
        for frame in frames:
            ws.send_bytes(frame)
        ws.send_json({"type": "end"})
        messages = []
        while True:
            msg = ws.receive_json()
            messages.append(msg)
            if msg["type"] != "partial":
                break
    partials = [m["text"] for m in messages if m["type"] == "partial"]
    final = messages[-1]
    assert final["type"] == "final", messages
    assert len(partials) >= 3
    assert final["engine"] == "viet-asr" and final["truncated"] is False
    assert abs(final["duration_ms"] - 2650) < 60
    assert word_error_rate(clips()[0].transcript, final["text"]) <= 0.35


def test_websocket_rate_in_a_first_message_and_plain_end(api):
    rate, frames = pcm_frames(1)
    with api.websocket_connect("/api/speech/stream") as ws:
        assert ws.receive_json()["rate"] == 16000
        ws.send_json({"rate": rate})
        assert ws.receive_json() == {"type": "ready", "engine": "viet-asr", "rate": rate}
        for frame in frames:
            ws.send_bytes(frame)
        ws.send_text("end")
        while (msg := ws.receive_json())["type"] == "partial":
            pass
    assert msg["type"] == "final"
    assert word_error_rate(clips()[1].transcript, msg["text"]) <= 0.35


def test_websocket_bad_rate_is_refused(api):
    with api.websocket_connect("/api/speech/stream?rate=abc") as ws:
        msg = ws.receive_json()
    assert msg["type"] == "error" and msg["error"] == "unsupported_audio"


def test_websocket_stops_at_the_time_limit(tmp_path, catalogue, vietasr):
    app = create_app(make_settings(tmp_path, speech_max_seconds=1.0), catalogue)
    app.state.speech._recognizer = vietasr
    rate, frames = pcm_frames(5)
    with TestClient(app) as c, c.websocket_connect(f"/api/speech/stream?rate={rate}") as ws:
        ws.receive_json()
        for frame in frames:
            ws.send_bytes(frame)
            msg = None
        while (msg := ws.receive_json())["type"] == "partial":
            pass
    assert msg["type"] == "final" and msg["truncated"] is True
    assert msg["duration_ms"] <= 1300


# ---- synthesis -----------------------------------------------------------------------------------


@pytest.mark.parametrize("voice", ["north", "central", "south"])
def test_synthesize_gives_a_vietnamese_wav(api, voice):
    r = api.post("/api/speech/synthesize", json={"text": f"Xin chào ông/bà, giọng {voice}.", "voice": voice})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "audio/wav"
    rate, channels, width, seconds, rms = wav_props(r.content)
    assert (rate, channels, width) == (22050, 1, 2)
    assert 1.0 < seconds < 6
    assert rms > 300  # speech, not silence


def test_voices_differ_and_default_voice_is_north(api):
    text = "Bộ phận Một cửa xin kính chào."
    north = api.post("/api/speech/synthesize", json={"text": text, "voice": "north"}).content
    south = api.post("/api/speech/synthesize", json={"text": text, "voice": "south"}).content
    default = api.post("/api/speech/synthesize", json={"text": text})
    assert north != south
    assert default.content == north
    assert default.headers["x-speech-cache"] == "hit"


def test_synthesis_is_cached_by_normalised_text(api):
    first = api.post("/api/speech/synthesize", json={"text": "Lệ phí 3.000 đồng, hẹn ngày 14/3/2027."})
    assert first.headers["x-speech-cache"] == "miss"
    again = api.post("/api/speech/synthesize", json={"text": "Lệ phí 3.000 đồng, hẹn ngày 14/3/2027."})
    assert again.headers["x-speech-cache"] == "hit"
    spelled = api.post(
        "/api/speech/synthesize",
        json={"text": "Lệ phí ba nghìn đồng, hẹn ngày mười bốn tháng ba năm hai nghìn không trăm hai mươi bảy."},
    )
    assert spelled.headers["x-speech-cache"] == "hit"  # the normaliser spelled the digits out the same way
    assert first.content == again.content == spelled.content


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"text": ""}, "validation_error"),
        ({"text": "x" * 3001}, "validation_error"),
        ({"text": "Xin chào", "voice": "hue"}, "validation_error"),
        ({"text": "... — !!"}, "nothing_to_say"),
    ],
)
def test_synthesize_bad_input(api, body, code):
    r = api.post("/api/speech/synthesize", json=body)
    assert r.status_code == 422
    assert r.json()["error"] == code


def test_synthesis_does_not_block_other_requests(speech_app):
    async def run() -> tuple[float, list[float]]:
        transport = httpx.ASGITransport(app=speech_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            await client.get("/api/procedures", params={"q": "khai sinh"})  # the search index is built once, first
            started = time.perf_counter()

            async def synth() -> float:
                # a text of its own: another test's cached speech would answer at once
                text = LONG_ANSWER + "Câu này chỉ để thử việc đọc không chặn các yêu cầu khác."
                r = await client.post("/api/speech/synthesize", json={"text": text, "voice": "central", "slow": True})
                assert r.status_code == 200
                return time.perf_counter() - started

            async def others() -> list[float]:
                done = []
                await asyncio.sleep(0.02)
                for _ in range(3):
                    r = await client.get("/api/procedures", params={"q": "khai sinh"})
                    assert r.status_code == 200
                    done.append(time.perf_counter() - started)
                return done

            return await asyncio.gather(synth(), others())

    synth_done, others_done = asyncio.run(run())
    # Blocked, every other request would end after the synthesis; the first one ends well before it (espeak-ng
    # takes about 0.6 s for this answer, a search well under 0.2 s even with other tests beside it).
    assert min(others_done) < synth_done, (synth_done, others_done)


def test_worker_process_is_restarted_after_a_crash(synthesizer):
    synthesizer.synthesize("Thử lại.", "north")
    pid = synthesizer.worker_pid()
    assert pid is not None and pid != os.getpid()
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    wav = synthesizer.synthesize("Trợ lý vẫn đọc được.", "north")
    assert wav_props(wav)[3] > 0.5
    assert synthesizer.worker_pid() not in (None, pid)


def test_cache_is_bounded_least_recently_used_first(tmp_path):
    cache = TtsCache(tmp_path / "tts", max_bytes=2500)
    keys = [cache.key("espeak-ng", "north", f"câu {i}") for i in range(3)]
    cache.put(keys[0], b"a" * 1000)
    cache.put(keys[1], b"b" * 1000)
    past = time.time() - 100
    os.utime(cache.directory / f"{keys[1]}.wav", (past, past))  # keys[1] used long ago
    os.utime(cache.directory / f"{keys[0]}.wav", (past + 50, past + 50))
    cache.put(keys[2], b"c" * 1000)
    assert cache.get(keys[1]) is None
    assert cache.get(keys[0]) == b"a" * 1000 and cache.get(keys[2]) == b"c" * 1000
    assert len(set(keys)) == 3 and all(len(k) == 64 for k in keys)
