"""Offline speech for the kiosk: audio handling, recognition engines (Vosk, viet-asr), synthesis (a Piper voice, or
the espeak-ng program) with an on-disk cache, and the service that picks and loads engines lazily."""
