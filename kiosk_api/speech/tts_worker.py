"""The speech synthesis worker process: `python -m kiosk_api.speech.tts_worker`.

pyttsx3 is not thread-safe, blocks in `runAndWait` and prints to stdout, so the server runs it here, in a
process of its own. Protocol on stdin/stdout: one JSON line per request `{"text", "voice", "rate", "pitch"}`; the answer
is `b"OK"` or `b"ER"`, a 4-byte big-endian length, then the WAV bytes or a UTF-8 error message.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import tempfile
from pathlib import Path

WAV_HEADER_BYTES = 44


def _reply(out, tag: bytes, payload: bytes) -> None:
    out.write(tag + struct.pack(">I", len(payload)) + payload)
    out.flush()


def _synthesize(engine, text: str, path: Path, attempts: int = 3) -> bytes:
    # pyttsx3's espeak driver now and then writes an empty file (mostly on a fresh engine's first
    # utterance): measured 10 in 120 requests. Trying again gives the audio.
    data = b""
    for _ in range(attempts):
        # One save_to_file per runAndWait: with several queued only the last is written.
        engine.save_to_file(text, str(path))
        engine.runAndWait()
        data = path.read_bytes() if path.exists() else b""
        if len(data) > WAV_HEADER_BYTES:
            break
    return data


def main() -> None:
    # Keep the real stdout for the protocol; pyttsx3's prints go to /dev/null.
    out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    import pyttsx3

    engine = pyttsx3.init("espeak")
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        path = None
        try:
            request = json.loads(line)
            engine.setProperty("voice", request["voice"])
            engine.setProperty("rate", int(request["rate"]))
            engine.setProperty("pitch", int(request.get("pitch", 50)))
            fd, path = tempfile.mkstemp(suffix=".wav", prefix="kiosk-tts-")
            os.close(fd)
            _reply(out, b"OK", _synthesize(engine, request["text"], Path(path)))
        except Exception as exc:  # report every failure to the server, keep serving
            _reply(out, b"ER", f"{type(exc).__name__}: {exc}".encode())
        finally:
            if path:
                Path(path).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
