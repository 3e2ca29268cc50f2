"""Tests of kiosk_api.ratings."""
