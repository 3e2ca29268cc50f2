"""`kiosk qr`: printable rating slips and counter posters (QR codes)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import fail, load_catalogue, load_settings, open_session

if TYPE_CHECKING:
    from ..ratings.slips import Size

qr_app = typer.Typer(help="QR codes for satisfaction ratings: printable slips for dossiers and counters.")


SLIP_FORMATS = {".html": "html", ".htm": "html", ".png": "png", ".svg": "svg"}


def _write_slip(slip, size: Size, out: Path | None) -> None:
    from ..ratings import slips

    typer.echo(slip.url)
    if out is None:
        return
    fmt = SLIP_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise fail(f"Unknown slip format {out.suffix!r}: use --out with .html, .png or .svg")
    if fmt == "png":
        out.write_bytes(slips.slip_png(slip, size))
    elif fmt == "svg":
        out.write_text(slips.slip_svg(slip), encoding="utf-8")
    else:
        out.write_text(slips.slip_html(slip, size), encoding="utf-8")
    typer.echo(f"Slip ({size}, {fmt}) written to {out}.")


SlipSize = Annotated[str, typer.Option("--size", help="Paper: a5 or 80mm (receipt printer)")]
SlipOut = Annotated[
    Path | None, typer.Option("--out", dir_okay=False, help="Slip file: .html (printable page), .png, or .svg (QR)")
]


def _check_size(size: str) -> Size:
    from ..ratings.slips import SIZES

    for known in SIZES:
        if size == known:
            return known
    raise fail(f"Bad --size {size!r}: use a5 or 80mm")


@qr_app.command("dossier")
def qr_dossier(
    code: Annotated[str, typer.Argument(help="Mã hồ sơ")],
    size: SlipSize = "a5",
    out: SlipOut = None,
) -> None:
    """Print the rating address of a dossier (valid KIOSK_RATING_TOKEN_DAYS from today); write its slip."""
    from ..db import session_today
    from ..ratings import slips
    from ..services.dossiers import DossierNotFound

    paper = _check_size(size)
    settings = load_settings()
    catalogue = load_catalogue(settings)
    with open_session(settings) as session:
        try:
            slip = slips.dossier_slip(
                session,
                code,
                settings=settings,
                secret=settings.resolved_secret_key(),
                catalogue=catalogue,
                today=session_today(session),
            )
        except DossierNotFound:
            raise fail(f"No dossier with code {code!r}.") from None
    _write_slip(slip, paper, out)


@qr_app.command("counter")
def qr_counter(
    counter_id: Annotated[str, typer.Argument(help="Counter id, e.g. quay-2 (letters, digits, - and _)")],
    size: SlipSize = "a5",
    out: SlipOut = None,
) -> None:
    """Print the anonymous rating address of a counter; write the slip to stick on it."""
    from ..ratings import slips

    paper = _check_size(size)
    try:
        slip = slips.counter_slip(counter_id, settings=load_settings())
    except slips.UnknownCounter:
        raise fail(f"Bad counter id {counter_id!r}: letters, digits, '-' and '_' only (at most 50).") from None
    _write_slip(slip, paper, out)
