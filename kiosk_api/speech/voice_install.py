"""Installing a Piper voice from files: `kiosk models install tts-voice --archive VOICE.tar.gz --sha256 …` (a voice
copied by USB or downloaded elsewhere), or `--folder DIR` holding `<voice>.onnx` and `<voice>.onnx.json`. Never
used at run time.

An archive (.tar.gz, .tgz, .tar.xz, .tar or .zip) must match its SHA-256 and be safe: no absolute path, no "..",
no link or device, nothing larger than MAX_BYTES. Only the voice's model and config are taken from it, each
written under a name this code chooses (models/tts/<voice>/), never under a path the archive names.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from .models_download import InstallError, check_sha256
from .piper_engine import CONFIG_SUFFIX, InstalledVoice, read_voice

MAX_BYTES = 1 << 30  # a Piper voice is 20–120 MB; anything near a gigabyte is not one


def _check_path(name: str) -> None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or name.startswith("~"):
        raise InstallError(f"refusing an archive with an unsafe path: {name!r}")


def _tar_members(archive: tarfile.TarFile) -> Iterator[tuple[str, int]]:
    for info in archive.getmembers():
        _check_path(info.name)
        if info.issym() or info.islnk():
            raise InstallError(f"refusing an archive with a link: {info.name!r}")
        if not (info.isfile() or info.isdir()):
            raise InstallError(f"refusing an archive with a special file: {info.name!r}")
        if info.isfile():
            yield info.name, info.size


def _zip_members(archive: zipfile.ZipFile) -> Iterator[tuple[str, int]]:
    for info in archive.infolist():
        _check_path(info.filename)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise InstallError(f"refusing an archive with a link: {info.filename!r}")
        if not info.is_dir():
            yield info.filename, info.file_size


@contextmanager
def _opened(path: Path) -> Iterator[tuple[list[tuple[str, int]], Callable[[str], IO[bytes]]]]:
    """The archive's files (name, size), after every entry was checked, and a function that opens one by name."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            files = list(_zip_members(zf))
            yield files, lambda name: zf.open(name)
        return
    try:
        tf = tarfile.open(path)  # noqa: SIM115 (closed below)
    except tarfile.TarError as exc:
        raise InstallError(f"{path.name} is neither a tar nor a zip archive: {exc}") from exc
    with tf:
        files = list(_tar_members(tf))

        def open_member(name: str) -> IO[bytes]:
            stream = tf.extractfile(name)
            if stream is None:
                raise InstallError(f"{name!r} cannot be read from the archive")
            return stream

        yield files, open_member


def _pick(names: list[str]) -> tuple[str, str]:
    """The one model in the listing and its config (`x.onnx` and `x.onnx.json`)."""
    models = [n for n in names if n.endswith(".onnx")]
    pairs = [(m, m + ".json") for m in models if m + ".json" in names]
    if len(pairs) != 1:
        found = ", ".join(models) or "none"
        raise InstallError(
            f"a voice is one <name>.onnx with its <name>{CONFIG_SUFFIX} beside it (models found: {found})"
        )
    return pairs[0]


def install_voice(
    source: Path,
    voices_dir: Path,
    *,
    sha256: str | None = None,
    verify: bool = True,
    force: bool = False,
) -> InstalledVoice:
    """Install the voice in `source` (an archive, or a folder) as voices_dir/<voice>/; returns it.

    An archive needs `sha256` unless `verify` is False; a folder is copied as it is. Refuses an unsafe archive, a
    source without exactly one voice, a file that is not a Piper voice, and an installed voice (unless `force`)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-voice-") as tmp:
        staged = Path(tmp)
        if source.is_dir():
            model, config = _pick([p.name for p in source.iterdir() if p.is_file()])
            shutil.copyfile(source / model, staged / "model.onnx")
            shutil.copyfile(source / config, staged / "model.onnx.json")
        elif source.is_file():
            check_sha256(source, sha256, verify=verify)
            with _opened(source) as (files, open_member):
                sizes = dict(files)
                if sum(sizes.values()) > MAX_BYTES:
                    raise InstallError(f"{source.name} unpacks to more than {MAX_BYTES >> 20} MB: not a voice")
                model, config = _pick(list(sizes))
                for member, dest in ((model, "model.onnx"), (config, "model.onnx.json")):
                    with open_member(member) as stream, (staged / dest).open("wb") as out:
                        shutil.copyfileobj(stream, out, 1 << 20)
        else:
            raise InstallError(f"no voice archive or folder at {source}")
        name = PurePosixPath(model).name.removesuffix(".onnx")
        (staged / "model.onnx").rename(staged / f"{name}.onnx")
        (staged / "model.onnx.json").rename(staged / f"{name}{CONFIG_SUFFIX}")
        if read_voice(staged / f"{name}.onnx") is None:
            raise InstallError(f"{config} is not a Piper voice config")
        target = voices_dir / name
        if target.exists() and not force:
            raise InstallError(f"{target} already exists (use --force to replace it)")
        voices_dir.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(staged, target)
    voice = read_voice(target / f"{name}.onnx")
    assert voice is not None
    return voice
