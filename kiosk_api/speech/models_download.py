"""Installing speech models: `kiosk models download vosk-vn` fetches (where internet exists) or takes a local
copy of the official Vosk archive, checks its SHA-256 and unpacks it under models/. Never used at run time.

The official URL is https://alphacephei.com/vosk/models/vosk-model-small-vn-0.4.zip. Its SHA-256 is not
shipped here (no trustworthy published value was available offline): pass the value from the Vosk site with
`--sha256`, or `--no-verify` deliberately.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .vosk_engine import model_problem


@dataclass(frozen=True)
class ModelSpec:
    key: str
    name: str
    url: str
    sha256: str | None = None


MODELS = {
    "vosk-vn": ModelSpec(
        "vosk-vn", "vosk-model-small-vn-0.4", "https://alphacephei.com/vosk/models/vosk-model-small-vn-0.4.zip"
    ),
}


class InstallError(RuntimeError):
    """The archive cannot be installed; the message says why."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url: str, dest: Path, timeout: float = 60.0) -> Path:
    """Fetch `url` into `dest` (an operator's command: never called by the server)."""
    if not url.startswith(("https://", "http://", "file://")):
        raise InstallError(f"unsupported URL {url!r}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, dest.open("wb") as out:  # noqa: S310
            shutil.copyfileobj(resp, out, 1 << 20)
    except OSError as exc:
        raise InstallError(f"download of {url} failed: {exc}") from exc
    return dest


def check_sha256(archive: Path, sha256: str | None, *, verify: bool) -> None:
    """InstallError unless `archive` has the SHA-256 `sha256`; without one, only when `verify` is False."""
    if not verify:
        return
    actual = sha256_of(archive)
    if not sha256:
        raise InstallError(
            f"no SHA-256 to check {archive.name} against (its SHA-256 is {actual}); pass the value published with "
            "it as --sha256, or --no-verify"
        )
    if actual.lower() != sha256.strip().lower():
        raise InstallError(f"SHA-256 mismatch for {archive.name}: expected {sha256.strip()}, got {actual}")


def _safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    for info in members:
        path = PurePosixPath(info.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in info.filename:
            raise InstallError(f"refusing an archive with an unsafe path: {info.filename!r}")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise InstallError(f"refusing an archive with a symbolic link: {info.filename!r}")
    return members


def install_archive(
    archive: Path, models_dir: Path, name: str, *, sha256: str | None, verify: bool = True, force: bool = False
) -> Path:
    """Check `archive` against `sha256`, unpack it and install its model folder as models_dir/name.

    Refuses a wrong checksum, a missing checksum (unless `verify` is False), an unsafe or non-model archive,
    and an existing installation (unless `force`). Returns the installed directory."""
    if not archive.is_file():
        raise InstallError(f"no archive at {archive}")
    check_sha256(archive, sha256, verify=verify)
    target = models_dir / name
    if target.exists() and not force:
        raise InstallError(f"{target} already exists (use --force to replace it)")
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".install-") as tmp:
        tmp_path = Path(tmp)
        try:
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(tmp_path, members=_safe_members(zf))
        except zipfile.BadZipFile as exc:
            raise InstallError(f"{archive.name} is not a zip archive: {exc}") from exc
        entries = [p for p in tmp_path.iterdir() if not p.name.startswith("__MACOSX")]
        root = entries[0] if len(entries) == 1 and entries[0].is_dir() else tmp_path
        problem = model_problem(root)
        if problem:
            raise InstallError(f"{archive.name} does not hold a Vosk model: {problem.replace(str(root), 'archive')}")
        staged = tmp_path.parent / f".staged-{name}"
        shutil.rmtree(staged, ignore_errors=True)
        if root != tmp_path:
            root.rename(staged)
        else:
            shutil.copytree(tmp_path, staged)
        if target.exists():
            shutil.rmtree(target)
        staged.rename(target)
    return target
