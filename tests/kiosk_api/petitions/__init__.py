"""Tests of kiosk_api.petitions."""
