"""Biểu 5a over the API, the CLI and the files (XLSX opened with openpyxl, CSV), on SQLite and PostgreSQL: the worked
example (227 ballots → 17,1, Xuất sắc), agency indicators entered by staff, breakdowns and configurable rules."""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import time_ns

import pytest
import yaml
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from kiosk_api.app import create_app
from kiosk_api.cli import app as cli_app
from kiosk_api.clock import VN_TZ, FixedClock
from kiosk_api.models import AgencyIndicator, AuditLog, Dossier, Petition, Rating
from kiosk_api.report_rules import DEFAULT_RULES_FILE, RuleFileError
from tests.kiosk_api.reports.test_scoring import worked_example_ballots
from tests.support.constants import NOW, TEST_SECRET, TODAY

pytestmark = pytest.mark.db

Q3 = {"quarter": "2026-Q3"}
FIELDS = ["Hộ tịch", "Chứng thực", "Cư trú"]


def _vn(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), VN_TZ).astimezone(UTC)


def load_worked_example(session) -> None:
    """The 227 ballots of the worked example, with their 200 dossiers (received in Q3 2026, 110 online, none late)."""
    dossiers = []
    ballots = worked_example_ballots()
    for k, ballot in enumerate(ballots):
        if ballot.time is None:
            continue
        received = date(2026, 7, 1) + timedelta(days=k % 80)
        due = received + timedelta(days=5)
        result = due - timedelta(days=2) if ballot.time == 2 else due
        dossiers.append(
            Dossier(
                code=f"TEST-5A-{k:04d}",
                procedure_code="1.001193",
                field=FIELDS[k % 3],
                applicant_name="Người dân thử nghiệm",
                phone_hash="a" * 64,
                phone_last4_hash="b" * 64,
                channel="truc_tuyen" if k < 110 else ("truc_tiep" if k % 2 else "buu_chinh"),
                received_date=received,
                appointment_date=due,
                result_date=result,
                returned_date=result + timedelta(days=k % 3),
                status="da_tra_ket_qua",
                officer="lan" if k % 2 else "minh",
            )
        )
    session.add_all(dossiers)
    session.flush()
    by_index = {int(d.code.rsplit("-", 1)[1]): d.id for d in dossiers}
    for k, ballot in enumerate(ballots):
        session.add(
            Rating(
                dossier_id=by_index.get(k),
                counter_id=None if k in by_index else "quay-1",
                channel="kiosk" if k % 3 else "qr",
                idempotency_key=f"example-{k}",
                i3=ballot.i3,
                i4=ballot.i4,
                i6=ballot.i6,
                i7=ballot.i7,
                satisfaction=ballot.satisfaction,
                created_at=_vn(date(2026, 8, 1) + timedelta(days=k % 60), 8 + k % 9),
            )
        )
    # Outside the period: must not count.
    session.add(
        Rating(
            channel="kiosk",
            idempotency_key="june",
            satisfaction="khong_hai_long",
            created_at=_vn(date(2026, 6, 30), 23),
        )
    )
    session.add(
        Rating(
            channel="kiosk", idempotency_key="oct", satisfaction="khong_hai_long", created_at=_vn(date(2026, 10, 1), 0)
        )
    )
    session.commit()


@pytest.fixture
def example(session):
    load_worked_example(session)


def test_reports_need_staff_login(client):
    for path in ("/api/reports/bieu-5a", "/api/reports/bieu-6a", "/api/reports/agency-indicators"):
        response = client.get(path, params=Q3)
        assert response.status_code == 401, path
        assert response.json()["error"] == "unauthorized"
    assert client.put("/api/reports/agency-indicators", json={}).status_code == 401


