"""`kiosk models`: install speech models from files (never at run time)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import fail, load_settings

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


@models_app.command("install")
def models_install(
    kind: Annotated[str, typer.Argument(help="What to install: tts-voice (a Piper voice)")],
    archive: Annotated[
        Path | None,
        typer.Option("--archive", exists=True, dir_okay=False, help="The voice's archive (.tar.gz, .tar, .zip)"),
    ] = None,
    folder: Annotated[
        Path | None,
        typer.Option("--folder", exists=True, file_okay=False, help="A folder with <voice>.onnx and its .onnx.json"),
    ] = None,
    sha256: Annotated[str | None, typer.Option("--sha256", help="Expected SHA-256 of the archive")] = None,
    verify: Annotated[bool, typer.Option("--verify/--no-verify", help="Refuse an archive without a checksum")] = True,
    force: Annotated[bool, typer.Option("--force", help="Replace an installed voice of the same name")] = False,
) -> None:
    """Install a Piper voice from a file copied to this machine (never downloaded at run time). With a Vietnamese
    voice installed, the kiosk reads answers with it at its next start (KIOSK_TTS_ENGINE=auto)."""
    from ..speech.models_download import InstallError
    from ..speech.voice_install import install_voice

    if kind != "tts-voice":
        raise fail(f"Unknown kind {kind!r}: choose tts-voice")
    if (archive is None) == (folder is None):
        raise fail("Give exactly one of --archive FILE or --folder DIR")
    settings = load_settings()
    source = archive if archive is not None else folder
    assert source is not None
    try:
        voice = install_voice(source, settings.tts_voices_dir, sha256=sha256, verify=verify, force=force)
    except InstallError as exc:
        raise fail(f"Voice not installed: {exc}") from None
    use = (
        "it speaks from the next start" if voice.vietnamese else "not Vietnamese: set KIOSK_TTS_ENGINE=piper to use it"
    )
    typer.echo(f"Installed the Piper voice {voice.name} ({voice.language}) in {voice.model.parent}; {use}.")
