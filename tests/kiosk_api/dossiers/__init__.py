"""Tests of kiosk_api.dossiers."""