def test_worked_example_json(client, auth_headers, example):
    response = client.get("/api/reports/bieu-5a", params=Q3, headers=auth_headers)
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["total_ballots"] == 227
    assert out["indicators"] == {
        "1": 1.9,
        "2": 1.9,
        "3": 2.0,
        "4": 2.0,
        "5": 2.0,
        "6": 1.7,
        "7": 1.6,
        "8": 2.0,
        "9": 2.0,
    }
    assert out["score"] == 17.1 and out["max_score"] == 18
    assert out["classification"] == "Xuất sắc"
    assert out["complete"] is True and out["missing_indicators"] == []
    levels = {lv["label"]: (lv["count"], lv["percent"]) for lv in out["satisfaction"]}
    assert levels == {
        "Rất hài lòng": (172, 75.8),
        "Hài lòng": (53, 23.3),
        "Bình thường": (2, 0.9),
        "Không hài lòng": (0, 0.0),
    }
    assert out["period"] == {"from": "2026-07-01", "to": "2026-09-30", "key": "2026-Q3", "label": "Quý III/2026"}
    assert out["unit"] == "UBND xã Thử Nghiệm"
    sources = {d["id"]: d["source"] for d in out["indicator_details"]}
    assert sources == {
        1: "ballots",
        2: "ballots",
        3: "ballots",
        4: "ballots",
        5: "default",
        6: "ballots",
        7: "ballots",
        8: "computed",
        9: "computed",
    }
    details = {d["id"]: d for d in out["indicator_details"]}
    assert details[1]["ballots"] == 200 and details[4]["ballots"] == 226
    assert "110/200" in details[9]["note"]
    assert out["agency_facts"] == {
        "petitions_due": 0,
        "petitions_on_time": 0,
        "petitions_pending": 0,
        "dossiers_received": 200,
        "dossiers_online": 110,
        "dossiers_online_late": 0,
    }

    # The same days asked as a range give the same report.
    same = client.get("/api/reports/bieu-5a", params={"from": "2026-07-01", "to": "2026-09-30"}, headers=auth_headers)
    assert same.json()["score"] == 17.1 and same.json()["period"]["key"] == "2026-Q3"
    year = client.get("/api/reports/bieu-5a", params={"year": 2026}, headers=auth_headers).json()
    assert year["total_ballots"] == 229  # the two ballots of June and October


def test_worked_example_xlsx(client, auth_headers, example):
    response = client.get("/api/reports/bieu-5a", params={**Q3, "format": "xlsx"}, headers=auth_headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert response.headers["content-disposition"] == 'attachment; filename="bieu-5a_2026-Q3.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Biểu 5a"]
    cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row if c.value is not None}
    by_text = {str(c.value): c for c in cells.values()}
    assert ws["A1"].value == "UBND XÃ THỬ NGHIỆM"
    assert ws["A2"].value.startswith("BIỂU 5a")
    assert "Quý III/2026" in ws["A4"].value and "01/07/2026" in ws["A4"].value and "30/09/2026" in ws["A4"].value

    def right_of(label: str, offset: int = 1):
        cell = by_text[label]
        return ws.cell(row=cell.row, column=cell.column + offset)

    indicator_rows = {
        ws.cell(row=r, column=2).value.split(":")[0]: r
        for r in range(1, ws.max_row + 1)
        if re.match(r"Chỉ số \d", str(ws.cell(row=r, column=2).value or ""))
    }
    averages = {name: ws.cell(row=r, column=4).value for name, r in indicator_rows.items()}
    assert averages == {
        "Chỉ số 1": 1.9,
        "Chỉ số 2": 1.9,
        "Chỉ số 3": 2.0,
        "Chỉ số 4": 2.0,
        "Chỉ số 5": 2.0,
        "Chỉ số 6": 1.7,
        "Chỉ số 7": 1.6,
        "Chỉ số 8": 2.0,
        "Chỉ số 9": 2.0,
    }
    assert all(ws.cell(row=r, column=4).number_format == "0.0" for r in indicator_rows.values())
    total = right_of("TỔNG ĐIỂM", 3)
    assert total.value == 17.1 and isinstance(total.value, float) and total.number_format == "0.0"
    assert right_of("TỔNG ĐIỂM", 2).value == 18
    assert right_of("XẾP LOẠI", 2).value == "Xuất sắc"
    levels = {lvl: (right_of(lvl).value, right_of(lvl, 2).value) for lvl in ("Rất hài lòng", "Hài lòng", "Bình thường")}
    assert levels == {"Rất hài lòng": (172, 75.8), "Hài lòng": (53, 23.3), "Bình thường": (2, 0.9)}
    assert right_of("Bình thường", 2).number_format == "0.0"
    assert right_of("Tổng cộng", 2).value == 227
    assert "NGƯỜI LẬP BIỂU" in by_text and "THỦ TRƯỞNG ĐƠN VỊ" in by_text
    assert f"Xã Thử Nghiệm, ngày {TODAY.day} tháng {TODAY.month} năm {TODAY.year}" in by_text


