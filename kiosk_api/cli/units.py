"""`kiosk units`: the communes (xã, phường, đặc khu) this deployment serves."""

from __future__ import annotations

from typing import Annotated

import typer
from motcua.vocabulary import UnitKind

from .common import fail, load_settings, open_session

units_app = typer.Typer(help="Units: the communes served, by official code.", no_args_is_help=True)


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
) -> None:
    """Add a unit (audit-logged)."""
    from ..domain.units import UnitError
    from ..services.units import NewUnit, add_unit

    settings = load_settings()
    with open_session(settings) as session:
        try:
            unit, moved = add_unit(
                session,
                NewUnit(code=code, name=name, province=province, kind=kind, dossier_prefix=dossier_prefix),
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
    """List the units: code, kind, name, province, dossier-code prefix."""
    from ..services.units import list_units

    settings = load_settings()
    with open_session(settings) as session:
        for unit in list_units(session):
            marks = " (KIOSK_UNIT)" if unit.code == settings.unit else ""
            prefix = f"\t{unit.dossier_prefix}" if unit.dossier_prefix else ""
            typer.echo(f"{unit.code}\t{unit.kind}\t{unit.name}\t{unit.province}{prefix}{marks}")
