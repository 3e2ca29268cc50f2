"""Tests of kiosk_api."""