def test_worked_example_csv(client, auth_headers, example):
    response = client.get(
        "/api/reports/bieu-5a", params={**Q3, "format": "csv", "breakdown": "field"}, headers=auth_headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="bieu-5a_2026-Q3.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    total = rows[0]
    assert total["nhom"] == "Tổng cộng" and total["so_phieu"] == "227"
    assert total["tong_diem"] == "17.1" and total["xep_loai"] == "Xuất sắc"
    assert total["Rất hài lòng (%)"] == "75.8" and total["tu_ngay"] == "2026-07-01"
    assert sum(int(r["so_phieu"]) for r in rows[1:]) == 227


def test_breakdown_by_field_and_officer(client, auth_headers, example):
    out = client.get("/api/reports/bieu-5a", params={**Q3, "breakdown": "field"}, headers=auth_headers).json()
    groups = {g["label"]: g for g in out["groups"]}
    assert set(groups) == {*FIELDS, "Phiếu đánh giá không gắn hồ sơ (tại quầy)"}
    assert sum(g["total_ballots"] for g in out["groups"]) == 227
    counter = groups["Phiếu đánh giá không gắn hồ sơ (tại quầy)"]
    assert counter["key"] is None and counter["total_ballots"] == 27
    assert counter["indicators"]["1"] is None and 1 in counter["missing_indicators"]
    assert groups["Hộ tịch"]["indicators"]["9"] == 2.0  # agency indicators are the commune's
    by_officer = client.get("/api/reports/bieu-5a", params={**Q3, "breakdown": "officer"}, headers=auth_headers).json()
    assert {g["key"] for g in by_officer["groups"]} == {"lan", "minh", None}
    bad = client.get("/api/reports/bieu-5a", params={**Q3, "breakdown": "xa"}, headers=auth_headers)
    assert bad.status_code == 422


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"quarter": "2026-Q5"},
        {"quarter": "2026-Q3", "year": 2026},
        {"from": "2026-07-01"},
        {"from": "2026-09-30", "to": "2026-07-01"},
        {"month": "2026-13"},
        {"year": 1990},
        {"quarter": "2026-Q3", "format": "pdf"},
    ],
)
def test_bad_periods_are_refused(client, auth_headers, params):
    for form in ("bieu-5a", "bieu-6a"):
        response = client.get(f"/api/reports/{form}", params=params, headers=auth_headers)
        assert response.status_code == 422, (form, params, response.text)
        assert response.json()["error"] in ("bad_period", "validation_error")


