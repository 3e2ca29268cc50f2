"""Staff web pages: cookie login through the form, logged-out redirects, the dashboard on demo data, petitions
and hand-off actions, CSRF and cookie flags."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kiosk_api.domain.units import EVERY_UNIT
from kiosk_api.models import AuditLog, Dossier, HandoffRequest, Petition, Rating
from kiosk_api.petitions import service as petition_service
from kiosk_api.report_rules import rules_for
from kiosk_api.services import demo_data, reports
from kiosk_api.services.dashboard import last_months, month_trends
from kiosk_api.views.charts import format_number
from procedures_kb.workdays import WorkingCalendar
from tests.support.constants import STAFF_PASSWORD, STAFF_USERNAME, TODAY

pytestmark = pytest.mark.db


def form_csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def log_in(client, username=STAFF_USERNAME, password=STAFF_PASSWORD, next_url="/staff"):
    page = client.get("/staff/login")
    assert page.status_code == 200
    return client.post(
        "/staff/login",
        data={"username": username, "password": password, "csrf": form_csrf(page.text), "next": next_url},
        follow_redirects=False,
    )


@pytest.fixture
def logged_in(client, staff_user):
    response = log_in(client)
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def demo(session, catalogue, secret):
    return demo_data.load(session, catalogue, secret=secret, today=TODAY, calendar=WorkingCalendar())


def test_logged_out_pages_redirect_to_the_login(client, session):
    for url in ("/staff", "/staff/petitions", "/staff/petitions/1", "/staff?quarter=2026-Q3"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/staff/login?next=%2Fstaff")
    for url in ("/staff/handoffs/1", "/staff/petitions/1"):
        response = client.post(url, data={"status": "xong"}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/staff/login")
    # The login page then returns there.
    page = client.get("/staff/login?next=%2Fstaff%3Fquarter%3D2026-Q3")
    assert 'name="next" value="/staff?quarter=2026-Q3"' in page.text
    assert '<label for="username">Tên đăng nhập</label>' in page.text and 'lang="vi"' in page.text


def test_login_sets_an_httponly_strict_cookie_and_audits(client, session, staff_user):
    response = log_in(client, next_url="/staff/petitions")
    assert response.status_code == 303 and response.headers["location"] == "/staff/petitions"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("kiosk_staff="))
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags and "samesite=strict" in flags and "path=/" in flags
    assert "max-age=43200" in flags  # KIOSK_STAFF_TOKEN_TTL_HOURS = 12
    assert "secure" not in flags  # plain http (the commune LAN)
    assert session.scalars(select(AuditLog).where(AuditLog.action == "staff.login")).one().actor == STAFF_USERNAME
    # The same cookie authenticates the JSON API (e.g. report downloads from the dashboard).
    assert client.get("/api/staff/me").json()["username"] == STAFF_USERNAME
    assert client.get("/api/staff/petitions").status_code == 200


def test_cookie_is_secure_over_https(app, staff_user):
    with TestClient(app, base_url="https://testserver") as https:
        response = log_in(https)
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("kiosk_staff="))
    assert "secure" in [part.strip().lower() for part in cookie.split(";")]


def test_wrong_password_shows_a_message_and_is_throttled(client, session, staff_user):
    for _ in range(3):  # KIOSK_LOOKUP_MAX_FAILURES = 3 in the test settings
        response = log_in(client, password="sai-mat-khau-123")
        assert response.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
        assert "sai-mat-khau-123" not in response.text
        assert not any(c.startswith("kiosk_staff=") for c in response.headers.get_list("set-cookie"))
    blocked = log_in(client)  # even the right password, for a while
    assert blocked.status_code == 429 and "thử lại sau khoảng 15 phút" in blocked.text
    assert client.get("/staff", follow_redirects=False).status_code == 303
    empty = client.post("/staff/login", data={"csrf": "x"}, follow_redirects=False)
    assert empty.status_code in (400, 422)


def test_login_form_needs_its_token(client, staff_user):
    response = client.post(
        "/staff/login", data={"username": STAFF_USERNAME, "password": STAFF_PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 400 and "hết hạn" in response.text
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_only_local_pages_after_login(client, staff_user):
    for target in ("https://evil.example/", "//evil.example/staff", "/api/staff/me", "/staff\\..\\x"):
        client.cookies.clear()
        assert log_in(client, next_url=target).headers["location"] == "/staff"


def test_logout_revokes_the_session(logged_in, session):
    page = logged_in.get("/staff/petitions")
    csrf = form_csrf(page.text)
    token = logged_in.cookies.get("kiosk_staff")
    refused = logged_in.post("/staff/logout", data={"csrf": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    response = logged_in.post("/staff/logout", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff/login?notice=logged_out"
    assert any(
        c.startswith('kiosk_staff=""') or "max-age=0" in c.lower() for c in response.headers.get_list("set-cookie")
    )
    assert logged_in.get("/staff/login?notice=logged_out").text.count("Đã đăng xuất.") == 1
    # The old token no longer works, as a cookie or as a bearer token.
    logged_in.cookies.clear()
    assert logged_in.get("/api/staff/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    logged_in.cookies.set("kiosk_staff", token)
    assert logged_in.get("/staff", follow_redirects=False).status_code == 303


def test_dashboard_with_demo_data(logged_in, session, demo, catalogue):
    assert demo.created and demo.dossiers == 400
    page = logged_in.get("/staff")
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    html = page.text
    assert "<h1>Tổng quan: Quý IV/2026</h1>" in html
    # Biểu 5a and 6a figures, identical to the report service's.
    b5 = reports.bieu_5a(session, date(2026, 10, 1), date(2026, 12, 31), rules=rules_for(None), today=TODAY).total
    b6 = reports.bieu_6a(session, date(2026, 10, 1), date(2026, 12, 31), today=TODAY).total
    score = format_number(float(b5.score))
    assert f'<span class="big">{score}</span><span class="unit">/ {b5.max_score} điểm</span>' in html
    assert f'<span class="big">{b5.classification}</span>' in html
    assert f'<span class="big">{b5.total_ballots}</span><span class="label">Phiếu đánh giá</span>' in html
    for level in b5.levels:
        assert f'<th scope="row">{level.label}</th><td class="num">{level.count}</td>' in html
    assert f'<span class="big">{b6.received}</span><span class="label">Hồ sơ tiếp nhận</span>' in html
    assert f"{b6.resolved_early} / {b6.resolved_on_time} / <strong>{b6.resolved_late}</strong>" in html
    # Four server-side SVG charts, each with its title and a table of the same figures.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4 and html.count('role="img"') == 4
    assert '<title id="chart-ballots-title">Số phiếu đánh giá theo tháng</title>' in html
    assert "T11/2026" in html and "T6/2026" in html
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # Work lists.
    open_total, overdue_total = petition_service.open_count(session, TODAY, scope=EVERY_UNIT)
    assert f"Phản ánh, kiến nghị đang mở: {open_total}" in html
    overdue = session.scalar(
        select(func.count())
        .select_from(Dossier)
        .where(Dossier.status.in_(["moi_tiep_nhan", "dang_xu_ly"]), Dossier.appointment_date < TODAY)
    )
    assert f"Hồ sơ quá hạn cần phiếu xin lỗi và hẹn lại: {overdue}" in html
    # Download links for this period, which the session cookie authorises.
    assert 'href="/api/reports/bieu-5a?from=2026-10-01&amp;to=2026-12-31&amp;format=xlsx"' in html
    xlsx = logged_in.get("/api/reports/bieu-5a?from=2026-10-01&to=2026-12-31&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_period_switch(logged_in, demo):
    q3 = logged_in.get("/staff?quarter=2026-Q3")
    assert "<h1>Tổng quan: Quý III/2026</h1>" in q3.text and '<option value="2026-Q3" selected>' in q3.text
    custom = logged_in.get("/staff?from=2026-11-01&to=2026-11-20")
    assert "Từ ngày 01/11/2026 đến ngày 20/11/2026" in custom.text
    bad = logged_in.get("/staff?from=2026-11-20&to=2026-11-01")
    assert bad.status_code == 200 and "Kỳ báo cáo không hợp lệ" in bad.text and "Quý IV/2026" in bad.text
    assert "Kỳ báo cáo không hợp lệ" in logged_in.get("/staff?quarter=2026-Q9").text


def test_petition_pages_assign_answer_close(logged_in, session, staff_user):
    row = petition_service.submit(
        session,
        kind="phan_anh",
        content="Máy lấy số thứ tự bị hỏng <b>hai ngày</b>.",
        contact="0912 345 678",
        channel="kiosk",
        today=TODAY,
        working_days=10,
        calendar=WorkingCalendar(),
    )
    listing = logged_in.get("/staff/petitions")
    assert f'href="/staff/petitions/{row.id}"' in listing.text
    assert "&lt;b&gt;hai ngày&lt;/b&gt;" in listing.text  # escaped
    detail = logged_in.get(f"/staff/petitions/{row.id}")
    assert "0912 345 678" in detail.text and "còn 17 ngày" in detail.text
    csrf = form_csrf(detail.text)
    url = f"/staff/petitions/{row.id}"

    forged = logged_in.post(url, data={"action": "answer", "answer": "x"}, follow_redirects=False)
    assert forged.status_code == 403
    assign = logged_in.post(url, data={"action": "assign", "assigned_to": STAFF_USERNAME, "csrf": csrf})
    assert assign.status_code == 200 and "Đã lưu thay đổi." in assign.text and "Đang xử lý" in assign.text
    blank = logged_in.post(url, data={"action": "answer", "answer": "  ", "csrf": csrf})
    assert blank.status_code == 422 and "nhập nội dung trả lời" in blank.text
    answered = logged_in.post(url, data={"action": "answer", "answer": "Đã thay máy mới.", "csrf": csrf})
    assert "Đã trả lời" in answered.text and "Đã thay máy mới." in answered.text
    closed = logged_in.post(url, data={"action": "close", "csrf": csrf})
    assert "Đã đóng" in closed.text
    conflict = logged_in.post(url, data={"action": "answer", "answer": "Câu khác", "csrf": csrf})
    assert conflict.status_code == 409 and "không sửa được" in conflict.text
    session.refresh(row)
    assert (row.status, row.answer, row.assigned_to) == ("da_dong", "Đã thay máy mới.", STAFF_USERNAME)
    assert logged_in.get("/staff/petitions/99999").status_code == 404
    assert session.scalar(select(func.count()).select_from(Petition)) == 1


def test_handoff_buttons(logged_in, session):
    created = logged_in.post("/api/handoffs", json={"channel": "kiosk", "sender": "kiosk-1", "topic": "Hỏi khai sinh"})
    handoff_id = created.json()["id"]
    page = logged_in.get("/staff")
    assert f'action="/staff/handoffs/{handoff_id}"' in page.text and "Hỏi khai sinh" in page.text
    csrf = form_csrf(page.text)
    taken = logged_in.post(f"/staff/handoffs/{handoff_id}", data={"status": "dang_ho_tro", "csrf": csrf})
    assert taken.status_code == 200 and "Đã cập nhật yêu cầu gặp cán bộ." in taken.text
    row = session.get(HandoffRequest, handoff_id)
    session.refresh(row)
    assert (row.status, row.handled_by) == ("dang_ho_tro", STAFF_USERNAME)
    done = logged_in.post(f"/staff/handoffs/{handoff_id}", data={"status": "xong", "csrf": csrf})
    assert done.status_code == 200
    again = logged_in.post(f"/staff/handoffs/{handoff_id}", data={"status": "dang_ho_tro", "csrf": csrf})
    assert again.status_code == 409 and "Không cập nhật được" in again.text
    assert logged_in.post(f"/staff/handoffs/{handoff_id}", data={"status": "x", "csrf": csrf}).status_code == 422
    assert logged_in.post(f"/staff/handoffs/{handoff_id}", data={"status": "xong"}).status_code == 403


def test_month_trends_count_by_vietnam_month(session):
    months = last_months(date(2026, 11, 20), 3)
    assert [m.key for m in months] == ["2026-09", "2026-10", "2026-11"]
    assert [m.key for m in last_months(date(2027, 1, 5), 2)] == ["2026-12", "2027-01"]

    def dossier(code, received, appointment, result, status="da_tra_ket_qua"):
        return Dossier(
            code=code,
            procedure_code="1.001193",
            applicant_name="Lê Văn A",
            phone_hash="a" * 64,
            phone_last4_hash="b" * 64,
            channel="truc_tiep",
            received_date=received,
            appointment_date=appointment,
            result_date=result,
            status=status,
        )

    session.add_all(
        [
            dossier("M-1", date(2026, 10, 5), date(2026, 10, 8), date(2026, 10, 7)),  # early, October
            dossier("M-2", date(2026, 10, 28), date(2026, 10, 30), date(2026, 11, 3)),  # late, resolved November
            dossier("M-3", date(2026, 11, 2), date(2026, 11, 4), None, "tu_choi"),  # refused: on time
            dossier("M-4", date(2026, 11, 10), date(2026, 11, 12), None, "dang_xu_ly"),  # open
        ]
    )
    session.flush()
    # 31/10 23:30 Vietnam time is 31/10 16:30 UTC (October); 1/11 00:30 Vietnam time is 31/10 17:30 UTC (November).
    session.add_all(
        [
            Rating(
                channel="qr",
                idempotency_key="t1",
                satisfaction="rat_hai_long",
                created_at=datetime(2026, 10, 31, 16, 30, tzinfo=UTC),
            ),
            Rating(
                channel="qr",
                idempotency_key="t2",
                satisfaction="binh_thuong",
                created_at=datetime(2026, 10, 31, 17, 30, tzinfo=UTC),
            ),
            Rating(
                channel="kiosk",
                idempotency_key="t3",
                satisfaction="hai_long",
                created_at=datetime(2026, 11, 19, 3, tzinfo=UTC),
            ),
        ]
    )
    session.commit()
    sep, oct_, nov = month_trends(session, months, EVERY_UNIT)
    assert (sep.ballots, sep.satisfied_percent, sep.received, sep.resolved) == (0, None, 0, 0)
    assert (oct_.label, oct_.ballots, oct_.satisfied, oct_.received, oct_.resolved, oct_.resolved_late) == (
        "T10/2026",
        1,
        1,
        2,
        1,
        0,
    )
    assert (nov.ballots, nov.satisfied, nov.satisfied_percent) == (2, 1, 50.0)
    assert (nov.received, nov.resolved, nov.resolved_late, nov.late_percent) == (2, 2, 1, 50.0)


def test_dashboard_renders_an_empty_register(logged_in):
    page = logged_in.get("/staff")
    assert page.status_code == 200
    html = page.text
    assert "Không có phản ánh, kiến nghị nào đang chờ xử lý." in html
    assert "Không có ai đang chờ." in html and "Không có hồ sơ quá hạn." in html
    assert "Chưa có phiếu đánh giá trong kỳ." in html
    assert html.count('role="img"') == 4
    assert "Giọng đọc: espeak-ng" in html  # which voice reads aloud at the kiosk
