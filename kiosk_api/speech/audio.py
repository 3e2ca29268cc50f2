"""Audio in: WAV parsing and validation, down-mixing and resampling to the recognisers' 16 kHz mono PCM16.

Accepted: RIFF/WAVE with PCM integer samples (8, 16, 24 or 32 bit) or IEEE float (32/64 bit), plain or
WAVE_FORMAT_EXTENSIBLE, 8–48 kHz, mono or stereo. Everything else is refused with an `AudioError` whose `code`
an API can return as is. No ffmpeg: numpy and soxr only.
"""

from __future__ import annotations

import io
import struct
import wave
from dataclasses import dataclass

import numpy as np
import soxr

TARGET_RATE = 16_000
MIN_RATE, MAX_RATE = 8_000, 48_000
MIN_SECONDS = 0.1

_PCM, _FLOAT, _EXTENSIBLE = 0x0001, 0x0003, 0xFFFE


class AudioError(ValueError):
    """Audio that cannot be used; `code` is a stable machine-readable reason, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Audio:
    """Mono 16 kHz signed 16-bit samples, ready for a recogniser."""

    pcm: np.ndarray  # int16, shape (n,)
    source_rate: int
    source_channels: int

    @property
    def seconds(self) -> float:
        return self.pcm.size / TARGET_RATE

    @property
    def duration_ms(self) -> int:
        return round(self.seconds * 1000)


def _chunks(data: bytes):
    pos = 12
    while pos + 8 <= len(data):
        cid, size = struct.unpack_from("<4sI", data, pos)
        body = data[pos + 8 : pos + 8 + size]
        yield cid, body
        pos += 8 + size + (size & 1)


def _decode(fmt: bytes, body: bytes) -> tuple[np.ndarray, int, int]:
    """(float32 samples shaped (frames, channels), sample rate, channels) of a WAV's fmt and data chunks."""
    if len(fmt) < 16:
        raise AudioError("corrupt_audio", "The WAV format chunk is truncated.")
    tag, channels, rate, _, block_align, bits = struct.unpack_from("<HHIIHH", fmt, 0)
    if tag == _EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack_from("<H", fmt, 24)[0]  # first two bytes of the sub-format GUID
    if channels not in (1, 2):
        raise AudioError("unsupported_audio", f"Audio must be mono or stereo, not {channels} channels.")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise AudioError("unsupported_audio", f"Sample rate must be 8000–48000 Hz, not {rate} Hz.")
    width = bits // 8
    if bits % 8 or width == 0 or block_align != width * channels:
        raise AudioError("corrupt_audio", "The WAV header is inconsistent (sample size and block alignment).")
    usable = len(body) - len(body) % block_align
    raw = body[:usable]
    if tag == _PCM and width == 1:
        samples = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif tag == _PCM and width == 2:
        samples = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    elif tag == _PCM and width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        ints = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        ints = np.where(ints & 0x800000, ints - 0x1000000, ints)
        samples = ints.astype(np.float32) / 8388608.0
    elif tag == _PCM and width == 4:
        samples = np.frombuffer(raw, "<i4").astype(np.float32) / 2147483648.0
    elif tag == _FLOAT and width in (4, 8):
        samples = np.nan_to_num(np.frombuffer(raw, "<f4" if width == 4 else "<f8").astype(np.float32))
    else:
        raise AudioError("unsupported_audio", f"Unsupported WAV encoding (format {tag:#06x}, {bits} bit).")
    return samples.reshape(-1, channels), rate, channels


def to_pcm16(samples: np.ndarray, rate: int) -> np.ndarray:
    """Float samples (frames, channels) or (frames,) at `rate` → mono int16 at 16 kHz."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    mono = mono.astype(np.float32, copy=False)
    if rate != TARGET_RATE:
        mono = soxr.resample(mono, rate, TARGET_RATE, quality="HQ")
    return np.clip(np.rint(mono * 32768.0), -32768, 32767).astype(np.int16)


def parse_wav(data: bytes, *, max_seconds: float) -> Audio:
    """Validate a WAV upload and convert it; raises AudioError (empty, not WAV, corrupt, unsupported, too long)."""
    if not data:
        raise AudioError("empty_audio", "No audio was received.")
    if len(data) < 12 or data[:4] not in (b"RIFF", b"RF64") or data[8:12] != b"WAVE":
        raise AudioError("not_wav", "The upload is not a WAV file (RIFF/WAVE header missing).")
    fmt = body = None
    for cid, chunk in _chunks(data):
        if cid == b"fmt " and fmt is None:
            fmt = chunk
        elif cid == b"data" and body is None:
            body = chunk
    if fmt is None or body is None:
        raise AudioError("corrupt_audio", "The WAV file has no format or no data chunk.")
    samples, rate, channels = _decode(fmt, body)
    seconds = samples.shape[0] / rate
    if seconds > max_seconds:
        raise AudioError("audio_too_long", f"The recording is {seconds:.1f} s long; the limit is {max_seconds:g} s.")
    if seconds < MIN_SECONDS:
        raise AudioError("empty_audio", "The recording is empty or shorter than 0.1 s.")
    return Audio(to_pcm16(samples, rate), rate, channels)


class StreamResampler:
    """Resamples a PCM16 stream chunk by chunk without clicks at chunk borders (soxr keeps the filter state)."""

    def __init__(self, rate: int):
        if not MIN_RATE <= rate <= MAX_RATE:
            raise AudioError("unsupported_audio", f"Sample rate must be 8000–48000 Hz, not {rate} Hz.")
        self.rate = rate
        self._stream = None if rate == TARGET_RATE else soxr.ResampleStream(rate, TARGET_RATE, 1, dtype="float32")
        self._odd = b""

    def feed(self, data: bytes, last: bool = False) -> np.ndarray:
        data = self._odd + data
        usable = len(data) - len(data) % 2
        self._odd = data[usable:]
        samples = np.frombuffer(data[:usable], "<i2")
        if self._stream is None:
            return samples.astype(np.int16, copy=True)
        out = self._stream.resample_chunk(samples.astype(np.float32) / 32768.0, last=last)
        return np.clip(np.rint(out * 32768.0), -32768, 32767).astype(np.int16)


def wav_bytes(pcm: np.ndarray, rate: int = TARGET_RATE) -> bytes:
    """Mono int16 samples as a WAV file."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(pcm, dtype="<i2").tobytes())
    return buf.getvalue()


def wav_info(data: bytes) -> tuple[int, int, float]:
    """(sample rate, channels, seconds) of a PCM WAV; raises AudioError when it is not one."""
    try:
        with wave.open(io.BytesIO(data)) as w:
            return w.getframerate(), w.getnchannels(), w.getnframes() / w.getframerate()
    except (wave.Error, EOFError) as exc:
        raise AudioError("not_wav", f"Not a PCM WAV file: {exc}") from None
