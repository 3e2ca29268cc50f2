"""`python -m kiosk_api.cli`: the same as the `kiosk` command."""

from . import app

app()
