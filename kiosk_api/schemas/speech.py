"""/api/speech: recognition results, synthesis requests and the speech status of the kiosk."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

MAX_SPEECH_TEXT = 3000

SpeechText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SPEECH_TEXT)]
VoiceKey = Literal["north", "central", "south"]


class RecognitionOut(BaseModel):
    text: str = Field(description="What was recognised (lower-case Vietnamese words); empty when nothing was heard")
    confidence: float | None = Field(description="Mean word confidence 0–1 where the engine gives one, else null")
    engine: str = Field(description="The recognition engine: vosk or viet-asr")
    duration_ms: int = Field(description="Length of the recording in milliseconds")
    processing_ms: int = Field(description="Time the engine took, in milliseconds")


class SynthesisIn(BaseModel):
    text: SpeechText = Field(description="Text to read aloud (an answer as shown); numbers, dates, codes and "
                             "abbreviations are spelled out before synthesis")  # fmt: skip
    voice: VoiceKey | None = Field(default=None, description="north, central or south; default KIOSK_TTS_VOICE")
    slow: bool = Field(default=False, description="Read more slowly (the kiosk's «Đọc chậm hơn»)")


class ScriptIn(BaseModel):
    text: SpeechText = Field(description="An answer as shown on the screen")


class ScriptOut(BaseModel):
    sentences: list[str] = Field(
        description="What to read aloud, in order: short sentences, the direct answer first, a list read as "
        "«Thứ nhất, …» (at most three items, then where the rest is), about 25 seconds at most"
    )


class DigitsIn(BaseModel):
    text: SpeechText = Field(description="What the recogniser heard, e.g. «không chín một hai»")


class DigitsOut(BaseModel):
    digits: str = Field(description="The digits said, in order (empty when none): «0912»")


class VoiceOut(BaseModel):
    key: VoiceKey
    label: str


class SpeechStatus(BaseModel):
    recognition: bool = Field(description="Whether the microphone can be offered")
    synthesis: bool = Field(description="Whether answers can be read aloud")
    engine: str = Field(description="The recognition engine chosen (vosk or viet-asr)")
    engine_reason: str = Field(description="Why this engine was chosen")
    voice: str = Field(description="Who reads answers aloud: 'piper:<voice>' or 'espeak-ng'")
    voice_reason: str = Field(description="Why this voice was chosen")
    voices: list[VoiceOut]
    default_voice: VoiceKey
    max_seconds: float = Field(description="Longest recording accepted, in seconds")
    message: str = Field(description="What works and, if not, why (for the operator)")
