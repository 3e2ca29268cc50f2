"""`kiosk internal-token`, `kiosk service-tokens`: the tokens the processes share."""

from __future__ import annotations

import typer

from .common import load_settings


def internal_token() -> None:
    """Print the token the Rasa action server must send in X-Kiosk-Internal (KIOSK_INTERNAL_TOKEN)."""
    typer.echo(load_settings().resolved_internal_token())


def service_tokens() -> None:
    """Print the tokens the three processes share, as shell assignments (`eval "$(kiosk service-tokens)"`):
    KIOSK_INTERNAL_TOKEN (action server → kiosk_api), KIOSK_RASA_TOKEN (Rasa's HTTP API), KIOSK_ACTIONS_TOKEN
    (Rasa → action server)."""
    settings = load_settings()
    typer.echo(f"export KIOSK_INTERNAL_TOKEN={settings.resolved_internal_token()}")
    typer.echo(f"export KIOSK_RASA_TOKEN={settings.resolved_rasa_token()}")
    typer.echo(f"export KIOSK_ACTIONS_TOKEN={settings.resolved_actions_token()}")
