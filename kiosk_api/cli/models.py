"""`kiosk models`: install speech models from files (never at run time)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import fail

models_app = typer.Typer(help="Speech models under models/ (installed by an operator, never at run time).")


@models_app.command("download")
def models_download(
    model: Annotated[str, typer.Argument(help="Which model: vosk-vn (vosk-model-small-vn-0.4)")],
    url: Annotated[str | None, typer.Option("--url", help="Download from this URL (default: the official one)")] = None,
    archive: Annotated[
        Path | None, typer.Option("--archive", exists=True, dir_okay=False, help="Install this local .zip instead")
    ] = None,
    sha256: Annotated[str | None, typer.Option("--sha256", help="Expected SHA-256 of the archive")] = None,
    verify: Annotated[bool, typer.Option("--verify/--no-verify", help="Refuse an archive without a checksum")] = True,
    models_dir: Annotated[Path, typer.Option("--dir", help="Folder of the models")] = Path("models"),
    force: Annotated[bool, typer.Option("--force", help="Replace an installed model")] = False,
) -> None:
    """Fetch the official archive (or take --archive PATH copied by USB), check its SHA-256, unpack it under
    models/. The kiosk uses Vosk automatically once models/vosk-model-small-vn-0.4 exists."""
    import tempfile

    from ..speech.models_download import MODELS, InstallError, download, install_archive

    spec = MODELS.get(model)
    if spec is None:
        raise fail(f"Unknown model {model!r}: choose one of {', '.join(MODELS)}")
    expected = sha256 or spec.sha256
    if verify and not expected:
        raise fail(
            f"No SHA-256 known for {spec.name}: pass --sha256 with the value published on the Vosk site "
            "(or --no-verify to install without checking)."
        )
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-model-") as tmp:
            if archive is None:
                source = url or spec.url
                typer.echo(f"Downloading {source} …")
                archive_path = download(source, Path(tmp) / f"{spec.name}.zip")
            else:
                archive_path = archive
            target = install_archive(archive_path, models_dir, spec.name, sha256=expected, verify=verify, force=force)
    except InstallError as exc:
        raise fail(f"Model not installed: {exc}") from None
    typer.echo(f"Installed {spec.name} in {target}.")
