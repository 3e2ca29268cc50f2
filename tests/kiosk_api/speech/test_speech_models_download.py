"""`kiosk models download vosk-vn`: checksum verification and safe unpacking of a local archive (no network)."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kiosk_api.cli import app as cli
from kiosk_api.speech.models_download import InstallError, install_archive, sha256_of
from kiosk_api.speech.vosk_engine import model_problem

NAME = "vosk-model-small-vn-0.4"


def model_zip(path: Path, root: str = NAME, extra: dict[str, bytes] | None = None) -> Path:
    files = {
        f"{root}/am/final.mdl": b"acoustic model",
        f"{root}/graph/HCLr.fst": b"graph",
        f"{root}/graph/Gr.fst": b"grammar",
        f"{root}/conf/model.conf": b"--min-active=200\n",
        f"{root}/README": b"Vietnamese small model\n",
        **(extra or {}),
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_install_verifies_checksum_and_unpacks(tmp_path):
    archive = model_zip(tmp_path / "m.zip")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert sha256_of(archive) == digest
    target = install_archive(archive, tmp_path / "models", NAME, sha256=digest.upper())
    assert target == tmp_path / "models" / NAME
    assert model_problem(target) is None
    assert (target / "README").read_text() == "Vietnamese small model\n"
    assert [p.name for p in (tmp_path / "models").iterdir()] == [NAME]  # no staging left behind


def test_wrong_or_missing_checksum_is_refused(tmp_path):
    archive = model_zip(tmp_path / "m.zip")
    with pytest.raises(InstallError, match="SHA-256 mismatch"):
        install_archive(archive, tmp_path / "models", NAME, sha256="0" * 64)
    with pytest.raises(InstallError, match="no SHA-256"):
        install_archive(archive, tmp_path / "models", NAME, sha256=None)
    assert not (tmp_path / "models" / NAME).exists()
    # Deliberately unverified install works.
    install_archive(archive, tmp_path / "models", NAME, sha256=None, verify=False)
    assert model_problem(tmp_path / "models" / NAME) is None


def test_existing_model_is_kept_unless_forced(tmp_path):
    archive = model_zip(tmp_path / "m.zip")
    digest = sha256_of(archive)
    install_archive(archive, tmp_path / "models", NAME, sha256=digest)
    with pytest.raises(InstallError, match="already exists"):
        install_archive(archive, tmp_path / "models", NAME, sha256=digest)
    install_archive(archive, tmp_path / "models", NAME, sha256=digest, force=True)


@pytest.mark.parametrize(
    ("extra", "message"),
    [({"../evil.txt": b"x"}, "unsafe path"), ({"/etc/evil": b"x"}, "unsafe path")],
)
def test_unsafe_archives_are_refused(tmp_path, extra, message):
    archive = model_zip(tmp_path / "m.zip", extra=extra)
    with pytest.raises(InstallError, match=message):
        install_archive(archive, tmp_path / "models", NAME, sha256=sha256_of(archive))
    assert not (tmp_path / "evil.txt").exists()


def test_non_model_and_non_zip_archives_are_refused(tmp_path):
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("photos/cat.jpg", b"meow")
    with pytest.raises(InstallError, match="does not hold a Vosk model"):
        install_archive(other, tmp_path / "models", NAME, sha256=sha256_of(other))
    text = tmp_path / "text.zip"
    text.write_bytes(b"not a zip")
    with pytest.raises(InstallError, match="not a zip"):
        install_archive(text, tmp_path / "models", NAME, sha256=sha256_of(text))
    assert not (tmp_path / "models" / NAME).exists()


def test_cli_installs_an_archive_copied_by_usb(tmp_path):
    archive = model_zip(tmp_path / "m.zip")
    runner = CliRunner()
    models = tmp_path / "models"
    args = ["models", "download", "vosk-vn", "--archive", str(archive), "--dir", str(models)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "--sha256" in result.output
    result = runner.invoke(cli, [*args, "--sha256", "ab" * 32])
    assert result.exit_code == 1
    assert "SHA-256 mismatch" in result.output
    result = runner.invoke(cli, [*args, "--sha256", sha256_of(archive)])
    assert result.exit_code == 0, result.output
    assert model_problem(models / NAME) is None
    result = runner.invoke(cli, ["models", "download", "whisper", "--archive", str(archive)])
    assert result.exit_code == 1
    assert "Unknown model" in result.output


def test_cli_download_from_a_url(tmp_path):
    # A file:// URL stands in for the official https:// address (no network in tests).
    archive = model_zip(tmp_path / "m.zip")
    models = tmp_path / "models"
    result = CliRunner().invoke(
        cli,
        ["models", "download", "vosk-vn", "--url", archive.as_uri(), "--sha256", sha256_of(archive),
         "--dir", str(models)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert model_problem(models / NAME) is None
