"""Tests of kiosk_api.views."""
