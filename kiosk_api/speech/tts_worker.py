"""The speech synthesis worker process: `python -m kiosk_api.speech.tts_worker`.

It runs the `espeak-ng` program for each request (a voice, a pace in words a minute, a pitch, a pause between words)
and returns its WAV.
The server keeps it in a process of its own so that a crash or hang cannot take the server down. Protocol on
stdin/stdout: one JSON line per request `{"text", "voice", "rate", "pitch", "gap"}`; the answer is `b"OK"` or `b"ER"`,
a 4-byte big-endian length, then the WAV bytes or a UTF-8 error message.

(It drove libespeak-ng through pyttsx3 before: pyttsx3 now and then wrote an utterance late, into the next
request's file, so a request could get the previous one's audio: the first «Đọc chậm hơn» came at the usual pace
under load. One espeak-ng run per request has no such state.)
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys

WAV_HEADER_BYTES = 44
TIMEOUT_SECONDS = 50


def _reply(out, tag: bytes, payload: bytes) -> None:
    out.write(tag + struct.pack(">I", len(payload)) + payload)
    out.flush()


def fix_sizes(wav: bytes) -> bytes:
    """espeak-ng writing to a pipe cannot know the length: it puts a placeholder in the RIFF and data sizes.
    The real sizes, from the bytes received (a plain 44-byte PCM header)."""
    if len(wav) < WAV_HEADER_BYTES or wav[:4] != b"RIFF" or wav[36:40] != b"data":
        return wav
    body = len(wav) - WAV_HEADER_BYTES
    return wav[:4] + struct.pack("<I", 36 + body) + wav[8:40] + struct.pack("<I", body) + wav[WAV_HEADER_BYTES:]


def synthesize(text: str, voice_id: str, rate: int, pitch: int, gap: int = 0) -> bytes:
    program = shutil.which("espeak-ng") or shutil.which("espeak")
    if program is None:
        raise RuntimeError("espeak-ng is not installed")
    voice = voice_id.rsplit("/", 1)[-1]  # "aav/vi-vn-x-central" (the voice's file) → "vi-vn-x-central"
    done = subprocess.run(
        [program, "-v", voice, "-s", str(rate), "-p", str(pitch), "-g", str(gap), "-b", "1", "--stdin", "--stdout"],
        input=text.encode("utf-8"),
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace").strip() or f"espeak-ng exited with {done.returncode}")
    return fix_sizes(done.stdout)


def main() -> None:
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            wav = synthesize(
                request["text"],
                request["voice"],
                int(request["rate"]),
                int(request.get("pitch", 50)),
                int(request.get("gap", 0)),
            )
            _reply(out, b"OK", wav)
        except Exception as exc:  # report every failure to the server, keep serving
            _reply(out, b"ER", f"{type(exc).__name__}: {exc}".encode())


if __name__ == "__main__":
    main()
