"""/api/speech: offline speech for the kiosk.

- POST /api/speech/recognize: a WAV recording (raw `audio/wav` body or a multipart `file`) → the text.
- WS /api/speech/stream: PCM16 frames while the citizen speaks → partial texts, then the final text.
- POST /api/speech/digits: {text} → the digits said in it (the lookup keypad's microphone).
- POST /api/speech/script: {text} → the answer rendered for the ear, as the sentences to read one by one.
- POST /api/speech/synthesize: {text, voice, slow} → WAV of the text read aloud (cached).
- GET /api/speech/status: whether the kiosk can offer the microphone and reading aloud.

Engines run in worker threads (synthesis in its own process), never on the event loop.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from functools import partial

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from ..domain.spoken_digits import digits_from_speech
from ..errors import ApiError
from ..schemas.common import error_responses
from ..schemas.speech import DigitsIn, DigitsOut, RecognitionOut, ScriptIn, ScriptOut, SpeechStatus, SynthesisIn
from ..speech.audio import TARGET_RATE, AudioError, StreamResampler, parse_wav
from ..speech.base import EngineUnavailable
from ..speech.service import UNAVAILABLE_MESSAGE, SpeechService
from ..speech.tts import SynthesisUnavailable

router = APIRouter(prefix="/api/speech", tags=["speech"])
log = logging.getLogger(__name__)

AUDIO_ERRORS = {
    "empty_audio": (422, "Không nghe thấy gì, ông/bà vui lòng bấm nút và nói lại."),
    "not_wav": (415, "Tệp gửi lên không phải là âm thanh WAV."),
    "corrupt_audio": (422, "Tệp âm thanh bị hỏng, ông/bà vui lòng nói lại."),
    "unsupported_audio": (415, "Định dạng âm thanh này chưa được hỗ trợ."),
    "audio_too_long": (413, "Ông/bà nói hơi dài, vui lòng nói ngắn gọn hơn (dưới {max:g} giây)."),
}
RECOGNIZE_BODY = {
    "content": {
        "audio/wav": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {
            "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
    },
    "description": "WAV, 8–48 kHz, mono or stereo, at most KIOSK_SPEECH_MAX_SECONDS long",
}


def speech_service(app) -> SpeechService:
    service = getattr(app.state, "speech", None)
    if service is None:  # an app built without create_app's set-up
        app.state.speech = service = SpeechService(app.state.settings, getattr(app.state, "catalogue", None))
    return service


def _audio_error(exc: AudioError, max_seconds: float) -> ApiError:
    status, message = AUDIO_ERRORS.get(exc.code, (422, "Tệp âm thanh không dùng được."))
    return ApiError(status, exc.code, {"message": message.format(max=max_seconds), "reason": exc.message})


def _max_bytes(max_seconds: float) -> int:
    # 48 kHz stereo 32-bit is the largest accepted encoding, plus room for headers.
    return int(max_seconds * 48_000 * 2 * 4) + 65_536


async def _read_upload(request: Request, limit: int) -> bytes:
    too_large = ApiError(413, "too_large", {"message": "Tệp âm thanh quá lớn.", "limit_bytes": limit})
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit + 65_536:
        raise too_large
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5)
        upload = next((v for v in form.values() if isinstance(v, UploadFile)), None)
        if upload is None:
            raise ApiError(422, "empty_audio", {"message": AUDIO_ERRORS["empty_audio"][1], "reason": "no file"})
        data = await upload.read(limit + 1)
        await form.close()
    else:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
        data = b"".join(chunks)
    if len(data) > limit:
        raise too_large
    return data


def _unavailable(exc: Exception) -> ApiError:
    return ApiError(503, "speech_unavailable", {"message": UNAVAILABLE_MESSAGE, "reason": str(exc)})


@router.get("/status", response_model=SpeechStatus)
async def status(request: Request) -> SpeechStatus:
    """What speech the kiosk can offer: the microphone (recognition) and reading answers aloud (synthesis),
    the engine chosen and why, the voices."""
    service = speech_service(request.app)
    return SpeechStatus.model_validate(await run_in_threadpool(service.status))


@router.post(
    "/recognize",
    response_model=RecognitionOut,
    responses=error_responses(413, 415, 422, 503),
    openapi_extra={"requestBody": RECOGNIZE_BODY},
)
async def recognize(request: Request) -> RecognitionOut:
    """Recognise one utterance. Body: the WAV itself (`Content-Type: audio/wav`) or a multipart form with a
    `file` field. Empty, corrupt, non-WAV, too long recordings are refused (413/415/422); 503 when no
    recognition engine can run (the kiosk then offers touch only)."""
    service = speech_service(request.app)
    max_seconds = service.settings.speech_max_seconds
    data = await _read_upload(request, _max_bytes(max_seconds))
    try:
        audio = await run_in_threadpool(parse_wav, data, max_seconds=max_seconds)
    except AudioError as exc:
        raise _audio_error(exc, max_seconds) from None
    started = time.perf_counter()
    try:
        transcript = await run_in_threadpool(service.transcribe, audio.pcm)
    except EngineUnavailable as exc:
        raise _unavailable(exc) from None
    processing_ms = round((time.perf_counter() - started) * 1000)
    log.info("speech recognised: %d ms of audio in %d ms (%s)", audio.duration_ms, processing_ms, service.choice.name)
    return RecognitionOut(
        text=transcript.text,
        confidence=transcript.confidence,
        engine=service.choice.name,
        duration_ms=audio.duration_ms,
        processing_ms=processing_ms,
    )


@router.post(
    "/synthesize",
    responses={200: {"content": {"audio/wav": {}}, "description": "WAV, 22,050 Hz mono"}, **error_responses(422, 503)},
    response_class=Response,
)
async def synthesize(body: SynthesisIn, request: Request) -> Response:
    """Read `text` aloud with `voice`: returns a WAV. Numbers, money, dates, dossier codes and abbreviations
    are spelled out first; results are cached by voice and text (header `X-Speech-Cache: hit|miss`)."""
    service = speech_service(request.app)
    try:
        speech = await run_in_threadpool(partial(service.synthesize, body.text, body.voice, slow=body.slow))
    except ValueError as exc:
        raise ApiError(422, "nothing_to_say", {"message": "Không có nội dung để đọc.", "reason": str(exc)}) from None
    except SynthesisUnavailable as exc:
        detail = {"message": "Chức năng đọc to chưa sẵn sàng.", "reason": str(exc)}
        raise ApiError(503, "speech_unavailable", detail) from None
    return Response(
        speech.wav,
        media_type="audio/wav",
        headers={"X-Speech-Cache": "hit" if speech.cached else "miss", "Cache-Control": "private, max-age=86400"},
    )


@router.post("/script", response_model=ScriptOut, responses=error_responses(422))
def script(body: ScriptIn, request: Request) -> ScriptOut:
    """The answer rendered for the ear: the sentences the kiosk reads aloud one by one (each then read with
    POST /api/speech/synthesize)."""
    try:
        return ScriptOut(sentences=speech_service(request.app).script(body.text))
    except ValueError as exc:
        raise ApiError(422, "nothing_to_say", {"message": "Không có nội dung để đọc.", "reason": str(exc)}) from None


@router.post("/digits", response_model=DigitsOut, responses=error_responses(422))
def digits(body: DigitsIn) -> DigitsOut:
    """The digits in what the recogniser heard («không chín một hai» → 0912): the dossier code or the phone's last
    digits said aloud at the lookup keypad, shown to the citizen to confirm before anything is looked up."""
    return DigitsOut(digits=digits_from_speech(body.text))


MAX_FRAME_SECONDS = 2  # the kiosk sends 0.1–0.25 s frames; a larger frame is refused before any work
FRAME_TOO_LARGE = "Đoạn âm thanh gửi lên quá lớn."


@router.websocket("/stream")
async def stream(websocket: WebSocket) -> None:
    """Streaming recognition. Query `?rate=` (8000–48000, default 16000) or a first JSON text message
    `{"rate": N}` gives the sample rate; then binary frames of little-endian PCM16 mono; then the text message
    `{"type": "end"}` (or "end"). The server sends `{"type": "ready", "engine", "rate"}`, `{"type": "partial",
    "text"}` whenever the text changes, and `{"type": "final", "text", "confidence", "engine", "duration_ms"}`
    before closing; `{"type": "error", "error", "detail"}` when it cannot go on."""
    await websocket.accept()
    service = speech_service(websocket.app)
    max_seconds = service.settings.speech_max_seconds

    async def fail(code: str, message: str, reason: str = "") -> None:
        await websocket.send_json({"type": "error", "error": code, "detail": {"message": message, "reason": reason}})
        await websocket.close(code=1011 if code == "speech_unavailable" else 1003)

    rate_arg = websocket.query_params.get("rate")
    try:
        rate = int(rate_arg) if rate_arg else TARGET_RATE
        resampler = StreamResampler(rate)
    except (ValueError, AudioError):
        await fail("unsupported_audio", AUDIO_ERRORS["unsupported_audio"][1], f"bad rate {rate_arg!r}")
        return
    try:
        session = await run_in_threadpool(service.stream)
    except EngineUnavailable as exc:
        await fail("speech_unavailable", UNAVAILABLE_MESSAGE, str(exc))
        return
    samples, last_partial, got_audio, received, truncated = 0, "", False, 0, False
    try:
        await websocket.send_json({"type": "ready", "engine": service.choice.name, "rate": rate})
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is not None:
                text = message["text"].strip()
                try:
                    control = json.loads(text) if text.startswith("{") else {"type": text}
                except json.JSONDecodeError:
                    control = {}
                if control.get("type") == "end":
                    break
                if "rate" in control and not got_audio:
                    try:
                        rate = int(control["rate"])
                        resampler = StreamResampler(rate)
                    except (TypeError, ValueError, AudioError):
                        await fail("unsupported_audio", AUDIO_ERRORS["unsupported_audio"][1], "bad rate")
                        return
                    await websocket.send_json({"type": "ready", "engine": service.choice.name, "rate": rate})
                continue
            data = message.get("bytes") or b""
            if not data:
                continue
            if len(data) > rate * 2 * MAX_FRAME_SECONDS:  # PCM16: 2 bytes a sample; a frame is a fraction of a second
                await websocket.send_json(
                    {"type": "error", "error": "too_large", "detail": {"message": FRAME_TOO_LARGE, "reason": "frame"}}
                )
                await websocket.close(code=1009)
                return
            # Never more than KIOSK_SPEECH_MAX_SECONDS of audio is recognised, whatever the client sends.
            allowed = max(0, int(max_seconds * rate) * 2 - received)
            if len(data) > allowed:
                data, truncated = data[: allowed - allowed % 2], True
            received += len(data)
            if data:
                got_audio = True
                pcm = resampler.feed(data)
                samples += pcm.size
                await run_in_threadpool(session.accept, pcm)
            if truncated:
                break  # too long: finish with what was heard
            partial = await run_in_threadpool(session.partial)
            if partial != last_partial:
                last_partial = partial
                await websocket.send_json({"type": "partial", "text": partial})
        tail = resampler.feed(b"", last=True)
        if tail.size:
            await run_in_threadpool(session.accept, tail)
        transcript = await run_in_threadpool(session.final)
        await websocket.send_json(
            {
                "type": "final",
                "text": transcript.text,
                "confidence": transcript.confidence,
                "engine": service.choice.name,
                "duration_ms": round(samples * 1000 / TARGET_RATE),
                "truncated": truncated,
            }
        )
        await websocket.close()
    except WebSocketDisconnect:
        return
    finally:
        with contextlib.suppress(Exception):  # closing twice or after a native error must not matter
            session.close()
