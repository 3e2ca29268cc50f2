"""Dossier CSV import: pure parsing, then the database apply step (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from kiosk_api.domain.channels import DossierChannel
from kiosk_api.domain.dossier_csv import HEADER, parse_dossier_csv
from kiosk_api.domain.status import DossierStatus
from kiosk_api.models import AuditLog, Dossier, DossierStatusHistory
from kiosk_api.security import phone_hash, phone_last4_hash
from kiosk_api.services.dossier_import import import_csv

HEADER_LINE = ",".join(HEADER)


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER_LINE, *rows]) + "\n").encode()


# ---- parsing (pure) ----------------------------------------------------------------------------


def test_parse_good_file_both_date_formats_and_phone_formats(good_csv):
    parsed = parse_dossier_csv(good_csv)
    assert parsed.errors == [] and parsed.warnings == []
    assert len(parsed.rows) == 6
    first, second = parsed.rows[0], parsed.rows[1]
    assert first.line == 2 and first.received_date == date(2026, 11, 2)  # dd/mm/yyyy
    assert second.received_date == date(2026, 11, 10)  # ISO
    assert second.procedure_code == "2.000815"  # provincial suffix reduced to the national code
    assert second.result_date == date(2026, 11, 10) and second.returned_date is None
    assert [r.phone for r in parsed.rows] == [
        "0912345678",
        "0987654321",
        "0901234567",
        "0977111222",
        "0355123456",
        "0868000111",
    ]
    assert parsed.rows[2].channel is DossierChannel.ONLINE
    assert parsed.rows[5].status is DossierStatus.REFUSED


def test_parse_with_bom(good_csv):
    parsed = parse_dossier_csv(b"\xef\xbb\xbf" + good_csv)
    assert parsed.errors == [] and len(parsed.rows) == 6


def test_parse_crlf_and_blank_lines(good_csv):
    text = good_csv.decode().replace("\n", "\r\n") + "\r\n\r\n"
    parsed = parse_dossier_csv(text.encode())
    assert parsed.errors == [] and len(parsed.rows) == 6


def test_parse_bad_rows_reports_line_numbers_and_reasons(bad_csv):
    parsed = parse_dossier_csv(bad_csv, is_known_procedure=lambda code: code != "9.999999")
    errors = {p.line: p.message for p in parsed.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9]
    assert "missing ten_nguoi_nop" in errors[3]
    assert "ngay_tiep_nhan" in errors[4] and "no such day" in errors[4]
    assert "ngay_hen_tra is before ngay_tiep_nhan" in errors[5]
    assert "unknown kenh_nop 'email'" in errors[6]
    assert "unknown trang_thai 'xong'" in errors[7]
    assert "9–11 digits" in errors[8] and "12345678" not in errors[8]  # never echo the phone
    assert "duplicate ma_ho_so" in errors[9] and "line 2" in errors[9]
    assert [(w.line, w.message) for w in parsed.warnings] == [(10, "procedure 9.999999 is not in the catalogue")]
    assert [r.line for r in parsed.rows] == [2, 10, 11]


def test_parse_wrong_header():
    parsed = parse_dossier_csv(b"ma_ho_so,ten\nA,B\n")
    assert [(p.line, p.message.split(":")[0]) for p in parsed.errors] == [(1, "header must be exactly")]
    assert parsed.rows == []


def test_parse_not_utf8():
    parsed = parse_dossier_csv(HEADER_LINE.encode() + "\nA,Nguy\xe1n".encode("latin-1"))
    assert parsed.errors and "not UTF-8" in parsed.errors[0].message


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("X-1,1.001193,A B,0912345678,truc_tiep,01/11/2026,01/11/2026,,,co_ket_qua", "needs ngay_co_ket_qua"),
        ("X-1,1.001193,A B,0912345678,truc_tiep,01/11/2026,01/11/2026,01/11/2026,,da_tra_ket_qua", "needs ngay_tra"),
        ("X-1,1.001193,A B,0912345678,truc_tiep,05/11/2026,06/11/2026,04/11/2026,,co_ket_qua", "ngay_co_ket_qua is"),
        ("X-1,1.001193,A B,0912345678,truc_tiep,05/11/2026,06/11/2026,06/11/2026,05/11/2026,da_tra_ket_qua", "before"),
        ("X-1,abc,A B,0912345678,truc_tiep,01/11/2026,01/11/2026,,,dang_xu_ly", "bad ma_thu_tuc"),
        ("X-1,1.001193,A B,0912345678,truc_tiep,01/11/2026", "expected 10 columns"),
        ("X-1,1.001193,A B,,truc_tiep,01/11/2026,01/11/2026,,,dang_xu_ly", "missing so_dien_thoai"),
    ],
)
def test_parse_row_rules(row, reason):
    parsed = parse_dossier_csv(_csv(row))
    assert len(parsed.errors) == 1 and parsed.errors[0].line == 2
    assert reason in parsed.errors[0].message


def test_line_numbers_count_physical_lines_with_embedded_newlines():
    parsed = parse_dossier_csv(
        _csv(
            'X-1,1.001193,"Nguyễn\nVăn A",0912345678,truc_tiep,01/11/2026,01/11/2026,,,dang_xu_ly',
            "X-2,1.001193,B,0912345678,truc_tiep,01/11/2026,01/11/2026,,,bogus",
        )
    )
    assert parsed.rows[0].applicant_name == "Nguyễn Văn A"
    assert [e.line for e in parsed.errors] == [4]


# ---- applying to the database ------------------------------------------------------------------


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_import_good_file(session, good_csv, secret, catalogue):
    report = import_csv(session, good_csv, secret=secret, catalogue=catalogue)
    assert (report.created, report.updated, report.unchanged, report.written) == (6, 0, 0, True)
    dossier = session.scalar(select(Dossier).where(Dossier.code == "000.00.06.H56-261105-0003"))
    assert dossier.procedure_code == "1.001193" and dossier.field == "Hộ tịch"
    assert dossier.applicant_name == "Lê Văn Cường"
    assert dossier.phone_hash == phone_hash(secret, "0901234567")
    assert dossier.phone_last4_hash == phone_last4_hash(secret, dossier.code, "4567")
    assert "0901234567" not in repr(vars(dossier))
    history = session.scalars(select(DossierStatusHistory).where(DossierStatusHistory.dossier_id == dossier.id)).all()
    assert [(h.from_status, h.to_status, h.changed_by) for h in history] == [(None, "dang_xu_ly", "import")]
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "dossiers.import")).all()
    assert len(audit) == 1 and audit[0].details["created"] == 6


def test_reimport_is_idempotent(session, good_csv, secret, catalogue):
    import_csv(session, good_csv, secret=secret, catalogue=catalogue)
    report = import_csv(session, good_csv, secret=secret, catalogue=catalogue)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert _count(session, Dossier) == 6
    assert _count(session, DossierStatusHistory) == 6


def test_reimport_with_changes_updates_and_records_history(session, good_csv, secret, catalogue):
    import_csv(session, good_csv, secret=secret, catalogue=catalogue)
    prefix = "000.00.06.H56-261105-0003,1.001193,Lê Văn Cường,0901234567,truc_tuyen,05/11/2026,10/11/2026,"
    changed = good_csv.decode().replace(prefix + ",,dang_xu_ly", prefix + "19/11/2026,,co_ket_qua")
    report = import_csv(session, b"\xef\xbb\xbf" + changed.encode(), secret=secret, catalogue=catalogue)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    dossier = session.scalar(select(Dossier).where(Dossier.code == "000.00.06.H56-261105-0003"))
    assert dossier.status == "co_ket_qua" and dossier.result_date == date(2026, 11, 19)
    assert [(h.from_status, h.to_status) for h in dossier.history][-1] == ("dang_xu_ly", "co_ket_qua")


def test_bad_rows_write_nothing(session, bad_csv, secret, catalogue):
    report = import_csv(session, bad_csv, secret=secret, catalogue=catalogue)
    assert not report.written
    assert [e.line for e in report.errors] == [3, 4, 5, 6, 7, 8, 9]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert _count(session, Dossier) == 0
    assert _count(session, AuditLog) == 0
    assert "nothing was imported" in report.summary()


def test_partial_writes_good_rows(session, bad_csv, secret, catalogue):
    report = import_csv(session, bad_csv, secret=secret, catalogue=catalogue, partial=True)
    assert report.written and report.created == 3
    assert len(report.errors) == 7 and [w.line for w in report.warnings] == [10]
    codes = set(session.scalars(select(Dossier.code)))
    assert codes == {"000.00.06.H56-261116-0101", "000.00.06.H56-261116-0109", "000.00.06.H56-261116-0110"}
    unknown = session.scalar(select(Dossier).where(Dossier.code == "000.00.06.H56-261116-0109"))
    assert unknown.procedure_code == "9.999999" and unknown.field is None
    # The duplicate (line 9) did not overwrite the first row's applicant.
    first = session.scalar(select(Dossier).where(Dossier.code == "000.00.06.H56-261116-0101"))
    assert first.applicant_name == "Đỗ Thị Giang"


# ---- an export without appointment dates ---------------------------------------------------------------------

# 1.004873 Cấp Giấy xác nhận tình trạng hôn nhân: 3 working days in person. Received just before Tết 2027 (mùng 1 is
# Saturday 06/02): the offices are closed 04/02–10/02, so the appointment is Monday 15/02, not Monday 08/02.
NO_DUE = (
    "000.00.06.H56-270203-0001,1.004873,Trần Văn Tết,0912000001,truc_tiep,03/02/2027,,15/02/2027,15/02/2027,"
    "da_tra_ket_qua",
    "000.00.06.H56-270203-0002,1.004873,Trần Văn Sớm,0912000002,truc_tiep,03/02/2027,,12/02/2027,,co_ket_qua",
    "000.00.06.H56-270203-0003,2.000815,Trần Văn Chứng,0912000003,truc_tiep,2027-02-03,,,,dang_xu_ly",
    "000.00.06.H56-261231-0004,1.004873,Lê Thị Năm,0912000004,truc_tiep,31/12/2026,,,,dang_xu_ly",
)


def test_an_empty_appointment_date_is_computed_from_the_time_limit(session, secret, catalogue, calendar):
    assert catalogue.get("1.004873").default_channel.time_limit.value == 3
    report = import_csv(session, _csv(*NO_DUE), secret=secret, catalogue=catalogue, calendar=calendar)
    assert report.written and report.errors == [] and report.computed_appointments == 4
    assert "4 appointment date(s) computed" in report.summary()
    due = dict(session.execute(select(Dossier.code, Dossier.appointment_date)).all())
    assert due["000.00.06.H56-270203-0001"] == date(2027, 2, 15)
    assert due["000.00.06.H56-270203-0002"] == date(2027, 2, 15)
    assert due["000.00.06.H56-270203-0003"] == date(2027, 2, 3)  # chứng thực: the same day
    assert due["000.00.06.H56-261231-0004"] == date(2027, 1, 6)  # 1/1 and the weekend are off


def test_an_empty_appointment_date_needs_a_known_procedure(session, secret, catalogue, calendar):
    row = "X-1,9.999999,A B,0912000009,truc_tiep,03/02/2027,,,,dang_xu_ly"
    report = import_csv(session, _csv(row), secret=secret, catalogue=catalogue, calendar=calendar)
    assert not report.written
    assert "ngay_hen_tra is empty and cannot be computed: procedure 9.999999" in report.errors[0].message
    # Without a calendar (an older caller) an empty ngay_hen_tra is simply missing.
    assert "missing ngay_hen_tra" in parse_dossier_csv(_csv(NO_DUE[0])).errors[0].message


def test_bieu_6a_counts_computed_appointments_on_the_real_calendar(session, secret, catalogue, calendar):
    from kiosk_api.services import reports

    import_csv(session, _csv(*NO_DUE), secret=secret, catalogue=catalogue, calendar=calendar)
    report = reports.bieu_6a(session, date(2027, 1, 1), date(2027, 3, 31), today=date(2027, 3, 31))
    total = report.total
    # Returned on 15/02 is on time and on 12/02 early (counting weekends only, both would be late).
    assert (total.resolved_early, total.resolved_on_time, total.resolved_late) == (1, 1, 0)
    # Overdue at 31/03: the certified copy due 03/02 and the file carried over from 2026, due 06/01.
    assert (total.in_progress_within, total.in_progress_overdue) == (0, 2)
