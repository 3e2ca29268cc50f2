"""Offline speech for the kiosk: audio handling, recognition engines (Vosk, viet-asr), synthesis (espeak-ng via
pyttsx3) with an on-disk cache, and the service that picks and loads engines lazily."""
