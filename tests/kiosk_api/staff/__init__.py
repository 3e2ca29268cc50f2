"""Tests of kiosk_api.staff."""
