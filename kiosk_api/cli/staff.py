"""`kiosk staff`: staff accounts."""

from __future__ import annotations

from typing import Annotated

import typer
from motcua.vocabulary import StaffRole

from .common import fail, load_settings, open_session

staff_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)


@staff_app.command("create")
def staff_create(
    username: Annotated[str, typer.Argument(help="Login name (lower-case letters, digits, . _ -)")],
    full_name: Annotated[str, typer.Option("--full-name", help="Full name, e.g. 'Nguyễn Thị Lan'")],
    role: Annotated[
        StaffRole,
        typer.Option(
            "--role", help="officer: their own unit only; province: reads every unit; admin: also manages staff, units"
        ),
    ] = StaffRole.OFFICER,
    password: Annotated[
        str | None, typer.Option("--password", help="Password (prompted twice, hidden, when omitted)")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Code of the commune the officer works for (default: KIOSK_UNIT)")
    ] = None,
) -> None:
    """Create a staff account."""
    from ..services import staff as staff_service

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = load_settings()
    with open_session(settings) as session:
        try:
            user = staff_service.create_user(session, username, password, full_name=full_name, role=role, unit=unit)
        except staff_service.StaffError as exc:
            raise fail(f"Cannot create the account: {exc}") from None
    typer.echo(f"Created {user.role} account {user.username!r} of unit {user.unit_code}.")


@staff_app.command("unlock")
def staff_unlock(username: Annotated[str, typer.Argument(help="The locked account")]) -> None:
    """Lift the lock that wrong passwords from many addresses put on an account (audit-logged)."""
    from ..services import staff as staff_service

    settings = load_settings()
    with open_session(settings) as session:
        lifted = staff_service.unlock(session, username, secret=settings.resolved_secret_key(), actor="cli")
    typer.echo(f"Unlocked {username!r}." if lifted else f"{username!r} was not locked.")
