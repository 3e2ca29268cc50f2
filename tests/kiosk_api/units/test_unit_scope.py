"""Roles keep units apart: a commune officer sees and changes only their unit's data (403 for another unit's,
never its rows); a province officer reads every unit and can pick one with ?unit=. SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from motcua.vocabulary import StaffRole
from sqlalchemy import select

from kiosk_api.domain.units import OutOfScope, Scope, UnitError, scope_for
from kiosk_api.models import Dossier, HandoffRequest, Petition, Rating
from kiosk_api.services import staff as staff_service
from kiosk_api.services.dossier_import import import_csv
from kiosk_api.services.units import NewUnit, add_unit
from tests.support.constants import FIXTURES, TEST_SECRET

A, B = "26734", "26735"
PASSWORD = "mat-khau-dai-123"


# ---- the rule ------------------------------------------------------------------------------------------


def test_an_officer_works_on_their_unit_and_a_province_officer_on_any():
    assert scope_for(StaffRole.OFFICER, A, None) == Scope(A)
    assert scope_for(StaffRole.OFFICER, A, A) == Scope(A)
    with pytest.raises(OutOfScope):
        scope_for(StaffRole.OFFICER, A, B)
    assert scope_for(StaffRole.PROVINCE, A, None) == Scope(None)
    assert scope_for(StaffRole.PROVINCE, A, B) == Scope(B)
    assert scope_for(StaffRole.ADMIN, A, "") == Scope(None)
    with pytest.raises(UnitError):
        scope_for(StaffRole.PROVINCE, A, "B56")
    assert Scope(None).allows(B) and Scope(A).allows(A) and not Scope(A).allows(B)


# ---- the staff API across units ------------------------------------------------------------------------


@pytest.fixture
def two_units(session):
    """Unit A holds the six dossiers of the sample file (their prefix); unit B one dossier of its own."""
    add_unit(session, NewUnit(code=A, name="Xã Tân Phú", dossier_prefix="000.00.06.H56"), actor="test")
    add_unit(session, NewUnit(code=B, name="Phường Bình An", dossier_prefix="000.00.07.H56"), actor="test")
    data = (FIXTURES / "dossiers_good.csv").read_bytes()
    import_csv(session, data, secret=TEST_SECRET.encode(), catalogue=None)
    b_row = data.decode().splitlines()[1].replace("000.00.06.H56-261102-0001", "000.00.07.H56-261102-0009")
    import_csv(
        session,
        (data.decode().splitlines()[0] + "\n" + b_row + "\n").encode(),
        secret=TEST_SECRET.encode(),
        catalogue=None,
    )
    for username, role, unit in (("can_bo_a", "officer", A), ("can_bo_b", "officer", B), ("tinh", "province", B)):
        staff_service.create_user(session, username, PASSWORD, full_name=username, role=StaffRole(role), unit=unit)
    return session


def login(client, username: str) -> dict[str, str]:
    response = client.post("/api/staff/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


B_CODE = "000.00.07.H56-261102-0009"
A_CODE = "000.00.06.H56-261102-0001"


def test_an_officer_lists_reads_and_changes_only_their_units_dossiers(client, two_units):
    a = login(client, "can_bo_a")
    listed = client.get("/api/staff/dossiers", headers=a).json()
    assert listed["total"] == 6 and all(item["code"].startswith("000.00.06") for item in listed["items"])
    assert client.get(f"/api/staff/dossiers/{A_CODE}", headers=a).status_code == 200
    other = client.get(f"/api/staff/dossiers/{B_CODE}", headers=a)
    assert other.status_code == 403 and other.json()["error"] == "other_unit"
    assert B_CODE not in other.text
    change = client.patch(f"/api/staff/dossiers/{B_CODE}", headers=a, json={"status": "dang_xu_ly"})
    assert change.status_code == 403
    assert two_units.scalar(select(Dossier.status).where(Dossier.code == B_CODE)) != "dang_xu_ly"
    asked = client.get("/api/staff/dossiers", headers=a, params={"unit": B})
    assert asked.status_code == 403 and asked.json()["error"] == "other_unit"
    assert client.get("/api/staff/dossiers", headers=login(client, "can_bo_b")).json()["total"] == 1


def test_a_province_officer_reads_every_unit_and_filters_by_one(client, two_units):
    province = login(client, "tinh")
    assert client.get("/api/staff/dossiers", headers=province).json()["total"] == 7
    only_a = client.get("/api/staff/dossiers", headers=province, params={"unit": A}).json()
    assert only_a["total"] == 6
    assert client.get(f"/api/staff/dossiers/{B_CODE}", headers=province).status_code == 200
    bad = client.get("/api/staff/dossiers", headers=province, params={"unit": "B56"})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_unit"


def test_an_officers_import_cannot_change_another_units_dossier(client, two_units):
    a = login(client, "can_bo_a")
    data = (FIXTURES / "dossiers_good.csv").read_text(encoding="utf-8")
    rows = data.splitlines()
    stolen = rows[1].replace(A_CODE, B_CODE).replace("da_tra_ket_qua", "tu_choi")
    body = "\n".join([rows[0], stolen]) + "\n"
    response = client.post(
        "/api/staff/dossiers/import", headers=a, files={"file": ("b.csv", body.encode(), "text/csv")}
    )
    report = response.json()
    assert report["written"] is False and report["errors"][0]["code"] == B_CODE
    assert "belongs to unit 26735" in report["errors"][0]["message"]
    assert two_units.scalar(select(Dossier.status).where(Dossier.code == B_CODE)) == "da_tra_ket_qua"
    # a new code is imported into the officer's unit, whatever its prefix says
    new = rows[1].replace(A_CODE, "000.00.07.H56-261102-0077")
    client.post(
        "/api/staff/dossiers/import", headers=a, files={"file": ("n.csv", f"{rows[0]}\n{new}\n".encode(), "text/csv")}
    )
    assert two_units.scalar(select(Dossier.unit_code).where(Dossier.code == "000.00.07.H56-261102-0077")) == A


@pytest.fixture
def petitions_and_requests(two_units):
    """One petition and one officer request in each unit."""
    session = two_units
    for unit, text in ((A, "Đèn đường thôn Đông hỏng"), (B, "Cống phường ngập")):
        session.add(Petition(kind="phan_anh", content=text, status="moi", channel="kiosk", unit_code=unit))
        session.add(HandoffRequest(channel="kiosk", topic=f"gặp cán bộ {unit}", status="cho", unit_code=unit))
    session.commit()
    ids = {
        unit: (
            session.scalar(select(Petition.id).where(Petition.unit_code == unit)),
            session.scalar(select(HandoffRequest.id).where(HandoffRequest.unit_code == unit)),
        )
        for unit in (A, B)
    }
    return session, ids


def test_petitions_and_officer_requests_stay_in_their_unit(client, petitions_and_requests):
    session, ids = petitions_and_requests
    a = login(client, "can_bo_a")
    b_petition, b_request = ids[B]
    listed = client.get("/api/staff/petitions", headers=a).json()
    assert [item["content"] for item in listed["items"]] == ["Đèn đường thôn Đông hỏng"]
    assert client.get(f"/api/staff/petitions/{b_petition}", headers=a).status_code == 403
    patch = client.patch(f"/api/staff/petitions/{b_petition}", headers=a, json={"close": True})
    assert patch.status_code == 403
    assert client.post(f"/api/staff/petitions/{b_petition}/spam", headers=a).status_code == 403
    assert [r["topic"] for r in client.get("/api/staff/handoffs", headers=a).json()] == [f"gặp cán bộ {A}"]
    assert (
        client.patch(f"/api/staff/handoffs/{b_request}", headers=a, json={"status": "dang_ho_tro"}).status_code == 403
    )
    assert client.post(f"/api/staff/handoffs/{b_request}/spam", headers=a).status_code == 403
    session.expire_all()
    assert session.get(Petition, b_petition).spam is False and session.get(Petition, b_petition).status == "moi"
    assert session.get(HandoffRequest, b_request).status == "cho"
    # a petition of A cannot be given to B's officer
    given = client.patch(f"/api/staff/petitions/{ids[A][0]}", headers=a, json={"assigned_to": "can_bo_b"})
    assert given.status_code == 422
    # purging spam only purges the officer's unit
    session.get(Petition, b_petition).spam = True
    session.commit()
    client.delete("/api/staff/petitions/spam", headers=a)
    assert session.get(Petition, b_petition) is not None
    province = login(client, "tinh")
    assert client.get("/api/staff/petitions", headers=province, params={"unit": A}).json()["total"] == 1
    assert len(client.get("/api/staff/handoffs", headers=province).json()) == 2


def test_reports_count_the_officers_unit_and_the_province_per_unit_or_all(client, petitions_and_requests):
    session, _ = petitions_and_requests
    dossier_a = session.scalar(select(Dossier.id).where(Dossier.unit_code == A).limit(1))
    session.add_all(
        [
            Rating(channel="kiosk", satisfaction="hai_long", idempotency_key="a1", dossier_id=dossier_a, unit_code=A),
            Rating(channel="kiosk", satisfaction="khong_hai_long", idempotency_key="b1", unit_code=B),
            Rating(channel="kiosk", satisfaction="khong_hai_long", idempotency_key="b2", unit_code=B),
        ]
    )
    session.commit()
    period = {"from": "2026-10-01", "to": "2026-12-31"}

    def ballots(headers, **extra):
        response = client.get("/api/reports/bieu-5a", headers=headers, params={**period, **extra})
        assert response.status_code == 200, response.text
        return response.json()

    a = ballots(login(client, "can_bo_a"))
    assert a["total_ballots"] == 1 and a["unit"] == "Xã Tân Phú"
    assert (
        client.get("/api/reports/bieu-5a", headers=login(client, "can_bo_a"), params={**period, "unit": B}).status_code
        == 403
    )
    province = login(client, "tinh")
    assert ballots(province)["total_ballots"] == 3
    assert ballots(province, unit=B)["total_ballots"] == 2
    six_a = client.get("/api/reports/bieu-6a", headers=login(client, "can_bo_a"), params=period).json()
    six_all = client.get("/api/reports/bieu-6a", headers=province, params=period).json()
    assert six_all["total"]["received"]["total"] - six_a["total"]["received"]["total"] == 1  # B's one dossier


def page_login(client, username: str) -> str:
    page = client.get("/staff/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/staff/login",
        data={"username": username, "password": PASSWORD, "csrf": csrf, "next": "/staff"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/petitions").text).group(1)


def test_staff_pages_show_and_change_only_the_officers_unit(client, petitions_and_requests):
    session, ids = petitions_and_requests
    csrf = page_login(client, "can_bo_a")
    listing = client.get("/staff/petitions").text
    assert "Đèn đường thôn Đông hỏng" in listing and "Cống phường ngập" not in listing
    dashboard = client.get("/staff").text
    assert f"gặp cán bộ {A}" in dashboard and f"gặp cán bộ {B}" not in dashboard
    assert client.get(f"/staff/petitions/{ids[B][0]}").status_code == 403
    action = client.post(f"/staff/petitions/{ids[B][0]}", data={"action": "close", "csrf": csrf})
    assert action.status_code == 403
    handoff = client.post(f"/staff/handoffs/{ids[B][1]}", data={"status": "dang_ho_tro", "csrf": csrf})
    assert handoff.status_code == 403
    assert client.get(f"/staff/dossiers/{B_CODE}/xin-loi").status_code == 403
    assert client.post(f"/staff/dossiers/{B_CODE}/mo-khoa", data={"csrf": csrf}).status_code == 403
    assert client.get("/staff", params={"unit": B}).status_code == 403
    session.expire_all()
    assert session.get(HandoffRequest, ids[B][1]).status == "cho"


def test_the_province_ranks_its_communes_in_bieu_5a_and_counts_each_in_6a(client, petitions_and_requests):
    session, _ = petitions_and_requests
    session.add_all(
        [
            Rating(channel="kiosk", satisfaction="rat_hai_long", idempotency_key="a1", unit_code=A, i3=2, i4=2),
            Rating(channel="kiosk", satisfaction="khong_hai_long", idempotency_key="b1", unit_code=B, i3=0, i4=0),
            Rating(channel="kiosk", satisfaction="khong_hai_long", idempotency_key="b2", unit_code=B, i3=0, i4=0),
        ]
    )
    session.commit()
    province = login(client, "tinh")
    params = {"from": "2026-10-01", "to": "2026-12-31", "breakdown": "unit"}
    five = client.get("/api/reports/bieu-5a", headers=province, params=params).json()
    assert five["breakdown"] == "unit" and five["total_ballots"] == 3
    assert [(g["key"], g["label"], g["total_ballots"]) for g in five["groups"]] == [
        (A, "Xã Tân Phú", 1),
        (B, "Phường Bình An", 2),
    ]  # the best-scored commune first
    assert five["groups"][0]["score"] > five["groups"][1]["score"]
    six = client.get("/api/reports/bieu-6a", headers=province, params=params).json()
    received = {g["label"]: g["received"]["total"] for g in six["groups"]}
    assert received == {"Xã Tân Phú": 6, "Phường Bình An": 1}
    xlsx = client.get("/api/reports/bieu-5a", headers=province, params={**params, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == [
        "Biểu 5a", "Theo đơn vị", "Xếp hạng theo chỉ số", f"{A} Xã Tân Phú", f"{B} Phường Bình An",
    ]  # fmt: skip
    sheet = book["Theo đơn vị"]
    assert [sheet.cell(row, 1).value for row in (2, 3, 4)] == ["Xã Tân Phú", "Phường Bình An", "Tổng cộng"]
    ranking = book["Xếp hạng theo chỉ số"]
    header = [c.value for c in ranking[1]]
    i3 = header.index("Hạng CS 3") + 1
    assert [ranking.cell(row, i3).value for row in (2, 3)] == [1, 2]  # Tân Phú best on indicator 3
    assert ranking.cell(2, header.index("Chỉ số 3") + 1).value == 2.0
    commune = book[f"{B} Phường Bình An"]
    assert commune["A1"].value == "PHƯỜNG BÌNH AN" and "Tổng số phiếu đánh giá: 2" in {
        c.value for row in commune.iter_rows() for c in row
    }
    six_xlsx = client.get("/api/reports/bieu-6a", headers=province, params={**params, "format": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(six_xlsx.content)).sheetnames == [
        "Biểu 6a", f"{A} Xã Tân Phú", f"{B} Phường Bình An",
    ]  # fmt: skip
    # an officer's ranking holds their own commune only
    own = client.get("/api/reports/bieu-5a", headers=login(client, "can_bo_a"), params=params).json()
    assert [g["key"] for g in own["groups"]] == [A]


def test_the_province_dashboard_shows_the_weakest_communes(client, petitions_and_requests):
    session, _ = petitions_and_requests
    for i in range(3):
        session.add(Rating(channel="kiosk", satisfaction="rat_hai_long", idempotency_key=f"a{i}", unit_code=A))
        session.add(Rating(channel="kiosk", satisfaction="khong_hai_long", idempotency_key=f"b{i}", unit_code=B))
    session.commit()
    page_login(client, "tinh")
    board = client.get("/staff", params={"quarter": "2026-Q4"}).text
    section = board[board.index("Đơn vị điểm thấp nhất") :]
    assert section.index("Phường Bình An") < section.index("Xã Tân Phú")  # the lowest score first
    client.cookies.clear()
    page_login(client, "can_bo_a")
    assert "Đơn vị điểm thấp nhất" not in client.get("/staff", params={"quarter": "2026-Q4"}).text


def test_an_entered_agency_indicator_counts_for_its_own_unit_only(client, two_units):
    quarter, period = {"quarter": "2026-Q4"}, {"period": "2026-Q4"}
    a = login(client, "can_bo_a")
    entered = client.put("/api/reports/agency-indicators", headers=a, json={**period, "indicator": 9, "value": 0.5})
    assert entered.status_code == 200 and entered.json()["unit"] == A
    refused = client.put(
        "/api/reports/agency-indicators", headers=a, params={"unit": B}, json={**period, "indicator": 9, "value": 2}
    )
    assert refused.status_code == 403

    def source(headers, **params) -> str:
        report = client.get("/api/reports/bieu-5a", headers=headers, params={**quarter, **params}).json()
        return {d["id"]: d["source"] for d in report["indicator_details"]}[9]

    assert source(a) == "entered"
    assert source(login(client, "can_bo_b")) == "computed"  # A's value does not reach B's report
    province = login(client, "tinh")
    assert source(province, unit=B) == "computed" and source(province, unit=A) == "entered"
    # B's officer does not see A's entry; the province officer sees it, and enters one for B with ?unit=
    assert client.get("/api/reports/agency-indicators", headers=login(client, "can_bo_b")).json() == []
    for_b = client.put(
        "/api/reports/agency-indicators",
        headers=province,
        params={"unit": B},
        json={**period, "indicator": 9, "value": 1.5},
    )
    assert for_b.status_code == 200 and for_b.json()["unit"] == B
    listed = client.get("/api/reports/agency-indicators", headers=province).json()
    assert sorted((e["unit"], e["value"]) for e in listed) == [(A, 0.5), (B, 1.5)]
    # the province's aggregate takes the mean of the values the communes entered; each commune keeps its own
    total = client.get("/api/reports/bieu-5a", headers=province, params={**quarter, "breakdown": "unit"}).json()
    detail = {d["id"]: d for d in total["indicator_details"]}[9]
    assert detail["source"] == "entered" and "2 đơn vị" in detail["note"] and total["indicators"]["9"] == 1.0
    unknown = client.put(
        "/api/reports/agency-indicators",
        headers=province,
        params={"unit": "99999"},
        json={**period, "indicator": 9, "value": 1},
    )
    assert unknown.status_code == 422
