"""Tests of kiosk_api.speech."""
