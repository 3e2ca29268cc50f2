"""Migrations and schema on SQLite and PostgreSQL: upgrade, downgrade, models in step, constraints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from kiosk_api import migrate
from kiosk_api.db import Base, make_engine
from kiosk_api.models import AuditLog, Dossier, Petition, ProcedureRow, Rating
from kiosk_api.services.catalogue_sync import sync_catalogue

TABLES = {
    "procedures",
    "dossiers",
    "dossier_status_history",
    "ratings",
    "petitions",
    "handoff_requests",
    "chat_events",
    "staff_users",
    "staff_sessions",
    "audit_log",
    "lookup_attempts",
    "agency_indicators",
    "zalo_tokens",
    "zalo_inbound",
    "zalo_conversations",
}


def test_upgrade_creates_every_table_and_reaches_head(db_url):
    assert migrate.current_revision(db_url) is None
    migrate.upgrade(db_url)
    assert migrate.current_revision(db_url) == migrate.head_revision()
    engine = make_engine(db_url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()
    migrate.upgrade(db_url)  # running again is a no-op


def test_models_match_the_migrations(migrated_url):
    engine = make_engine(migrated_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(migrated_url):
    migrate.downgrade(migrated_url, "base")
    engine = make_engine(migrated_url)
    try:
        assert not TABLES & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    migrate.upgrade(migrated_url)
    assert migrate.current_revision(migrated_url) == migrate.head_revision()


def _named_after(table: str) -> set[str]:
    """The names of the petitions table's indexes and constraints (the check constraints as 0001/0003 left them)."""
    return {
        *(f"ix_{table}_{column}" for column in ("deadline", "dossier_id", "received_at", "status")),
        f"pk_{table}",
        f"fk_{table}_dossier_id_dossiers",
        f"fk_{table}_rating_id_ratings",
        f"uq_{table}_rating_id",
        *(f"ck_{table}_ck_{table}_{check}" for check in ("kind", "status", "channel")),
    }


def _names(engine, table: str) -> set[str]:
    inspector = inspect(engine)
    names = {index["name"] for index in inspector.get_indexes(table)}
    names.add(inspector.get_pk_constraint(table)["name"])
    names.update(fk["name"] for fk in inspector.get_foreign_keys(table))
    names.update(uq["name"] for uq in inspector.get_unique_constraints(table))
    names.update(ck["name"] for ck in inspector.get_check_constraints(table))
    return names


def test_petitions_table_renamed_with_its_rows(db_url):
    """0006 renames the table `feedback` to `petitions` with its constraints and indexes; the rows stay, and the
    downgrade gives the old names back."""
    migrate.upgrade(db_url, "0005")
    engine = make_engine(db_url)
    at = datetime(2026, 11, 20, 8, tzinfo=UTC)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO feedback (kind, content, status, received_at, deadline, channel, spam) "
                    "VALUES ('phan_anh', 'Đèn đường hỏng', 'moi', :at, :deadline, 'kiosk', :spam)"
                ),
                {"at": at, "deadline": date(2026, 12, 4), "spam": False},
            )
        migrate.upgrade(db_url, "0006")
        assert not {"feedback"} & set(inspect(engine).get_table_names())
        assert _names(engine, "petitions") == _named_after("petitions")
        with engine.begin() as connection:
            columns = (Petition.id, Petition.kind, Petition.content, Petition.deadline, Petition.channel)
            row = connection.execute(select(*columns)).one()  # the model reads the renamed table
            assert tuple(row) == (1, "phan_anh", "Đèn đường hỏng", date(2026, 12, 4), "kiosk")
            connection.execute(
                text(
                    "INSERT INTO petitions (kind, content, status, received_at, spam) "
                    "VALUES ('kien_nghi', 'Mở cửa thứ Bảy', 'moi', :at, :spam)"
                ),
                {"at": at, "spam": False},
            )
            assert connection.execute(text("SELECT max(id) FROM petitions")).scalar() == 2  # ids go on
        migrate.downgrade(db_url, "0005")
        assert not {"petitions"} & set(inspect(engine).get_table_names())
        assert _names(engine, "feedback") == _named_after("feedback")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM feedback")).scalar() == 2
    finally:
        engine.dispose()


