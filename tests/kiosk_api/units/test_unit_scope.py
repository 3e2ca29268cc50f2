"""Roles keep units apart: a commune officer sees and changes only their unit's data (403 for another unit's,
never its rows); a province officer reads every unit and can pick one with ?unit=. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from motcua.vocabulary import StaffRole
from sqlalchemy import select

from kiosk_api.domain.units import OutOfScope, Scope, UnitError, scope_for
from kiosk_api.models import Dossier
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