def test_entered_agency_indicator_overrides_the_computed_one(client, auth_headers, example, session):
    body = {"period": "2026-Q3", "indicator": 9, "value": 1, "note": "Theo báo cáo của huyện"}
    response = client.put("/api/reports/agency-indicators", json=body, headers=auth_headers)
    assert response.status_code == 200, response.text
    entry = response.json()
    assert entry["value"] == 1 and entry["entered_by"] == "lan" and entry["period"]["key"] == "2026-Q3"
    assert entry["name"] == "Tiếp nhận hồ sơ trực tuyến"
    again = client.put("/api/reports/agency-indicators", json=body, headers=auth_headers)  # a retried request
    assert again.status_code == 200 and again.json()["entered_at"] == entry["entered_at"]

    out = client.get("/api/reports/bieu-5a", params=Q3, headers=auth_headers).json()
    assert out["indicators"]["9"] == 1.0 and out["score"] == 16.1 and out["classification"] == "Xuất sắc"
    details = {d["id"]: d for d in out["indicator_details"]}
    assert details[9]["source"] == "entered" and "lan" in details[9]["note"] and "huyện" in details[9]["note"]
    # Only for exactly that period: the year report still computes indicator 9.
    year = client.get("/api/reports/bieu-5a", params={"year": 2026}, headers=auth_headers).json()
    assert {d["id"]: d["source"] for d in year["indicator_details"]}[9] == "computed"

    listed = client.get("/api/reports/agency-indicators", headers=auth_headers).json()
    assert [(e["indicator"], e["value"]) for e in listed] == [(9, 1.0)]
    assert (
        client.get("/api/reports/agency-indicators", params={"from": "2026-10-01"}, headers=auth_headers).json() == []
    )

    rows = session.scalars(select(AuditLog).where(AuditLog.action.like("report.agency_indicator%"))).all()
    assert [(r.actor, r.target, r.details) for r in rows] == [
        ("lan", "2026-Q3", {"period": "2026-Q3", "indicator": 9, "value": 1.0, "unit": "00000"})
    ]

    # Indicator 5 with a range instead of a shortcut, then removing the entry of 9 (back to computed).
    body5 = {"from": "2026-07-01", "to": "2026-09-30", "indicator": 5, "value": 0}
    assert client.put("/api/reports/agency-indicators", json=body5, headers=auth_headers).status_code == 200
    removed = client.put(
        "/api/reports/agency-indicators",
        json={"period": "2026-Q3", "indicator": 9, "value": None},
        headers=auth_headers,
    )
    assert removed.status_code == 200 and removed.json()["value"] is None
    out = client.get("/api/reports/bieu-5a", params=Q3, headers=auth_headers).json()
    assert out["indicators"]["5"] == 0.0 and out["indicators"]["9"] == 2.0 and out["score"] == 15.1
    session.expire_all()
    assert [r.indicator for r in session.scalars(select(AgencyIndicator))] == [5]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"period": "2026-Q3", "indicator": 3, "value": 1}, "bad_indicator"),  # computed from ballots
        ({"period": "2026-Q3", "indicator": 12, "value": 1}, "bad_indicator"),
        ({"period": "2026-Q3", "indicator": 5, "value": 2.5}, "bad_indicator"),
        ({"period": "2026-Q3", "indicator": 5, "value": -1}, "validation_error"),
        ({"period": "2026-Q9", "indicator": 5, "value": 1}, "validation_error"),
        (
            {"period": "2026-Q3", "from": "2026-07-01", "to": "2026-09-30", "indicator": 5, "value": 1},
            "validation_error",
        ),
        ({"indicator": 5, "value": 1}, "validation_error"),
    ],
)
def test_bad_agency_indicator_entries(client, auth_headers, body, error):
    response = client.put("/api/reports/agency-indicators", json=body, headers=auth_headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == error


def test_indicator_8_from_the_petitions_register(client, auth_headers, example, session):
    # 10 items due in Q3: 8 answered by the deadline, 1 answered late, 1 never answered → 80 % → 0 points.
    for k in range(10):
        due = date(2026, 8, 3) + timedelta(days=k)
        answered = None if k == 9 else _vn(due + timedelta(days=1 if k == 8 else -1), 15)
        session.add(
            Petition(
                kind="phan_anh",
                content="Nội dung thử nghiệm",
                status="dang_xu_ly" if answered is None else "da_tra_loi",
                received_at=_vn(due - timedelta(days=14)),
                deadline=due,
                answered_at=answered,
                answer=None if answered is None else "Đã trả lời",
            )
        )
    session.commit()
    out = client.get("/api/reports/bieu-5a", params=Q3, headers=auth_headers).json()
    assert out["agency_facts"]["petitions_due"] == 10 and out["agency_facts"]["petitions_on_time"] == 8
    assert out["indicators"]["8"] == 0.0 and out["score"] == 15.1
    assert "8/10" in {d["id"]: d for d in out["indicator_details"]}[8]["note"]


def _app_with_rules(settings, catalogue, path: Path):
    application = create_app(settings.model_copy(update={"report_rules": path}), catalogue, clock=FixedClock(NOW))
    return application


def test_custom_rules_file_changes_the_report(settings, catalogue, example, auth_headers, tmp_path):
    data = yaml.safe_load(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))
    data["name"] = "Bộ tiêu chí thử nghiệm"
    data["classification"] = [{"label": "Đạt", "min": 17.5}, {"label": "Chưa đạt", "min": 0}]
    data["satisfaction_levels"] = [
        {"label": "Hài lòng", "codes": ["rat_hai_long", "hai_long"]},
        {"label": "Chưa hài lòng", "codes": ["binh_thuong", "khong_hai_long"]},
    ]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with TestClient(_app_with_rules(settings, catalogue, path)) as custom:
        out = custom.get("/api/reports/bieu-5a", params=Q3, headers=auth_headers).json()
        # Editing the file while the server runs: the next report uses the new file; a broken edit is refused
        # with its problems rather than guessed around.
        path.write_text("name: broken\nindicators: []\n", encoding="utf-8")
        os.utime(path, ns=(time_ns() + 10**9, time_ns() + 10**9))
        broken = custom.get("/api/reports/bieu-5a", params=Q3, headers=auth_headers)
        assert broken.status_code == 500 and broken.json()["error"] == "bad_report_rules"
        assert broken.json()["detail"]["problems"]
    assert out["rules"] == "Bộ tiêu chí thử nghiệm"
    assert out["score"] == 17.1 and out["classification"] == "Chưa đạt"
    assert [(lv["label"], lv["count"], lv["percent"]) for lv in out["satisfaction"]] == [
        ("Hài lòng", 225, 99.1),
        ("Chưa hài lòng", 2, 0.9),
    ]


