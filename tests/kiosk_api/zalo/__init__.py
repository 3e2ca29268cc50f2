"""Tests of kiosk_api.zalo."""
