"""The apology letter (phiếu xin lỗi và hẹn lại ngày trả kết quả) for overdue dossiers: the pure wording and the
staff page that prints it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from kiosk_api.domain.apology import ApologyError, apology_letter, place_name, suggested_new_date
from kiosk_api.models import Dossier
from procedures_kb.workdays import WorkingCalendar
from tests.kiosk_api.staff.test_staff_pages import demo, log_in, logged_in  # noqa: F401  (pytest fixtures)
from tests.support.constants import TODAY

FACTS = {
    "commune": "UBND xã Thử Nghiệm",
    "applicant_name": "Nguyễn Văn A",
    "procedure_name": "Đăng ký khai sinh",
    "dossier_code": "000.00.06.H56-261105-0003",
    "received": date(2026, 11, 5),
    "appointment": date(2026, 11, 10),
    "today": date(2026, 11, 20),
    "calendar": WorkingCalendar(),
}


def test_letter_names_the_dossier_the_delay_the_reason_and_the_new_date():
    letter = apology_letter(**FACTS, reason="  Chờ xác minh   thông tin cư trú. ", new_date=date(2026, 11, 25))
    text = "\n".join(letter.paragraphs)
    assert letter.title == "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
    assert letter.addressee == "Kính gửi: Ông/bà Nguyễn Văn A"
    assert "Ngày 05/11/2026, UBND xã Thử Nghiệm tiếp nhận giải quyết hồ sơ đề nghị Đăng ký khai sinh" in text
    assert "000.00.06.H56-261105-0003" in text and "là ngày 10/11/2026" in text
    assert "Lý do: Chờ xác minh thông tin cư trú." in text
    assert "xin lỗi ông/bà và sẽ trả kết quả giải quyết hồ sơ cho ông/bà vào thứ Tư 25/11/2026" in text
    assert letter.place_date == "Xã Thử Nghiệm, ngày 20 tháng 11 năm 2026"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"appointment": date(2026, 11, 20)}, "chưa quá hạn"),
        ({"reason": "   "}, "Cần ghi lý do"),
        ({"reason": "x" * 501}, "dài quá 500"),
        ({"new_date": date(2026, 11, 20)}, "phải sau ngày hôm nay"),
        ({"new_date": date(2026, 11, 22)}, r"22/11/2026 là ngày nghỉ \(Chủ nhật\).*ví dụ thứ Hai 23/11/2026"),
        ({"new_date": date(2026, 11, 24)}, r"là ngày nghỉ \(Ngày Văn hóa Việt Nam\).*thứ Tư 25/11/2026"),
    ],
)
def test_letter_refuses_what_would_make_a_wrong_letter(changes, message):
    args = {**FACTS, "reason": "Chờ xác minh", "new_date": date(2026, 11, 25), **changes}
    with pytest.raises(ApologyError, match=message):
        apology_letter(**args)


def test_the_form_proposes_the_next_working_day():
    assert suggested_new_date(date(2026, 11, 20), WorkingCalendar()) == date(2026, 11, 23)
    assert suggested_new_date(date(2027, 2, 3), WorkingCalendar()) == date(2027, 2, 11)  # after Tết


def test_place_name_from_the_agency():
    assert place_name("UBND xã Thử Nghiệm") == "Xã Thử Nghiệm"
    assert place_name("Ủy ban nhân dân phường Ba Đình") == "Phường Ba Đình"


@pytest.mark.db
def test_staff_print_the_letter_from_the_dashboard(logged_in, session, demo):  # noqa: F811
    dossier = session.scalars(
        select(Dossier)
        .where(Dossier.status.in_(["moi_tiep_nhan", "dang_xu_ly"]), Dossier.appointment_date < TODAY)
        .order_by(Dossier.appointment_date)
    ).first()
    assert dossier is not None
    link = f"/staff/dossiers/{dossier.code}/xin-loi"
    assert f'href="{link}"' in logged_in.get("/staff").text
    form = logged_in.get(link)
    assert form.status_code == 200 and "Lập phiếu" in form.text and "PHIẾU XIN LỖI" not in form.text
    new_date = (TODAY + timedelta(days=5)).isoformat()
    page = logged_in.get(link, params={"ly_do": "Chờ <b>xác minh</b>", "ngay_hen": new_date})
    assert page.status_code == 200, page.text
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in page.text
    assert f"Kính gửi: Ông/bà {dossier.applicant_name}" in page.text
    assert "Chờ &lt;b&gt;xác minh&lt;/b&gt;" in page.text  # escaped, never markup
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.db
def test_letter_page_errors_and_login(client, logged_in, session, demo):  # noqa: F811
    dossier = session.scalars(select(Dossier).where(Dossier.appointment_date < TODAY)).first()
    link = f"/staff/dossiers/{dossier.code}/xin-loi"
    bad = logged_in.get(link, params={"ly_do": "Chờ xác minh", "ngay_hen": TODAY.isoformat()})
    assert bad.status_code == 422 and "phải sau ngày hôm nay" in bad.text
    missing = logged_in.get(link, params={"ly_do": "Chờ xác minh", "ngay_hen": ""})
    assert missing.status_code == 422 and "Cần chọn ngày hẹn" in missing.text
    assert logged_in.get("/staff/dossiers/KHONG-CO/xin-loi").status_code == 404
    client.cookies.clear()
    assert client.get(link, follow_redirects=False).status_code in (302, 303)
