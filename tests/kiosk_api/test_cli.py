"""The `kiosk` command line (Typer CliRunner), against SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from typer.testing import CliRunner

from kiosk_api import migrate
from kiosk_api.cli import app
from kiosk_api.clock import VN_TZ
from kiosk_api.domain.channels import DossierChannel
from kiosk_api.domain.overdue import is_overdue
from kiosk_api.domain.status import IN_PROGRESS, DossierStatus, check_transition
from kiosk_api.models import Dossier, DossierStatusHistory, Petition, ProcedureRow, Rating, StaffUser
from kiosk_api.services import demo_data
from kiosk_api.services import staff as staff_service
from procedures_kb.timelimits import appointment_date
from procedures_kb.workdays import WorkingCalendar
from tests.support.constants import FIXTURES, TEST_SECRET, TODAY


@pytest.fixture
def run(db_url, tmp_path):
    runner = CliRunner()
    env = {
        "DATABASE_URL": db_url,
        "KIOSK_SECRET_KEY": TEST_SECRET,
        "KIOSK_VAR_DIR": str(tmp_path / "var"),
        "KIOSK_PROVINCE": "",
    }

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), env=env, input=input)

    return invoke


def test_db_upgrade(run, db_url):
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"is at revision {migrate.head_revision()}" in result.output
    assert migrate.current_revision(db_url) == migrate.head_revision()


# ---- catalogue ---------------------------------------------------------------------------------


def _write_valid_catalogue(directory: Path, catalogue) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    entry = catalogue.get("1.001193").model_dump(mode="json", exclude_defaults=True)
    (directory / "ho_tich.yaml").write_text(yaml.safe_dump([entry], allow_unicode=True), encoding="utf-8")


def test_catalogue_validate_ok(tmp_path, catalogue):
    _write_valid_catalogue(tmp_path / "procedures", catalogue)
    (tmp_path / "provinces").mkdir()
    result = CliRunner().invoke(
        app,
        [
            "catalogue",
            "validate",
            "--dir",
            str(tmp_path / "procedures"),
            "--provinces-dir",
            str(tmp_path / "provinces"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Catalogue valid: 1 procedures" in result.output


def test_catalogue_validate_lists_every_problem(tmp_path, catalogue):
    procedures = tmp_path / "procedures"
    _write_valid_catalogue(procedures, catalogue)
    (procedures / "broken.yaml").write_text("- code: [unclosed\n  name: x\n", encoding="utf-8")
    (procedures / "incomplete.yaml").write_text("- code: '9.000001'\n  name: Thủ tục thiếu\n", encoding="utf-8")
    (tmp_path / "provinces").mkdir()
    result = CliRunner().invoke(
        app, ["catalogue", "validate", "--dir", str(procedures), "--provinces-dir", str(tmp_path / "provinces")]
    )
    assert result.exit_code == 1
    assert "broken.yaml: not valid YAML" in result.output
    assert "incomplete.yaml#1 [9.000001]" in result.output
    assert "2 problem(s)" in result.output


def test_catalogue_sync(run, migrated_url, session, catalogue):
    result = run("catalogue", "sync")
    assert result.exit_code == 0, result.output
    assert f"{len(catalogue)} added" in result.output
    assert session.scalar(select(func.count()).select_from(ProcedureRow)) == len(catalogue)
    assert "0 added" in run("catalogue", "sync").output


def test_catalogue_import_writes_drafts(tmp_path, catalogue):
    sample = FIXTURES / "portal_sample.jsonl"
    if not sample.exists():
        pytest.skip("no portal sample fixture")
    out, imported, report = tmp_path / "drafts.yaml", tmp_path / "imported", tmp_path / "report.yaml"
    args = ["catalogue", "import", str(sample), "--date", "2026-11-22", "--drafts", str(out), "--report", str(report)]
    result = CliRunner().invoke(app, [*args, "--out-dir", str(imported)])
    assert result.exit_code == 0, result.output
    assert "commune-level procedures" in result.output and "parsed cleanly" in result.output
    assert "draft(s) written to" in result.output
    assert isinstance(yaml.safe_load(out.read_text(encoding="utf-8")), list)
    assert set(yaml.safe_load(report.read_text(encoding="utf-8"))) == {"records", "refused", "left_out"}
    written = [e for f in imported.glob("*.yaml") for e in yaml.safe_load(f.read_text(encoding="utf-8"))]
    assert written and all(e["status"] == "imported" and e["imported_on"] == date(2026, 11, 22) for e in written)
    assert all("steps" not in e and "conditions" not in e for e in written)  # facts only
    # the written level validates beside a curated level
    _write_valid_catalogue(tmp_path / "curated", catalogue)
    (tmp_path / "provinces").mkdir()
    where = ["--dir", str(tmp_path / "curated"), "--provinces-dir", str(tmp_path / "provinces")]
    ok = CliRunner().invoke(app, ["catalogue", "validate", *where, "--imported-dir", str(imported)])
    assert ok.exit_code == 0 and "imported" in ok.output, ok.output


# ---- dossiers ----------------------------------------------------------------------------------


def test_dossiers_import(run, migrated_url, session):
    good = FIXTURES / "dossiers_good.csv"
    result = run("dossiers", "import", str(good))
    assert result.exit_code == 0, result.output
    assert "6 created, 0 updated, 0 unchanged" in result.output
    again = run("dossiers", "import", str(good))
    assert "0 created, 0 updated, 6 unchanged" in again.output


def test_dossiers_import_bad_file(run, migrated_url, session):
    bad = FIXTURES / "dossiers_bad.csv"
    result = run("dossiers", "import", str(bad))
    assert result.exit_code == 1
    assert "line 3: error: missing ten_nguoi_nop" in result.output
    assert "line 10: warning: procedure 9.999999 is not in the catalogue" in result.output
    assert "nothing was imported" in result.output
    assert session.scalar(select(func.count()).select_from(Dossier)) == 0

    partial = run("dossiers", "import", str(bad), "--partial")
    assert partial.exit_code == 1  # some rows were bad, even though the good ones were written
    assert "3 created" in partial.output and "7 bad row(s) skipped" in partial.output
    assert session.scalar(select(func.count()).select_from(Dossier)) == 3


# ---- staff -------------------------------------------------------------------------------------


def test_staff_create(run, migrated_url, session):
    result = run("staff", "create", "Hoa", "--full-name", "Trần Thị Hoa", "--password", "mat-khau-dai")
    assert result.exit_code == 0, result.output
    assert "Created officer account 'hoa'" in result.output
    user = session.scalar(select(StaffUser).where(StaffUser.username == "hoa"))
    assert user.full_name == "Trần Thị Hoa" and user.role == "officer"
    assert "mat-khau-dai" not in user.password_hash
    assert staff_service.authenticate(session, "hoa", "mat-khau-dai") is not None

    duplicate = run("staff", "create", "hoa", "--full-name", "X", "--password", "mat-khau-dai")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output


def test_staff_create_prompts_twice_for_the_password(run, migrated_url, session):
    result = run(
        "staff", "create", "admin", "--full-name", "Quản trị", "--role", "admin", input="bi-mat-123\nbi-mat-123\n"
    )
    assert result.exit_code == 0, result.output
    assert "bi-mat-123" not in result.output  # hidden input
    assert session.scalar(select(StaffUser.role).where(StaffUser.username == "admin")) == "admin"


def test_staff_create_refuses_short_password(run, migrated_url):
    result = run("staff", "create", "ngan", "--full-name", "Ngắn", "--password", "123")
    assert result.exit_code == 1 and "at least 8 characters" in result.output


# ---- demo data ---------------------------------------------------------------------------------


def test_demo_generation_is_deterministic(catalogue):
    a = demo_data.generate(catalogue, seed=3, count=50, today=TODAY, calendar=WorkingCalendar())
    b = demo_data.generate(catalogue, seed=3, count=50, today=TODAY, calendar=WorkingCalendar())
    c = demo_data.generate(catalogue, seed=4, count=50, today=TODAY, calendar=WorkingCalendar())
    key = [(d.code, d.applicant_name, d.appointment_date, d.status) for d in a.dossiers]
    assert key == [(d.code, d.applicant_name, d.appointment_date, d.status) for d in b.dossiers]
    assert key != [(d.code, d.applicant_name, d.appointment_date, d.status) for d in c.dossiers]


def test_demo_data(run, migrated_url, session, catalogue):
    result = run("demo-data", "--seed", "7", "--dossiers", "300", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert "Demo data created: 300 dossiers" in result.output
    password = re.search(r"password \(shown only once\): (\S+)", result.output).group(1)
    assert staff_service.authenticate(session, "canbo", password) is not None

    dossiers = session.scalars(select(Dossier)).all()
    assert len(dossiers) == 300
    _check_bieu_6a_consistency(session, dossiers, catalogue)
    assert session.scalar(select(func.count()).select_from(Rating)) > 50
    assert session.scalar(select(func.count()).select_from(Petition)) > 0

    again = run("demo-data", "--seed", "7", "--dossiers", "300", "--today", TODAY.isoformat())
    assert again.exit_code == 0
    assert "already present (300 demo dossiers): nothing added" in again.output
    assert "password" not in again.output
    assert session.scalar(select(func.count()).select_from(Dossier)) == 300


def _check_bieu_6a_consistency(session, dossiers, catalogue) -> None:
    first_day = demo_data.period_start(TODAY)
    calendar = WorkingCalendar()
    counts = {"early": 0, "on_time": 0, "late": 0, "within": 0, "overdue": 0}
    channels = {c: 0 for c in DossierChannel}
    statuses = set()
    for d in dossiers:
        status = DossierStatus(d.status)
        statuses.add(status)
        channels[DossierChannel(d.channel)] += 1
        assert first_day <= d.received_date <= TODAY
        assert calendar.is_working_day(d.received_date)
        assert d.received_date <= d.appointment_date
        # The appointment follows the procedure's time limit for the channel used (before or after 15:00).
        procedure = catalogue.get(d.procedure_code)
        limits = [ch.time_limit for ch in procedure.channels if ch.kind in DossierChannel(d.channel).catalogue_kinds]
        candidates = {
            appointment_date(limit, datetime.combine(d.received_date, at, VN_TZ), calendar)
            for limit in limits
            for at in (time(8, 0), time(16, 0))
        }
        assert d.appointment_date in candidates, d.code
        assert d.field == procedure.field
        # Dates consistent with the status.
        if status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED, DossierStatus.REFUSED):
            assert d.result_date is not None and d.received_date <= d.result_date <= TODAY
        else:
            assert d.result_date is None
        if status is DossierStatus.RETURNED:
            assert d.returned_date is not None and d.result_date <= d.returned_date <= TODAY
        elif status is not DossierStatus.REFUSED:
            assert d.returned_date is None
        # The history is a valid lifecycle ending in the current status.
        history = session.scalars(
            select(DossierStatusHistory)
            .where(DossierStatusHistory.dossier_id == d.id)
            .order_by(DossierStatusHistory.id)
        ).all()
        assert history[0].from_status is None and history[0].to_status == "moi_tiep_nhan"
        assert history[-1].to_status == d.status
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_status == before.to_status
            check_transition(DossierStatus(after.from_status), DossierStatus(after.to_status))
        # Biểu 6a classification.
        if status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED):
            if d.result_date < d.appointment_date:
                counts["early"] += 1
            elif d.result_date == d.appointment_date:
                counts["on_time"] += 1
            else:
                counts["late"] += 1
        elif status is DossierStatus.REFUSED:
            counts["on_time"] += 1  # a refused dossier counts as resolved on time
        elif status in IN_PROGRESS:
            overdue = is_overdue(status, d.appointment_date, TODAY)
            counts["overdue" if overdue else "within"] += 1
    resolved = counts["early"] + counts["on_time"] + counts["late"]
    in_progress = counts["within"] + counts["overdue"]
    withdrawn = sum(1 for d in dossiers if d.status == "da_rut")
    assert resolved + in_progress + withdrawn == len(dossiers)
    assert sum(channels.values()) == len(dossiers)
    assert channels[DossierChannel.IN_PERSON] > channels[DossierChannel.ONLINE] > 0
    assert min(counts.values()) > 0, counts  # early, on time, late, within and overdue all occur
    assert {DossierStatus.RETURNED, DossierStatus.RESULT_READY, DossierStatus.IN_PROGRESS} <= statuses
