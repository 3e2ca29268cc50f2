"""The staff dashboard in headless Chromium: log in through the form, see the dashboard, act on a hand-off."""

from __future__ import annotations

import pytest

from kiosk_api.petitions import service as petition_service
from kiosk_api.services import demo_data
from procedures_kb.workdays import WorkingCalendar
from tests.support.browser import chromium, live_server, page, screenshot  # noqa: F401
from tests.support.constants import STAFF_PASSWORD, STAFF_USERNAME, TODAY

pytestmark = pytest.mark.db


def test_log_in_and_see_the_dashboard(live_server, page, screenshot, session, staff_user, catalogue, secret):  # noqa: F811
    demo_data.load(session, catalogue, secret=secret, today=TODAY, calendar=WorkingCalendar())
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server + "/staff")
    assert page.url.startswith(live_server + "/staff/login?next=")  # redirected: not logged in

    page.get_by_label("Tên đăng nhập").fill(STAFF_USERNAME)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."

    page.get_by_label("Tên đăng nhập").fill(STAFF_USERNAME)
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server + "/staff")
    assert page.get_by_role("heading", level=1).inner_text() == "Tổng quan: Quý IV/2026"
    cookie = next(c for c in page.context.cookies() if c["name"] == "kiosk_staff")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("kiosk_staff") == -1  # not readable by scripts

    charts = page.locator("svg[role=img]")
    assert charts.count() == 4
    assert charts.first.get_attribute("aria-labelledby") == "chart-ballots-title"
    assert page.get_by_role("img", name="Số phiếu đánh giá theo tháng").is_visible()
    assert page.get_by_role("heading", name="Mức độ hài lòng (Biểu 5a)").is_visible()
    assert page.get_by_role("link", name="Biểu 5a (Excel)").is_visible()
    # No horizontal scrolling at 1366×768 and every button is a large touch target.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    for box in page.locator("main button:visible").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    ):
        assert box >= 48
    screenshot(page, "staff-dashboard")

    # Switch the period with the quarter select.
    page.get_by_label("Quý", exact=True).select_option("2026-Q3")
    page.get_by_role("button", name="Xem quý").click()
    page.wait_for_url("**/staff?quarter=2026-Q3")
    assert page.get_by_role("heading", level=1).inner_text() == "Tổng quan: Quý III/2026"

    # Answer and close a petition through its page (a POST form with the session's CSRF token).
    row = petition_service.submit(
        session,
        kind="kien_nghi",
        content="Đề nghị bố trí ghế chờ cho người cao tuổi.",
        contact="0912 345 678",
        channel="kiosk",
        today=TODAY,
        working_days=10,
        calendar=WorkingCalendar(),
    )
    page.get_by_role("link", name="Phản ánh, kiến nghị").first.click()
    page.get_by_role("link", name=f"Số {row.id}", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Kiến nghị số {row.id}: Mới tiếp nhận"
    page.get_by_label("Nội dung trả lời").fill("Đã bố trí thêm 10 ghế chờ.")
    page.get_by_role("button", name="Trả lời và đóng").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Kiến nghị số {row.id}: Đã đóng"
    assert page.get_by_role("status").inner_text() == "Đã lưu thay đổi."
    screenshot(page, "staff-petition-detail")

    # Log out: back to the login page, and the dashboard is closed again.
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/staff/login?notice=logged_out")
    assert page.get_by_role("status").inner_text() == "Đã đăng xuất."
    page.goto(live_server + "/staff")
    assert "/staff/login" in page.url
