"""Audio in: WAV parsing at 8–48 kHz, mono/stereo, several encodings, resampling, and refusal of bad uploads."""

from __future__ import annotations

import io
import struct
import wave

import numpy as np
import pytest

from kiosk_api.speech.audio import TARGET_RATE, AudioError, StreamResampler, parse_wav, wav_bytes


def tone(rate: int, seconds: float, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def pcm_wav(samples: np.ndarray, rate: int, channels: int = 1, width: int = 2) -> bytes:
    if channels == 2:
        samples = np.stack([samples, samples * 0.5], axis=1).reshape(-1)
    if width == 1:
        raw = ((samples * 127) + 128).astype(np.uint8).tobytes()
    elif width == 2:
        raw = (samples * 32767).astype("<i2").tobytes()
    elif width == 3:
        ints = (samples * 8388607).astype(np.int32)
        raw = b"".join(struct.pack("<i", int(v))[:3] for v in ints)
    else:
        raw = (samples * 2147483647).astype("<i4").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(raw)
    return buf.getvalue()


def float_wav(samples: np.ndarray, rate: int, *, extensible: bool = False) -> bytes:
    data = samples.astype("<f4").tobytes()
    if extensible:
        guid = struct.pack("<H", 3) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, 1, rate, rate * 4, 4, 32, 22, 32, 4) + guid
    else:
        fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def dominant_freq(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float32)))
    return float(np.argmax(spectrum) * TARGET_RATE / pcm.size)


@pytest.mark.parametrize("rate", [8000, 11025, 16000, 22050, 24000, 44100, 48000])
def test_any_rate_is_resampled_to_16k_keeping_pitch_and_length(rate):
    audio = parse_wav(pcm_wav(tone(rate, 1.0), rate), max_seconds=30)
    assert audio.pcm.dtype == np.int16
    assert abs(audio.pcm.size - TARGET_RATE) <= 2
    assert audio.source_rate == rate
    assert abs(dominant_freq(audio.pcm) - 440) < 3
    assert audio.duration_ms == 1000


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_integer_encodings_and_stereo(width):
    audio = parse_wav(pcm_wav(tone(22050, 0.5), 22050, channels=2, width=width), max_seconds=30)
    assert audio.source_channels == 2
    assert abs(dominant_freq(audio.pcm) - 440) < 5
    # Down-mix of (x, x/2) is 0.75 x: amplitude about 0.375 of full scale.
    assert 0.3 < np.abs(audio.pcm).max() / 32767 < 0.45


@pytest.mark.parametrize("extensible", [False, True])
def test_float_wav(extensible):
    audio = parse_wav(float_wav(tone(48000, 0.5), 48000, extensible=extensible), max_seconds=30)
    assert abs(audio.pcm.size - 8000) <= 2


def test_wav_bytes_round_trip():
    pcm = (tone(16000, 0.3) * 32767).astype(np.int16)
    audio = parse_wav(wav_bytes(pcm), max_seconds=30)
    assert np.array_equal(audio.pcm, pcm)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_audio"),
        (b"hello, this is text and not audio at all", "not_wav"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not_wav"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "corrupt_audio"),
        (pcm_wav(np.zeros(0, np.float32), 16000), "empty_audio"),
        (pcm_wav(tone(16000, 0.05), 16000), "empty_audio"),
        (pcm_wav(tone(96000, 0.5), 96000), "unsupported_audio"),
        (pcm_wav(tone(4000, 0.5), 4000), "unsupported_audio"),
    ],
)
def test_bad_uploads_are_refused_with_a_code(data, code):
    with pytest.raises(AudioError) as err:
        parse_wav(data, max_seconds=30)
    assert err.value.code == code
    assert err.value.message


def test_too_many_channels_and_too_long():
    six = io.BytesIO()
    with wave.open(six, "wb") as w:
        w.setnchannels(6)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * 6 * 16000)
    with pytest.raises(AudioError) as err:
        parse_wav(six.getvalue(), max_seconds=30)
    assert err.value.code == "unsupported_audio"
    with pytest.raises(AudioError) as err:
        parse_wav(pcm_wav(tone(8000, 31), 8000), max_seconds=30)
    assert err.value.code == "audio_too_long"
    assert "30" in err.value.message


def test_truncated_data_chunk_is_read_up_to_its_end():
    data = pcm_wav(tone(16000, 1.0), 16000)
    audio = parse_wav(data[: len(data) // 2 + 1], max_seconds=30)  # header says 1 s, half is there
    assert 0.45 < audio.seconds < 0.55


def test_stream_resampler_matches_whole_file_resampling():
    rate = 48000
    samples = (tone(rate, 1.0) * 32767).astype("<i2").tobytes()
    stream = StreamResampler(rate)
    chunks = [stream.feed(samples[i : i + 4097]) for i in range(0, len(samples), 4097)]  # odd sizes on purpose
    chunks.append(stream.feed(b"", last=True))
    out = np.concatenate(chunks)
    assert abs(out.size - TARGET_RATE) <= 2
    assert abs(dominant_freq(out) - 440) < 3
    with pytest.raises(AudioError):
        StreamResampler(100_000)
