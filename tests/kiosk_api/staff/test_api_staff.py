"""Staff endpoints: login/logout, bearer auth on every endpoint, CSV upload, listing, status changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk_api.models import AuditLog, Dossier, DossierStatusHistory, StaffSession
from tests.support.constants import STAFF_PASSWORD, STAFF_USERNAME

OVERDUE = "000.00.06.H56-261105-0003"
READY = "000.00.06.H56-261110-0002"


def upload(client, headers, data: bytes, partial: bool | None = None, name: str = "hoso.csv"):
    form = {} if partial is None else {"partial": "true" if partial else "false"}
    return client.post(
        "/api/staff/dossiers/import", headers=headers, files={"file": (name, data, "text/csv")}, data=form
    )


@pytest.fixture
def loaded(client, auth_headers, good_csv):
    response = upload(client, auth_headers, good_csv)
    assert response.status_code == 200 and response.json()["created"] == 6


# ---- authentication ----------------------------------------------------------------------------


def _staff_routes(app):
    for path, operations in app.openapi()["paths"].items():
        if path.startswith("/api/staff") and path != "/api/staff/login":
            for method in operations:
                yield method.upper(), path.replace("{code}", OVERDUE)


def test_every_staff_endpoint_requires_a_token(app, client):
    routes = list(_staff_routes(app))
    assert len(routes) >= 6
    for headers in ({}, {"Authorization": "Bearer not-a-real-token"}, {"Authorization": "Basic dXNlcjpwdw=="}):
        for method, path in routes:
            response = client.request(method, path, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert response.json()["error"] == "unauthorized"
            assert response.headers["WWW-Authenticate"] == "Bearer"


def test_login_me_logout(client, staff_user):
    response = client.post("/api/staff/login", json={"username": STAFF_USERNAME, "password": STAFF_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token"] and body["token_type"] == "bearer" and body["expires_at"]
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = client.get("/api/staff/me", headers=headers)
    assert me.json() == {"username": "lan", "full_name": "Nguyễn Thị Lan", "role": "officer"}
    assert client.post("/api/staff/logout", headers=headers).status_code == 200
    assert client.get("/api/staff/me", headers=headers).status_code == 401


def test_token_is_stored_hashed(client, session, staff_user, auth_headers):
    token = auth_headers["Authorization"].split()[1]
    hashes = list(session.scalars(select(StaffSession.token_hash)))
    assert len(hashes) == 1 and token not in hashes[0]


def test_wrong_password_and_unknown_user_look_the_same(client, staff_user):
    wrong = client.post("/api/staff/login", json={"username": STAFF_USERNAME, "password": "sai-mat-khau"})
    unknown = client.post("/api/staff/login", json={"username": "nobody", "password": "sai-mat-khau"})
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "error": "invalid_credentials",
            "detail": "Tên đăng nhập hoặc mật khẩu không đúng.",
        }
    )


def test_login_is_throttled(client, staff_user):
    for _ in range(3):
        client.post("/api/staff/login", json={"username": STAFF_USERNAME, "password": "sai-mat-khau"})
    response = client.post("/api/staff/login", json={"username": STAFF_USERNAME, "password": STAFF_PASSWORD})
    assert response.status_code == 429 and "Retry-After" in response.headers


def test_expired_token_is_refused(client, session, auth_headers, clock):
    assert client.get("/api/staff/me", headers=auth_headers).status_code == 200
    clock.advance(hours=12)  # KIOSK_STAFF_TOKEN_TTL_HOURS in the tests' settings
    assert client.get("/api/staff/me", headers=auth_headers).status_code == 401


def test_inactive_user_is_refused(client, session, staff_user, auth_headers):
    staff_user.active = False
    session.commit()
    assert client.get("/api/staff/me", headers=auth_headers).status_code == 401


# ---- CSV upload --------------------------------------------------------------------------------


def test_upload_good_file_then_again(client, auth_headers, good_csv, session):
    first = upload(client, auth_headers, good_csv).json()
    assert (first["created"], first["updated"], first["unchanged"], first["written"]) == (6, 0, 0, True)
    again = upload(client, auth_headers, b"\xef\xbb\xbf" + good_csv).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 6)
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "dossiers.import")).all()
    assert [a.actor for a in audit] == ["lan", "lan"]


def test_upload_bad_file_writes_nothing(client, auth_headers, bad_csv, session):
    response = upload(client, auth_headers, bad_csv)
    assert response.status_code == 200
    body = response.json()
    assert body["written"] is False and body["created"] == 0
    assert [e["line"] for e in body["errors"]] == [3, 4, 5, 6, 7, 8, 9]
    assert body["errors"][0]["code"] == "000.00.06.H56-261116-0102"
    assert session.scalars(select(Dossier)).first() is None


def test_upload_partial(client, auth_headers, bad_csv):
    body = upload(client, auth_headers, bad_csv, partial=True).json()
    assert body["written"] is True and body["created"] == 3 and body["partial"] is True
    assert len(body["errors"]) == 7
    assert body["warnings"] == [
        {"line": 10, "code": "000.00.06.H56-261116-0109", "message": "procedure 9.999999 is not in the catalogue"}
    ]


def test_upload_needs_a_file(client, auth_headers):
    response = client.post("/api/staff/dossiers/import", headers=auth_headers)
    assert response.status_code == 422 and response.json()["error"] == "validation_error"


# ---- listing -----------------------------------------------------------------------------------


def test_list_shows_name_never_phone(client, auth_headers, loaded):
    response = client.get("/api/staff/dossiers", headers=auth_headers)
    body = response.json()
    assert body["total"] == 6 and len(body["items"]) == 6
    assert {"Lê Văn Cường", "Trần Thị Bình"} <= {item["applicant_name"] for item in body["items"]}
    assert "0901234567" not in response.text and "phone" not in response.text
    received = [item["received_date"] for item in body["items"]]
    assert received == sorted(received, reverse=True)


def test_list_filters(client, auth_headers, loaded):
    def codes(**params):
        body = client.get("/api/staff/dossiers", headers=auth_headers, params=params).json()
        return {item["code"] for item in body["items"]}

    assert codes(overdue="true") == {OVERDUE}
    assert len(codes(overdue="false")) == 5
    assert codes(status="co_ket_qua") == {READY}
    assert len(codes(status=["co_ket_qua", "dang_xu_ly"])) == 2
    assert len(codes(field="Chứng thực")) == 3
    assert codes(**{"from": "2026-11-12", "to": "2026-11-17"}) == {"000.00.06.H56-261112-0005"}
    assert codes(q="Cường") == {OVERDUE}
    assert codes(q="h56-261105") == {OVERDUE}
    page = client.get("/api/staff/dossiers", headers=auth_headers, params={"page_size": 4, "page": 2}).json()
    assert page["total"] == 6 and len(page["items"]) == 2


def test_overdue_flags_in_list_match_the_filter(client, auth_headers, loaded):
    items = client.get("/api/staff/dossiers", headers=auth_headers).json()["items"]
    overdue = {i["code"] for i in items if i["overdue"]}
    filtered = client.get("/api/staff/dossiers", headers=auth_headers, params={"overdue": True}).json()
    assert overdue == {i["code"] for i in filtered["items"]} == {OVERDUE}


def test_detail_has_history(client, auth_headers, loaded):
    body = client.get(f"/api/staff/dossiers/{OVERDUE}", headers=auth_headers).json()
    assert body["history"][0]["to_status"] == "dang_xu_ly" and body["history"][0]["changed_by"] == "import"
    assert client.get("/api/staff/dossiers/NOPE-1", headers=auth_headers).status_code == 404


# ---- status changes ----------------------------------------------------------------------------


def test_status_change_records_history_and_audit(client, auth_headers, loaded, session):
    response = client.patch(
        f"/api/staff/dossiers/{OVERDUE}",
        headers=auth_headers,
        json={"status": "co_ket_qua", "note": "Đã ký Giấy khai sinh", "result_date": "2026-11-19"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "co_ket_qua" and body["result_date"] == "2026-11-19"
    assert body["overdue"] is False and body["officer"] == "lan"
    assert [(h["from_status"], h["to_status"]) for h in body["history"]] == [
        (None, "dang_xu_ly"),
        ("dang_xu_ly", "co_ket_qua"),
    ]
    session.expire_all()
    dossier = session.scalar(select(Dossier).where(Dossier.code == OVERDUE))
    history = session.scalars(
        select(DossierStatusHistory)
        .where(DossierStatusHistory.dossier_id == dossier.id)
        .order_by(DossierStatusHistory.id)
    ).all()
    assert history[-1].changed_by == "lan" and history[-1].note == "Đã ký Giấy khai sinh"
    audit = session.scalar(select(AuditLog).where(AuditLog.action == "dossier.status"))
    assert audit.actor == "lan" and audit.target == OVERDUE
    assert audit.details == {"from": "dang_xu_ly", "to": "co_ket_qua", "result_date": "2026-11-19"}

    returned = client.patch(f"/api/staff/dossiers/{OVERDUE}", headers=auth_headers, json={"status": "da_tra_ket_qua"})
    assert returned.status_code == 200
    assert returned.json()["returned_date"] == "2026-11-20"  # defaults to today


@pytest.mark.parametrize(
    ("code", "change", "status_code", "error"),
    [
        (READY, {"status": "dang_xu_ly"}, 409, "invalid_status_change"),
        (OVERDUE, {"status": "da_tra_ket_qua"}, 409, "invalid_status_change"),
        (OVERDUE, {"status": "co_ket_qua", "result_date": "2026-11-01"}, 409, "invalid_status_change"),
        (OVERDUE, {"status": "co_ket_qua", "result_date": "2026-12-01"}, 409, "invalid_status_change"),
        (OVERDUE, {"status": "cho_bo_sung", "result_date": "2026-11-19"}, 409, "invalid_status_change"),
        (OVERDUE, {"status": "xong"}, 422, "validation_error"),
        ("NOPE-1", {"status": "dang_xu_ly"}, 404, "not_found"),
    ],
)
def test_bad_status_changes(client, auth_headers, loaded, session, code, change, status_code, error):
    response = client.patch(f"/api/staff/dossiers/{code}", headers=auth_headers, json=change)
    assert response.status_code == status_code
    assert response.json()["error"] == error
    assert session.scalar(select(AuditLog).where(AuditLog.action == "dossier.status")) is None
