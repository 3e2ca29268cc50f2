"""`kiosk zalo`: the Zalo Official Account's tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import fail, load_settings, open_session

zalo_app = typer.Typer(help="The Zalo Official Account channel: OA tokens.")


@zalo_app.command("set-tokens")
def zalo_set_tokens(
    access: Annotated[str, typer.Option("--access", prompt="Access token", hide_input=True, help="OA access token")],
    refresh: Annotated[
        str, typer.Option("--refresh", prompt="Refresh token", hide_input=True, help="OA refresh token")
    ],
    expires_in: Annotated[
        int, typer.Option("--expires-in", min=1, help="Seconds the access token stays valid (Zalo: 90000)")
    ] = 90000,
) -> None:
    """Store a new OA token pair (from the Zalo OA admin page) for KIOSK_ZALO_OA_ID; clears a refresh failure.
    Without --access/--refresh the tokens are asked for (not echoed, not kept in the shell history)."""
    from ..zalo.tokens import set_tokens

    settings = load_settings()
    try:
        with open_session(settings) as session:
            row = set_tokens(session, settings.zalo_oa_id, access, refresh, expires_in)
            expires = row.access_expires_at
    except ValueError as exc:
        raise fail(f"Tokens not stored: {exc}") from None
    typer.echo(f"Zalo OA tokens stored; the access token is valid until {expires.isoformat(timespec='minutes')}.")


@zalo_app.command("status")
def zalo_status() -> None:
    """Whether Zalo is configured, and the state of the stored OA tokens (never the tokens themselves)."""
    from ..zalo.tokens import OPERATOR_DEAD, OPERATOR_MISSING, token_status

    settings = load_settings()
    typer.echo(
        f"Zalo: {'configured' if settings.zalo_enabled else 'not configured (KIOSK_ZALO_APP_ID, KIOSK_ZALO_OA_SECRET)'}"
    )
    typer.echo(
        f"Signature check: {'on' if settings.zalo_verify_signature else 'OFF (KIOSK_ZALO_VERIFY_SIGNATURE=false)'}"
    )
    with open_session(settings) as session:
        status = token_status(session, settings.zalo_oa_id, margin_seconds=settings.zalo_refresh_margin_seconds)
    typer.echo(f"Tokens: {status.state}")
    if status.access_expires_at is not None:
        typer.echo(f"Access token valid until: {status.access_expires_at.isoformat(timespec='minutes')}")
        typer.echo(f"Last stored: {status.updated_at.isoformat(timespec='minutes') if status.updated_at else '-'}")
    if status.state == "missing":
        typer.echo(OPERATOR_MISSING)
    elif status.state == "refresh_failed":
        typer.echo(f"{OPERATOR_DEAD} [{status.refresh_error}]")
