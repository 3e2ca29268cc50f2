"""Biểu 6a: the pure classification of a dossier, the SQL aggregation as its exact twin (demo data and hand-made
edge cases, SQLite and PostgreSQL), the form's invariants, and the API / XLSX / CSV output."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kiosk_api.domain import bieu6a as b6
from kiosk_api.domain.bieu6a import Column, Placement, classify
from kiosk_api.domain.periods import Period
from kiosk_api.models import Dossier
from kiosk_api.services import demo_data, reports
from procedures_kb.workdays import WorkingCalendar
from tests.support.constants import TODAY

Q3 = Period.quarter(2026, 3)
D = date


def place(status, *, received, appointment, result=None, returned=None, channel="truc_tiep", period=Q3, as_of=None):
    return classify(
        status=status,
        channel=channel,
        received=received,
        appointment=appointment,
        result=result,
        returned=returned,
        start=period.start,
        end=period.end,
        as_of=as_of,
    )


# ---- pure rules -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # received in the period, resolved in it
        (
            dict(
                status="da_tra_ket_qua",
                received=D(2026, 7, 1),
                appointment=D(2026, 7, 10),
                result=D(2026, 7, 8),
                channel="truc_tuyen",
            ),
            Placement("online", Column.RESOLVED_EARLY),
        ),
        (
            dict(status="co_ket_qua", received=D(2026, 7, 1), appointment=D(2026, 7, 10), result=D(2026, 7, 10)),
            Placement("offline", Column.RESOLVED_ON_TIME),
        ),
        (
            dict(
                status="da_tra_ket_qua",
                received=D(2026, 7, 1),
                appointment=D(2026, 7, 10),
                result=D(2026, 7, 13),
                channel="buu_chinh",
            ),
            Placement("offline", Column.RESOLVED_LATE),
        ),
        # refused: on time whatever the dates
        (
            dict(status="tu_choi", received=D(2026, 7, 1), appointment=D(2026, 7, 3), result=D(2026, 7, 20)),
            Placement("offline", Column.RESOLVED_ON_TIME),
        ),
        # no result date recorded: the returned date; neither: the appointment date (on time)
        (
            dict(status="da_tra_ket_qua", received=D(2026, 7, 1), appointment=D(2026, 7, 10), returned=D(2026, 7, 9)),
            Placement("offline", Column.RESOLVED_EARLY),
        ),
        (
            dict(status="da_tra_ket_qua", received=D(2026, 7, 1), appointment=D(2026, 7, 10)),
            Placement("offline", Column.RESOLVED_ON_TIME),
        ),
        # in progress at the end: overdue only when the appointment is before the end date
        (
            dict(status="dang_xu_ly", received=D(2026, 9, 1), appointment=D(2026, 9, 29)),
            Placement("offline", Column.IN_PROGRESS_OVERDUE),
        ),
        (
            dict(status="moi_tiep_nhan", received=D(2026, 9, 25), appointment=D(2026, 9, 30)),
            Placement("offline", Column.IN_PROGRESS_WITHIN),
        ),
        (
            dict(status="cho_bo_sung", received=D(2026, 7, 1), appointment=D(2026, 7, 5)),
            Placement("offline", Column.IN_PROGRESS_WITHIN),
        ),
        # resolved after the period: still in progress at its end
        (
            dict(status="da_tra_ket_qua", received=D(2026, 9, 20), appointment=D(2026, 9, 25), result=D(2026, 10, 2)),
            Placement("offline", Column.IN_PROGRESS_OVERDUE),
        ),
        (
            dict(status="co_ket_qua", received=D(2026, 9, 28), appointment=D(2026, 10, 5), result=D(2026, 10, 2)),
            Placement("offline", Column.IN_PROGRESS_WITHIN),
        ),
        # carried over from the previous period
        (
            dict(
                status="da_tra_ket_qua",
                received=D(2026, 6, 25),
                appointment=D(2026, 7, 2),
                result=D(2026, 7, 1),
                channel="truc_tuyen",
            ),
            Placement("carried_over", Column.RESOLVED_EARLY),
        ),
        (
            dict(status="dang_xu_ly", received=D(2026, 5, 1), appointment=D(2026, 5, 10)),
            Placement("carried_over", Column.IN_PROGRESS_OVERDUE),
        ),
        (
            dict(status="da_tra_ket_qua", received=D(2026, 6, 25), appointment=D(2026, 6, 30), result=D(2026, 7, 1)),
            Placement("carried_over", Column.RESOLVED_LATE),
        ),
        # not in the report
        (
            dict(status="da_tra_ket_qua", received=D(2026, 6, 1), appointment=D(2026, 6, 10), result=D(2026, 6, 30)),
            None,
        ),
        (dict(status="moi_tiep_nhan", received=D(2026, 10, 1), appointment=D(2026, 10, 5)), None),
        (dict(status="da_rut", received=D(2026, 7, 1), appointment=D(2026, 7, 10)), None),
    ],
)
def test_classify(kwargs, expected):
    assert place(**kwargs) == expected


def test_overdue_is_judged_at_today_for_an_unfinished_period():
    q4 = Period.quarter(2026, 4)
    kwargs = dict(status="dang_xu_ly", received=D(2026, 11, 16), appointment=D(2026, 11, 25), period=q4)
    assert place(**kwargs).column is Column.IN_PROGRESS_OVERDUE  # relative to 31/12
    assert place(**kwargs, as_of=TODAY).column is Column.IN_PROGRESS_WITHIN  # 25/11 is still to come on 20/11
    assert place(**{**kwargs, "appointment": D(2026, 11, 19)}, as_of=TODAY).column is Column.IN_PROGRESS_OVERDUE
    assert place(**{**kwargs, "appointment": TODAY}, as_of=TODAY).column is Column.IN_PROGRESS_WITHIN


def test_counts_invariants():
    c = b6.Counts()
    for p in [
        Placement("online", Column.RESOLVED_EARLY),
        Placement("carried_over", Column.IN_PROGRESS_OVERDUE),
        Placement("offline", Column.RESOLVED_ON_TIME),
        None,
    ]:
        c.add(p)
    c.check()
    assert (c.received, c.resolved, c.in_progress) == (3, 2, 1)
    assert c.percent_on_time() == 100.0
    c.resolved_late += 1
    with pytest.raises(AssertionError):
        c.check()


# ---- SQL twin -------------------------------------------------------------------------------------------------

EDGE_CASES = [
    ("da_tra_ket_qua", "truc_tuyen", D(2026, 7, 1), D(2026, 7, 10), D(2026, 7, 8), D(2026, 7, 9), "Hộ tịch", "lan"),
    ("co_ket_qua", "truc_tiep", D(2026, 7, 1), D(2026, 7, 10), D(2026, 7, 10), None, "Hộ tịch", "lan"),
    ("da_tra_ket_qua", "buu_chinh", D(2026, 7, 1), D(2026, 7, 10), D(2026, 7, 13), D(2026, 7, 14), "Chứng thực", None),
    ("tu_choi", "truc_tiep", D(2026, 7, 1), D(2026, 7, 3), D(2026, 7, 20), D(2026, 7, 20), "Chứng thực", "minh"),
    ("da_tra_ket_qua", "truc_tiep", D(2026, 7, 1), D(2026, 7, 10), None, D(2026, 7, 9), None, "minh"),
    ("da_tra_ket_qua", "truc_tiep", D(2026, 7, 1), D(2026, 7, 10), None, None, None, None),
    ("dang_xu_ly", "truc_tuyen", D(2026, 9, 1), D(2026, 9, 29), None, None, "Cư trú", "lan"),
    ("moi_tiep_nhan", "truc_tiep", D(2026, 9, 25), D(2026, 9, 30), None, None, "Cư trú", "lan"),
    ("cho_bo_sung", "truc_tiep", D(2026, 7, 1), D(2026, 7, 5), None, None, "Cư trú", "minh"),
    ("da_tra_ket_qua", "truc_tiep", D(2026, 9, 20), D(2026, 9, 25), D(2026, 10, 2), D(2026, 10, 2), "Hộ tịch", "lan"),
    ("co_ket_qua", "truc_tuyen", D(2026, 9, 28), D(2026, 10, 5), D(2026, 10, 2), None, "Hộ tịch", "lan"),
    ("da_tra_ket_qua", "truc_tuyen", D(2026, 6, 25), D(2026, 7, 2), D(2026, 7, 1), D(2026, 7, 1), "Hộ tịch", "minh"),
    ("dang_xu_ly", "truc_tiep", D(2026, 5, 1), D(2026, 5, 10), None, None, "Chứng thực", "minh"),
    ("da_tra_ket_qua", "truc_tiep", D(2026, 6, 25), D(2026, 6, 30), D(2026, 7, 1), D(2026, 7, 1), "Hộ tịch", None),
    ("da_tra_ket_qua", "truc_tiep", D(2026, 6, 1), D(2026, 6, 10), D(2026, 6, 30), D(2026, 6, 30), "Hộ tịch", "lan"),
    ("moi_tiep_nhan", "truc_tiep", D(2026, 10, 1), D(2026, 10, 5), None, None, "Hộ tịch", "lan"),
    ("da_rut", "truc_tiep", D(2026, 7, 1), D(2026, 7, 10), None, None, "Hộ tịch", "lan"),
    ("da_rut", "truc_tuyen", D(2026, 8, 1), D(2026, 8, 10), None, None, None, None),
]


def add_edge_cases(session) -> None:
    for k, (status, channel, received, appointment, result, returned, field, officer) in enumerate(EDGE_CASES):
        session.add(
            Dossier(
                code=f"EDGE-{k:03d}",
                procedure_code="1.001193",
                field=field,
                applicant_name="Người dân thử nghiệm",
                phone_hash="a" * 64,
                phone_last4_hash="b" * 64,
                channel=channel,
                received_date=received,
                appointment_date=appointment,
                result_date=result,
                returned_date=returned,
                status=status,
                officer=officer,
            )
        )
    session.commit()


def expected_counts(session, period: Period, breakdown: str | None, as_of: date | None = None):
    """Python reference: every dossier loaded and classified one by one (the test's job, never the report's)."""
    out: dict[str | None, b6.Counts] = {}
    for d in session.scalars(select(Dossier)):
        key = getattr(d, breakdown) if breakdown else None
        counts = out.setdefault(key, b6.Counts())
        counts.add(
            classify(
                status=d.status,
                channel=d.channel,
                received=d.received_date,
                appointment=d.appointment_date,
                result=d.result_date,
                returned=d.returned_date,
                start=period.start,
                end=period.end,
                as_of=as_of,
            )
        )
        if d.status == "da_rut" and period.start <= d.received_date <= period.end:
            counts.withdrawn += 1
    return {k: v for k, v in out.items() if v != b6.Counts()}


def as_dict(counts: b6.Counts) -> dict[str, int]:
    return {name: getattr(counts, name) for name in (*reports.COUNT_FIELDS, "withdrawn")}


@pytest.fixture
def demo(session, catalogue, secret):
    demo_data.load(session, catalogue, secret=secret, today=TODAY, calendar=WorkingCalendar(), count=400)
    add_edge_cases(session)


PERIODS = [
    Period.quarter(2026, 3),
    Period.quarter(2026, 4),
    Period.month(2026, 8),
    Period.year(2026),
    Period.between(D(2026, 8, 15), D(2026, 10, 15)),
    Period.between(D(2026, 7, 1), D(2026, 7, 1)),
]


@pytest.mark.db
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.key)
def test_sql_matches_the_pure_rules(session, demo, period):
    for breakdown in (None, "field", "officer"):
        for as_of in (None, TODAY):
            report = reports.bieu_6a(session, period.start, period.end, breakdown=breakdown, today=as_of)
            expected = expected_counts(session, period, breakdown, as_of)
            if breakdown is None:
                assert as_dict(report.total) == as_dict(expected.get(None, b6.Counts())), (period.key, as_of)
            else:
                got = {g.key: as_dict(g.counts) for g in report.groups}
                assert got == {k: as_dict(v) for k, v in expected.items()}, (period.key, breakdown, as_of)
                total = b6.Counts()
                for g in report.groups:
                    total += g.counts
                assert as_dict(total) == as_dict(report.total)
            report.total.check()
            for g in report.groups:
                g.counts.check()


@pytest.mark.db
def test_edge_cases_in_q3(session):
    add_edge_cases(session)
    report = reports.bieu_6a(session, Q3.start, Q3.end)
    t = report.total
    assert (t.online, t.offline, t.carried_over) == (3, 8, 3)
    assert (t.resolved_early, t.resolved_on_time, t.resolved_late) == (3, 3, 2)
    assert (t.in_progress_within, t.in_progress_overdue) == (3, 3)
    assert t.withdrawn == 2
    assert t.received == t.resolved + t.in_progress == 14
    by_field = reports.bieu_6a(session, Q3.start, Q3.end, breakdown="field")
    labels = [g.label for g in by_field.groups]
    assert labels == ["Chứng thực", "Cư trú", "Hộ tịch", "Chưa phân loại lĩnh vực"]


# ---- API and files --------------------------------------------------------------------------------------------


@pytest.mark.db
def test_bieu_6a_api_json_xlsx_csv(client, auth_headers, session):
    add_edge_cases(session)
    response = client.get(
        "/api/reports/bieu-6a", params={"quarter": "2026-Q3", "breakdown": "field"}, headers=auth_headers
    )
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["total"]["received"] == {"total": 14, "online": 3, "in_person_or_post": 8, "carried_over": 3}
    assert out["total"]["resolved"] == {"total": 8, "early": 3, "on_time": 3, "late": 2}
    assert out["total"]["in_progress"] == {"total": 6, "within": 3, "overdue": 3}
    assert out["total"]["withdrawn"] == 2 and out["total"]["on_time_percent"] == 75.0
    assert out["period"]["label"] == "Quý III/2026" and out["breakdown"] == "field"
    assert sum(g["received"]["total"] for g in out["groups"]) == 14
    assert all(g["received"]["total"] == g["resolved"]["total"] + g["in_progress"]["total"] for g in out["groups"])

    response = client.get(
        "/api/reports/bieu-6a",
        params={"quarter": "2026-Q3", "breakdown": "field", "format": "xlsx"},
        headers=auth_headers,
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="bieu-6a_2026-Q3.xlsx"'
    ws = load_workbook(io.BytesIO(response.content))["Biểu 6a"]
    assert ws["A1"].value == "UBND XÃ THỬ NGHIỆM" and ws["A2"].value.startswith("BIỂU 6a")
    texts = {str(c.value): c for row in ws.iter_rows() for c in row if c.value is not None}
    for heading in (
        "Số hồ sơ nhận giải quyết",
        "Số hồ sơ đã giải quyết",
        "Số hồ sơ đang giải quyết",
        "Trực tuyến",
        "Từ kỳ trước",
        "Trước hạn",
        "Trong hạn",
        "NGƯỜI LẬP BIỂU",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ):
        assert heading in texts, heading
    total_row = texts["Tổng cộng"].row
    values = [ws.cell(row=total_row, column=c).value for c in range(3, 15)]
    assert values == [14, 3, 8, 3, 8, 3, 3, 2, 6, 3, 3, 2]
    assert ws.cell(row=total_row, column=3).number_format == "#,##0"
    hotich = texts["Hộ tịch"].row
    assert ws.cell(row=hotich, column=1).value >= 1 and isinstance(ws.cell(row=hotich, column=3).value, int)

    response = client.get("/api/reports/bieu-6a", params={"quarter": "2026-Q3", "format": "csv"}, headers=auth_headers)
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["nhom"] == "Tổng cộng" and rows[0]["received"] == "14" and rows[0]["in_progress_overdue"] == "3"


@pytest.mark.db
def test_current_quarter_overdue_is_as_of_today(client, auth_headers, session):
    session.add(
        Dossier(
            code="Q4-1",
            procedure_code="1.001193",
            field="Hộ tịch",
            applicant_name="A",
            phone_hash="a" * 64,
            phone_last4_hash="b" * 64,
            channel="truc_tiep",
            received_date=D(2026, 11, 16),
            appointment_date=TODAY + timedelta(days=5),
            status="dang_xu_ly",
        )
    )
    session.commit()
    out = client.get("/api/reports/bieu-6a", params={"quarter": "2026-Q4"}, headers=auth_headers).json()
    assert out["total"]["in_progress"] == {"total": 1, "within": 1, "overdue": 0}
