"""Units (the communes a deployment serves): the rules, adding and listing them (service and `kiosk units`), and
which unit new dossiers, ballots, petitions and staff accounts belong to. SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from motcua.vocabulary import UnitKind
from sqlalchemy import select
from typer.testing import CliRunner

from kiosk_api.cli import app
from kiosk_api.db import make_engine, make_sessionmaker
from kiosk_api.domain.units import DEFAULT_UNIT_CODE, UnitError, check_code, kind_from_name, unit_for_dossier
from kiosk_api.models import AuditLog, Dossier, Petition, Rating, StaffUser, Unit
from kiosk_api.ratings import service as ratings_service
from kiosk_api.services import staff as staff_service
from kiosk_api.services.dossier_import import import_csv
from kiosk_api.services.units import NewUnit, add_unit, list_units
from tests.support.constants import FIXTURES, TEST_SECRET

TAN_PHU = NewUnit(code="26734", name="Xã Tân Phú", province="Tỉnh Đồng Nai", dossier_prefix="000.00.06.H56")


# ---- rules -------------------------------------------------------------------------------------------


def test_a_unit_code_is_five_digits():
    assert check_code(" 26734 ") == "26734"
    for bad in ("2673", "267345", "H56", "", "2673a"):
        with pytest.raises(UnitError, match="5 chữ số"):
            check_code(bad)


def test_the_kind_is_read_from_the_name():
    assert kind_from_name("Xã Tân Phú") is UnitKind.XA
    assert kind_from_name("phường Ba Đình") is UnitKind.PHUONG
    assert kind_from_name("Đặc khu Phú Quốc") is UnitKind.DAC_KHU
    with pytest.raises(UnitError, match="loại đơn vị"):
        kind_from_name("Xãhội")  # not the word "Xã"


def test_a_dossier_belongs_to_the_unit_of_its_longest_prefix():
    prefixes = [("000.00.06", "11111"), ("000.00.06.H56", "26734"), ("000.00.07.H56", "26735")]
    assert unit_for_dossier("000.00.06.H56-261102-0001", prefixes) == "26734"
    assert unit_for_dossier("000.00.06.H57-261102-0001", prefixes) == "11111"
    assert unit_for_dossier("H99-1", prefixes) is None


# ---- service -----------------------------------------------------------------------------------------


def test_add_and_list_units(session):
    unit, moved = add_unit(session, TAN_PHU, actor="cli")
    assert (unit.code, unit.kind, unit.province, moved) == ("26734", "xa", "Tỉnh Đồng Nai", 0)
    assert [u.code for u in list_units(session)] == [DEFAULT_UNIT_CODE, "26734"]  # the default is always there
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "unit.add"))
    assert entry is not None and entry.target == "26734"
    with pytest.raises(UnitError, match="Đã có đơn vị"):
        add_unit(session, TAN_PHU, actor="cli")
    with pytest.raises(UnitError, match="Tiền tố"):
        add_unit(session, NewUnit(code="26735", name="Xã Bình An", dossier_prefix="000.00.06.H56"), actor="cli")


def test_adopting_the_default_unit_moves_its_rows_and_nothing_else(session):
    add_unit(session, NewUnit(code="26735", name="Phường Bình An"), actor="cli")
    session.add_all(
        [
            Petition(kind="phan_anh", content="Đèn đường hỏng", status="moi", channel="kiosk"),  # default unit
            Petition(kind="phan_anh", content="Đường ngập", status="moi", channel="kiosk", unit_code="26735"),
        ]
    )
    session.commit()
    unit, moved = add_unit(session, TAN_PHU, actor="cli", adopt_default=True)
    assert moved == 1
    owners = session.execute(select(Petition.content, Petition.unit_code).order_by(Petition.id)).all()
    assert [tuple(o) for o in owners] == [("Đèn đường hỏng", "26734"), ("Đường ngập", "26735")]


def test_imported_dossiers_take_the_given_unit_or_their_prefixs_unit_or_the_sessions(session, migrated_url, clock):
    add_unit(session, TAN_PHU, actor="cli")
    add_unit(session, NewUnit(code="26735", name="Xã Bình An"), actor="cli")
    data = (FIXTURES / "dossiers_good.csv").read_bytes()
    report = import_csv(session, data, secret=TEST_SECRET.encode(), catalogue=None)
    assert report.created == 6
    assert set(session.scalars(select(Dossier.unit_code))) == {"26734"}  # every code starts with 000.00.06.H56

    engine = make_engine(migrated_url)
    try:
        with make_sessionmaker(engine, clock, "26735")() as other:
            other.execute(Dossier.__table__.delete())
            other.commit()
            import_csv(other, data, secret=TEST_SECRET.encode(), catalogue=None, unit="26735")
            assert set(other.scalars(select(Dossier.unit_code))) == {"26735"}  # --unit wins over the prefix
            with pytest.raises(UnitError, match="Chưa có đơn vị mã 12345"):
                import_csv(other, data, secret=TEST_SECRET.encode(), catalogue=None, unit="12345")
    finally:
        engine.dispose()


def test_a_ballot_about_a_dossier_is_its_units_and_one_without_is_the_kiosks(session, migrated_url, clock):
    add_unit(session, TAN_PHU, actor="cli")
    add_unit(session, NewUnit(code="26735", name="Xã Bình An"), actor="cli")
    import_csv(session, (FIXTURES / "dossiers_good.csv").read_bytes(), secret=TEST_SECRET.encode(), catalogue=None)
    dossier_id = session.scalar(select(Dossier.id).limit(1))
    engine = make_engine(migrated_url)
    try:
        with make_sessionmaker(engine, clock, "26735")() as kiosk:  # a kiosk of Bình An
            about = ratings_service.Ballot(channel="kiosk", satisfaction="hai_long", idempotency_key="k1")
            plain = ratings_service.Ballot(channel="kiosk", satisfaction="hai_long", idempotency_key="k2")
            ratings_service.submit(kiosk, about, dossier_id=dossier_id)
            ratings_service.submit(kiosk, plain, dossier_id=None)
            units = dict(kiosk.execute(select(Rating.idempotency_key, Rating.unit_code)).all())
            assert units == {"k1": "26734", "k2": "26735"}
    finally:
        engine.dispose()


def test_a_staff_account_belongs_to_an_existing_unit(session):
    add_unit(session, TAN_PHU, actor="cli")
    user = staff_service.create_user(session, "lan", "mat-khau-dai", full_name="Nguyễn Thị Lan", unit="26734")
    assert user.unit_code == "26734"
    default = staff_service.create_user(session, "hoa", "mat-khau-dai", full_name="Trần Thị Hoa")
    assert default.unit_code == DEFAULT_UNIT_CODE  # the session's unit
    with pytest.raises(staff_service.StaffError, match="does not exist"):
        staff_service.create_user(session, "binh", "mat-khau-dai", full_name="Lê Bình", unit="99999")
    assert session.scalar(select(StaffUser).where(StaffUser.username == "binh")) is None


# ---- command line ------------------------------------------------------------------------------------


@pytest.fixture
def run(migrated_url, tmp_path):
    runner = CliRunner()
    env = {"DATABASE_URL": migrated_url, "KIOSK_SECRET_KEY": TEST_SECRET, "KIOSK_VAR_DIR": str(tmp_path / "var")}
    return lambda *args, **extra: runner.invoke(app, list(args), env={**env, **extra})


def test_kiosk_units_add_and_list(run, session):
    session.add(Petition(kind="kien_nghi", content="Mở cửa thứ Bảy", status="moi", channel="kiosk"))
    session.commit()
    result = run("units", "add", "26734", "--name", "Xã  Tân Phú", "--province", "Tỉnh Đồng Nai", "--adopt-default")
    assert result.exit_code == 0, result.output
    assert "Đã thêm đơn vị 26734 — Xã Tân Phú." in result.output and "Đã chuyển 1 bản ghi" in result.output
    listed = run("units", "list", KIOSK_UNIT="26734")
    assert listed.exit_code == 0, listed.output
    assert "26734\txa\tXã Tân Phú\tTỉnh Đồng Nai (KIOSK_UNIT)" in listed.output
    assert listed.output.splitlines()[0].startswith("00000\txa\t")

    bad = run("units", "add", "2673", "--name", "Xã Tân Phú")
    assert bad.exit_code == 1 and "gồm đúng 5 chữ số" in bad.output
    unknown_kind = run("units", "add", "26736", "--name", "Thị trấn Cũ")
    assert unknown_kind.exit_code == 1 and "Không nhận ra loại đơn vị" in unknown_kind.output
    explicit = run("units", "add", "26736", "--name", "Thị trấn Cũ", "--kind", "xa")
    assert explicit.exit_code == 0, explicit.output
    assert session.get(Unit, "26736").kind == "xa"


def test_kiosk_dossiers_import_with_an_unknown_unit_writes_nothing(run, session):
    result = run("dossiers", "import", str(FIXTURES / "dossiers_good.csv"), "--unit", "12345")
    assert result.exit_code == 2 and "Chưa có đơn vị mã 12345" in result.output
    assert session.scalar(select(Dossier.id).limit(1)) is None


def test_kiosk_staff_create_in_a_unit(run, session):
    run("units", "add", "26734", "--name", "Xã Tân Phú")
    result = run(
        "staff", "create", "lan", "--full-name", "Nguyễn Thị Lan", "--password", "mat-khau-dai", "--unit", "26734"
    )
    assert result.exit_code == 0, result.output
    assert "of unit 26734" in result.output


def test_kiosk_reports_for_one_unit_or_broken_down_by_unit(run, session, migrated_url, clock):
    add_unit(session, TAN_PHU, actor="cli")
    add_unit(session, NewUnit(code="26735", name="Xã Bình An"), actor="cli")
    engine = make_engine(migrated_url)
    try:
        for unit, keys in (("26734", ["a1", "a2"]), ("26735", ["b1"])):
            with make_sessionmaker(engine, clock, unit)() as kiosk:
                for key in keys:
                    ballot = ratings_service.Ballot(channel="kiosk", satisfaction="hai_long", idempotency_key=key)
                    ratings_service.submit(kiosk, ballot, dossier_id=None)
    finally:
        engine.dispose()
    at = {"KIOSK_CLOCK_START": clock.at.isoformat()}
    one = run("reports", "bieu-5a", "--quarter", "2026-Q4", "--unit", "26735", **at)
    assert one.exit_code == 0, one.output
    report = json.loads(one.output)
    assert report["unit"] == "Xã Bình An" and report["total_ballots"] == 1
    every = json.loads(run("reports", "bieu-5a", "--quarter", "2026-Q4", "--breakdown", "unit", **at).output)
    assert every["total_ballots"] == 3
    assert {g["label"]: g["total_ballots"] for g in every["groups"]} == {"Xã Tân Phú": 2, "Xã Bình An": 1}
    dossiers = run("reports", "bieu-6a", "--quarter", "2026-Q4", "--unit", "26734", **at)
    assert dossiers.exit_code == 0 and json.loads(dossiers.output)["unit"] == "Xã Tân Phú"
    unknown = run("reports", "bieu-5a", "--quarter", "2026-Q4", "--unit", "99999", **at)
    assert unknown.exit_code == 1 and "Không có đơn vị mã 99999" in unknown.output
