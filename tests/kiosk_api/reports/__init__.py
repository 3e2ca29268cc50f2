"""Tests of kiosk_api.reports."""
