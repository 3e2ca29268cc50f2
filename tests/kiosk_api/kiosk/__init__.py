"""Tests of kiosk_api.kiosk."""
