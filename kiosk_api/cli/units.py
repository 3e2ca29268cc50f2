"""`kiosk units`: the communes (xã, phường, đặc khu) this deployment serves."""

from __future__ import annotations

from typing import Annotated

import typer
from motcua.vocabulary import UnitKind

from .common import fail, load_settings, open_session

units_app = typer.Typer(help="Units: the communes served, by official code.", no_args_is_help=True)
KIOSK_ADDRESSES_HELP = (
    "Its touch kiosks' addresses or networks, comma-separated (e.g. '10.1.2.0/24, 10.1.3.7'): what citizens leave "
    "at them belongs to this unit"
)


@units_app.command("add")
def units_add(
    code: Annotated[str, typer.Argument(help="Official five-digit code of the commune (mã đơn vị hành chính)")],
    name: Annotated[str, typer.Option("--name", help="Name, e.g. 'Xã Tân Phú' or 'Phường Ba Đình'")],
    province: Annotated[str, typer.Option("--province", help="Province or city, e.g. 'Tỉnh Đồng Nai'")] = "",
    kind: Annotated[
        UnitKind | None, typer.Option("--kind", help="xa, phuong or dac_khu (default: read from the name)")
    ] = None,
    dossier_prefix: Annotated[
        str | None,
        typer.Option("--dossier-prefix", help="Start of its dossier codes (e.g. 000.00.06.H56), to map imports"),
    ] = None,
    adopt_default: Annotated[
        bool,
        typer.Option("--adopt-default", help="Move every row of the default unit 00000 (data from before units) to it"),
    ] = False,
    kiosk_addresses: Annotated[str | None, typer.Option("--kiosk-addresses", help=KIOSK_ADDRESSES_HELP)] = None,
) -> None:
    """Add a unit (audit-logged)."""
    from ..domain.units import UnitError
    from ..services.units import NewUnit, add_unit

    settings = load_settings()
    with open_session(settings) as session:
        try:
            unit, moved = add_unit(
                session,
                NewUnit(
                    code=code,
                    name=name,
                    province=province,
                    kind=kind,
                    dossier_prefix=dossier_prefix,
                    kiosk_addresses=kiosk_addresses,
                ),
                actor="cli",
                adopt_default=adopt_default,
            )
        except UnitError as exc:
            raise fail(str(exc)) from None
    typer.echo(
        f"Đã thêm đơn vị {unit.code} — {unit.name}."
        + (f" Đã chuyển {moved} bản ghi từ đơn vị mặc định." if adopt_default else "")
    )


@units_app.command("list")
def units_list() -> None:
    """List the units: code, kind, name, province, dossier-code prefix, kiosk addresses."""
    from ..services.units import list_units

    settings = load_settings()
    with open_session(settings) as session:
        for unit in list_units(session):
            marks = " (KIOSK_UNIT)" if unit.code == settings.unit else ""
            prefix = f"\t{unit.dossier_prefix}" if unit.dossier_prefix else ""
            kiosks = f"\tkiosk: {unit.kiosk_addresses}" if unit.kiosk_addresses else ""
            typer.echo(f"{unit.code}\t{unit.kind}\t{unit.name}\t{unit.province}{prefix}{kiosks}{marks}")


@units_app.command("kiosks")
def units_kiosks(
    code: Annotated[str, typer.Argument(help="The unit's code")],
    addresses: Annotated[str, typer.Argument(help=KIOSK_ADDRESSES_HELP + "; '' removes them")],
) -> None:
    """Set the addresses of a unit's touch kiosks (audit-logged); every replica reads them within 30 seconds."""
    from ..domain.units import UnitError
    from ..services.units import set_kiosk_addresses

    settings = load_settings()
    with open_session(settings) as session:
        try:
            unit = set_kiosk_addresses(session, code, addresses, actor="cli")
        except UnitError as exc:
            raise fail(str(exc)) from None
    typer.echo(f"Kiosk của {unit.name}: {unit.kiosk_addresses or 'không có'}.")
