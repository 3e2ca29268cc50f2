"""The `kiosk` command line: database, catalogue, dossier import, staff accounts, demo data, QR slips, Zalo,
units, tokens, the server, speech models, reports and the calendar; one module per sub-command.

Configuration comes from the environment (see kiosk_api.settings).
"""

from __future__ import annotations

import typer

from . import catalogue, db, demo, dossiers, models, qr, reports, serve, staff, tokens, units, zalo
from .calendar import calendar_app

app = typer.Typer(
    help="Trợ lý Một cửa: manage the kiosk service (database, catalogue, dossiers, staff).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db.db_app, name="db")
app.add_typer(catalogue.catalogue_app, name="catalogue")
app.add_typer(dossiers.dossiers_app, name="dossiers")
app.add_typer(staff.staff_app, name="staff")
app.add_typer(units.units_app, name="units")
app.add_typer(calendar_app, name="calendar")
app.command("demo-data")(demo.demo_data)
app.add_typer(qr.qr_app, name="qr", no_args_is_help=True)
app.add_typer(zalo.zalo_app, name="zalo", no_args_is_help=True)
app.command("internal-token")(tokens.internal_token)
app.command("service-tokens")(tokens.service_tokens)
app.command("serve")(serve.serve)
app.add_typer(models.models_app, name="models", no_args_is_help=True)
app.add_typer(reports.reports_app, name="reports", no_args_is_help=True)

__all__ = ["app"]
