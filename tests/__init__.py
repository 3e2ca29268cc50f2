"""The test suite; packages mirror the code (procedures_kb, kiosk_api by capability, bot, security)."""
