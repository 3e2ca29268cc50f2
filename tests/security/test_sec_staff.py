"""Findings M3, L1, L4 and the Secure cookie: staff login throttled per account and address (one noisy address
cannot lock every officer out; guessing one account from many addresses locks it until an admin unlocks it), huge
numbers answered 422 in JSON, no cookie-only changes through the API, Secure cookies behind https."""

from __future__ import annotations

import pytest
from motcua.vocabulary import StaffRole
from sqlalchemy import select
from typer.testing import CliRunner

from kiosk_api.cli import app as cli_app
from kiosk_api.models import AuditLog
from kiosk_api.services import staff as staff_service
from tests.support.constants import STAFF_PASSWORD, STAFF_USERNAME

pytestmark = pytest.mark.db
BIG = "99999999999999999999"


def login(client, username: str, password: str, **headers: str):
    return client.post("/api/staff/login", json={"username": username, "password": password}, headers=headers)


@pytest.fixture
def officers(session):
    staff_service.create_user(session, STAFF_USERNAME, STAFF_PASSWORD, full_name="Nguyễn Thị Lan")
    staff_service.create_user(session, "hung", "mat-khau-cua-hung", full_name="Trần Văn Hùng", role=StaffRole.ADMIN)


def test_a_noisy_address_does_not_lock_other_officers_out(officers, from_address):
    kiosk = from_address("127.0.0.1")  # the kiosk's address, shared with the desk PC
    statuses = [login(kiosk, STAFF_USERNAME, "sai", **{"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(5)]
    assert statuses == [401, 401, 401, 429, 429]  # rotating X-Forwarded-For from loopback buys nothing
    assert login(kiosk, STAFF_USERNAME, STAFF_PASSWORD).status_code == 429  # that account, from that address
    assert login(kiosk, "hung", "mat-khau-cua-hung").status_code == 200  # another officer at the same desk
    assert login(from_address("127.0.0.60"), STAFF_USERNAME, STAFF_PASSWORD).status_code == 200  # elsewhere


def test_guessing_one_account_from_many_addresses_locks_it_until_an_admin_unlocks(officers, from_address, session):
    for i in range(10):  # KIOSK_LOGIN_ACCOUNT_MAX_FAILURES = 10
        assert login(from_address(f"127.0.2.{i}"), STAFF_USERNAME, f"guess-{i}").status_code == 401
    locked = login(from_address("127.0.2.200"), STAFF_USERNAME, STAFF_PASSWORD)
    assert locked.status_code == 429 and "quản trị viên mở khóa" in locked.json()["detail"]
    admin = from_address("127.0.2.201")
    token = login(admin, "hung", "mat-khau-cua-hung").json()["token"]
    lan_token = None
    unlocked = admin.post(f"/api/staff/users/{STAFF_USERNAME}/unlock", headers={"Authorization": f"Bearer {token}"})
    assert unlocked.status_code == 200 and unlocked.json()["detail"] == "Đã mở khóa tài khoản."
    lan = login(from_address("127.0.2.202"), STAFF_USERNAME, STAFF_PASSWORD)
    assert lan.status_code == 200
    lan_token = lan.json()["token"]
    # Only an admin may unlock.
    refused = admin.post("/api/staff/users/hung/unlock", headers={"Authorization": f"Bearer {lan_token}"})
    assert refused.status_code == 403
    assert session.scalars(select(AuditLog).where(AuditLog.action == "staff.unlock")).first() is not None


def test_the_cli_unlocks_an_account(officers, from_address, settings, monkeypatch):
    for i in range(10):
        login(from_address(f"127.0.3.{i}"), STAFF_USERNAME, "sai")
    assert login(from_address("127.0.3.100"), STAFF_USERNAME, STAFF_PASSWORD).status_code == 429
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KIOSK_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("KIOSK_VAR_DIR", str(settings.var_dir))
    result = CliRunner().invoke(cli_app, ["staff", "unlock", STAFF_USERNAME])
    assert result.exit_code == 0 and "Unlocked" in result.output
    assert login(from_address("127.0.3.101"), STAFF_USERNAME, STAFF_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/api/staff/dossiers?page={BIG}", None),
        ("GET", f"/api/staff/petitions?page={BIG}", None),
        ("GET", f"/api/staff/petitions/{BIG}", None),
        ("PATCH", f"/api/staff/petitions/{BIG}", {"close": True}),
        ("PATCH", "/api/staff/handoffs/15612013935121838080", {"status": "xong"}),
        ("POST", f"/api/staff/petitions/{BIG}/spam", None),
        ("GET", f"/api/procedures?page={BIG}", None),
    ],
)
def test_huge_numbers_are_422_json(client, auth_headers, method, path, body):
    """L1: they used to reach SQLite (OverflowError) and answer a plain-text 500."""
    response = client.request(method, path, json=body, headers=auth_headers)
    assert response.status_code == 422 and response.headers["content-type"].startswith("application/json")
    assert response.json()["error"] == "validation_error"


def test_staff_pages_refuse_huge_numbers_too(client, auth_headers):
    token = auth_headers["Authorization"].split()[1]
    client.cookies.set("kiosk_staff", token)
    response = client.get(f"/staff/petitions/{BIG}")
    assert response.status_code == 422


def test_cookie_only_changes_through_the_api_are_refused(client, auth_headers, good_csv):
    """L4: a page on another site can make the officer's browser send the staff cookie with a multipart POST."""
    token = auth_headers["Authorization"].split()[1]
    client.cookies.set("kiosk_staff", token)
    files = {"file": ("d.csv", good_csv, "text/csv")}
    forged = client.post("/api/staff/dossiers/import", files=files, headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403 and forged.json()["error"] == "csrf_required"
    assert client.get("/api/staff/me").status_code == 200  # reading with the cookie still works
    # With the session's CSRF token (what a page of this server can read), or with the bearer token, it works.
    from kiosk_api.security import csrf_token

    csrf = csrf_token(client.app.state.secret, token)
    assert client.post("/api/staff/dossiers/import", files=files, headers={"X-CSRF-Token": csrf}).status_code == 200
    client.cookies.clear()
    assert client.post("/api/staff/dossiers/import", files=files, headers=auth_headers).status_code == 200


def test_cookies_are_secure_when_the_public_address_is_https(app, officers, client):
    app.state.settings = app.state.settings.model_copy(update={"public_base_url": "https://motcua.example.vn"})
    form = client.get("/staff/login")
    login_cookie = form.headers["set-cookie"]
    assert "secure" in login_cookie.lower()
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    # The test client speaks http, so it keeps Secure cookies to itself: hand the login cookie back by hand.
    name, value = login_cookie.split(";")[0].split("=", 1)
    client.cookies.set(name, value)
    response = client.post(
        "/staff/login",
        data={"username": STAFF_USERNAME, "password": STAFF_PASSWORD, "csrf": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    staff_cookie = [h for h in response.headers.get_list("set-cookie") if h.startswith("kiosk_staff=")][0]
    assert "secure" in staff_cookie.lower() and "httponly" in staff_cookie.lower()