def test_invalid_rules_file_stops_the_start(settings, catalogue, tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("name: x\nindicators: []\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        _app_with_rules(settings, catalogue, path)
    assert str(path) in str(caught.value) and caught.value.problems


def test_cli_reports(migrated_url, example, tmp_path):
    env = {
        "DATABASE_URL": migrated_url,
        "KIOSK_SECRET_KEY": TEST_SECRET,
        "KIOSK_VAR_DIR": str(tmp_path / "var"),
        "KIOSK_COMMUNE_NAME": "UBND xã Thử Nghiệm",
    }
    runner = CliRunner()
    out = tmp_path / "bieu5a.xlsx"
    result = runner.invoke(
        cli_app, ["reports", "bieu-5a", "--quarter", "2026-Q3", "--format", "xlsx", "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "17.1 (Xuất sắc), 227 ballots" in result.output
    ws = load_workbook(out)["Biểu 5a"]
    assert ws["A1"].value == "UBND XÃ THỬ NGHIỆM"
    assert 17.1 in [c.value for row in ws.iter_rows() for c in row]

    result = runner.invoke(cli_app, ["reports", "bieu-6a", "--from", "01/07/2026", "--to", "30/09/2026"], env=env)
    assert result.exit_code == 0, result.output
    assert '"received"' in result.output and '"total": 200' in result.output

    result = runner.invoke(cli_app, ["reports", "bieu-5a", "--quarter", "2026-Q3", "--year", "2026"], env=env)
    assert result.exit_code == 1 and "Bad period" in result.output


def test_concurrent_entries_leave_one_row(migrated_url, session):
    """Two replicas entering the same indicator at the same moment: both succeed, one row remains."""
    from concurrent.futures import ThreadPoolExecutor

    from kiosk_api.db import make_engine, make_sessionmaker
    from kiosk_api.domain.periods import Period
    from kiosk_api.report_rules import load_rules
    from kiosk_api.services import agency_indicators as entered

    engine = make_engine(migrated_url)
    rules = load_rules()

    def enter(value: float):
        with make_sessionmaker(engine, FixedClock(NOW))() as s:
            return entered.set_agency_indicator(
                s, Period.parse("2026-Q3"), 5, value, note=None, actor="lan", rules=rules, unit="00000"
            )

    try:
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(enter, [2, 1, 2, 1]))
    finally:
        engine.dispose()
    assert all(r is not None for r in results)
    rows = session.scalars(select(AgencyIndicator)).all()
    assert len(rows) == 1 and rows[0].value in (1.0, 2.0)
