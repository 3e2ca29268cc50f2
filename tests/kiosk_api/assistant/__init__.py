"""Tests of kiosk_api.assistant."""