def test_units_hold_the_data_from_before_them(db_url):
    """0007 adds the units: every existing row belongs to the default unit 00000, the column is required and
    checked against the units table, and the downgrade removes it all again."""
    migrate.upgrade(db_url, "0006")
    engine = make_engine(db_url)
    at = datetime(2026, 11, 20, 8, tzinfo=UTC)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO petitions (kind, content, status, received_at, channel, spam) "
                    "VALUES ('phan_anh', 'Đèn đường hỏng', 'moi', :at, 'kiosk', :spam)"
                ),
                {"at": at, "spam": False},
            )
        migrate.upgrade(db_url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT unit_code FROM petitions")).scalar() == "00000"
            assert connection.execute(text("SELECT code, kind FROM units")).all() == [("00000", "xa")]
        for table in ("dossiers", "ratings", "petitions", "handoff_requests", "chat_events", "staff_users"):
            column = next(c for c in inspect(engine).get_columns(table) if c["name"] == "unit_code")
            assert column["nullable"] is False and column["default"] is None, table
            assert f"fk_{table}_unit_code_units" in _names(engine, table)
        with pytest.raises(IntegrityError), engine.begin() as connection:  # no such unit
            connection.execute(
                text(
                    "INSERT INTO petitions (kind, content, status, received_at, channel, spam, unit_code) "
                    "VALUES ('phan_anh', 'x', 'moi', :at, 'kiosk', :spam, '99999')"
                ),
                {"at": at, "spam": False},
            )
        migrate.downgrade(db_url, "0006")
        assert "units" not in inspect(engine).get_table_names()
        assert "unit_code" not in {c["name"] for c in inspect(engine).get_columns("petitions")}
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM petitions")).scalar() == 1
    finally:
        engine.dispose()


def _dossier(code: str = "D-1", **overrides) -> Dossier:
    values = dict(
        code=code,
        procedure_code="1.001193",
        field="Hộ tịch",
        applicant_name="Nguyễn Văn A",
        phone_hash="a" * 64,
        phone_last4_hash="b" * 64,
        channel="truc_tiep",
        received_date=date(2026, 11, 2),
        appointment_date=date(2026, 11, 2),
        status="moi_tiep_nhan",
    )
    values.update(overrides)
    return Dossier(**values)


def test_dossier_code_is_unique(session):
    session.add(_dossier("D-1"))
    session.commit()
    session.add(_dossier("D-1"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_status_check_constraint(session):
    session.add(_dossier("D-2", status="xong"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_one_rating_per_dossier_and_indicator_range(session):
    dossier = _dossier("D-3")
    session.add(dossier)
    session.commit()
    session.add(Rating(dossier_id=dossier.id, channel="qr", idempotency_key="k1", satisfaction="hai_long", i3=2))
    session.commit()
    session.add(Rating(dossier_id=dossier.id, channel="qr", idempotency_key="k2", satisfaction="hai_long"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    session.add(Rating(channel="kiosk", idempotency_key="k3", satisfaction="hai_long", i7=3))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    # Ballots without a dossier are allowed, several of them.
    session.add_all(
        [
            Rating(channel="kiosk", idempotency_key="k4", satisfaction="rat_hai_long"),
            Rating(channel="kiosk", idempotency_key="k5", satisfaction="binh_thuong"),
        ]
    )
    session.commit()


def test_deleting_a_dossier_keeps_its_rating_unlinked(session):
    dossier = _dossier("D-4")
    session.add(dossier)
    session.commit()
    session.add(Rating(dossier_id=dossier.id, channel="qr", idempotency_key="k6", satisfaction="hai_long"))
    session.commit()
    session.delete(dossier)
    session.commit()
    session.expire_all()
    rating = session.scalar(select(Rating).where(Rating.idempotency_key == "k6"))
    assert rating.dossier_id is None


def test_datetimes_round_trip_as_aware_utc(session):
    at = datetime(2026, 11, 20, 15, 30, tzinfo=timezone(timedelta(hours=7)))
    session.add(AuditLog(actor="t", action="test", at=at, details={"k": "v", "n": 1}))
    session.commit()
    session.expire_all()
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "test"))
    assert entry.at == at and entry.at.tzinfo is not None
    assert entry.at.astimezone(UTC).hour == 8
    assert entry.details == {"k": "v", "n": 1}


def test_naive_datetimes_are_refused(session):
    session.add(AuditLog(actor="t", action="naive", at=datetime(2026, 11, 20, 8, 0)))
    with pytest.raises(Exception, match="naive datetime"):
        session.commit()
    session.rollback()


def test_sqlite_pragmas(tmp_path):
    url = f"sqlite:///{tmp_path / 'sub' / 'x.sqlite3'}"  # the folder is created
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()


def test_catalogue_sync_upserts_and_deletes(session, catalogue):
    session.add(ProcedureRow(code="9.999999", name="Thủ tục đã bỏ", field="Khác", data={}, fingerprint="old"))
    session.commit()
    report = sync_catalogue(session, catalogue)
    assert report.added == len(catalogue) and report.removed == 1
    codes = set(session.scalars(select(ProcedureRow.code)))
    assert "1.001193" in codes and "9.999999" not in codes
    row = session.get(ProcedureRow, "2.000815")
    assert row.field == "Chứng thực" and row.data["code"] == "2.000815"
    assert row.fingerprint == catalogue.fingerprint
    again = sync_catalogue(session, catalogue)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, len(catalogue))


def test_entered_agency_indicators_move_into_units_and_back(db_url):
    """0009: values entered before units belong to the default unit; one value per unit, period and indicator; the
    downgrade keeps the default unit's values only. 0010 adds the units' kiosk addresses and takes them away."""
    migrate.upgrade(db_url, "0008")
    engine = make_engine(db_url)
    at = datetime(2026, 11, 20, 8, tzinfo=UTC)
    insert = (
        "INSERT INTO agency_indicators (period_start, period_end, indicator, value, entered_by, entered_at{unit}) "
        "VALUES ('2026-07-01', '2026-09-30', 9, 1.5, 'lan', :at{value})"
    )
    try:
        with engine.begin() as connection:
            connection.execute(text(insert.format(unit="", value="")), {"at": at})
        migrate.upgrade(db_url)
        with engine.begin() as connection:
            assert connection.execute(text("SELECT unit_code FROM agency_indicators")).scalar() == "00000"
            connection.execute(
                text(
                    "INSERT INTO units (code, name, province, kind, created_at) VALUES ('26734', 'Xã A', '', 'xa', :at)"
                ),
                {"at": at},
            )
            connection.execute(text(insert.format(unit=", unit_code", value=", '26734'")), {"at": at})
            connection.execute(text("UPDATE units SET kiosk_addresses = '10.1.2.0/24' WHERE code = '26734'"))
        with pytest.raises(IntegrityError), engine.begin() as connection:  # the same unit, period and indicator
            connection.execute(text(insert.format(unit=", unit_code", value=", '26734'")), {"at": at})
        migrate.downgrade(db_url, "0008")
        assert "kiosk_addresses" not in {c["name"] for c in inspect(engine).get_columns("units")}
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM agency_indicators")).scalar() == 1
    finally:
        engine.dispose()
