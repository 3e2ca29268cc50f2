"""GET /api/procedures/{code}/appointment ("if I hand it in today, when is it ready?"), the kiosk card's and the
assistant's wording of it, on the working-day calendar (Tết 2027, New Year, ordinary weeks)."""

from datetime import datetime

import pytest

from kiosk_api.clock import VN_TZ

pytestmark = pytest.mark.db

KHAI_SINH = "1.001193"  # same day; after 15:00 the next working day
CHUNG_THUC = "2.000815"  # same day, after 15:00 the next working day


def three_working_days(catalogue) -> str:
    """A catalogue procedure whose in-person time limit is 3 working days (xác nhận tình trạng hôn nhân, …)."""
    for p in catalogue.procedures:
        limit = p.default_channel.time_limit
        if limit.unit == "working_days" and limit.value == 3 and limit.cutoff is None and limit.max_value is None:
            return p.code
    raise AssertionError("no 3-working-day procedure in the catalogue")


def get(client, code: str, **params):
    response = client.get(f"/api/procedures/{code}/appointment", params=params)
    return response.status_code, response.json()


def test_across_tet_2027(client, catalogue):
    code = three_working_days(catalogue)
    status, out = get(client, code, received="2027-02-03T09:00:00+07:00")
    assert status == 200, out
    assert (out["appointment_date"], out["counted_from"]) == ("2027-02-15", "2027-02-03")
    assert out["breaks"] == [
        {
            "first": "2027-02-04",
            "last": "2027-02-10",
            "name": "Tết Nguyên đán",
            "text": "nghỉ Tết Nguyên đán từ thứ Năm 04/02 đến hết thứ Tư 10/02/2027",
        }
    ]
    assert out["explanation"] == (
        "Nộp thứ Tư 03/02/2027 thì hẹn trả thứ Hai 15/02/2027. "
        "Lưu ý: nghỉ Tết Nguyên đán từ thứ Năm 04/02 đến hết thứ Tư 10/02/2027."
    )
    assert out["time_limit"] == "3 ngày làm việc"
    # Handed in during Tết (online): counted from Thursday 11/02.
    status, out = get(client, code, received="2027-02-08T10:00")
    assert (out["counted_from"], out["appointment_date"]) == ("2027-02-11", "2027-02-16")
    assert out["explanation"].startswith("Thứ Hai 08/02/2027 là ngày nghỉ (Mùng ba Tết Nguyên đán)")


def test_the_15_00_rule_and_new_year(client):
    status, out = get(client, CHUNG_THUC, received="2026-12-31T14:59:00+07:00")
    assert out["appointment_date"] == "2026-12-31"
    status, out = get(client, CHUNG_THUC, received="2026-12-31T15:00:00+07:00")
    assert out["appointment_date"] == "2027-01-04"  # 1/1 (Friday) and the weekend are off
    assert "sau 15 giờ thì hồ sơ được tính từ thứ Hai 04/01/2027" in out["explanation"]
    assert "nghỉ Tết Dương lịch từ thứ Sáu 01/01 đến hết Chủ nhật 03/01/2027" in out["explanation"]
    # A time in another zone is read in the commune's time: 08:30 UTC is 15:30 in Vietnam.
    status, out = get(client, CHUNG_THUC, received="2026-12-31T08:30:00Z")
    assert out["appointment_date"] == "2027-01-04"


def test_an_ordinary_week_and_the_default_now(client, clock, catalogue):
    code = three_working_days(catalogue)
    clock.set(datetime(2026, 12, 7, 10, 0, tzinfo=VN_TZ))  # Monday
    status, out = get(client, code)
    assert status == 200
    assert (out["received_at"], out["appointment_date"]) == ("2026-12-07T10:00:00+07:00", "2026-12-10")
    assert out["explanation"] == "Nộp hôm nay (thứ Hai 07/12/2026) thì hẹn trả thứ Năm 10/12/2026."
    assert out["breaks"] == [] and out["channel"] == "truc_tiep"


def test_bad_requests(client):
    assert get(client, "9.999999")[0] == 404
    status, out = get(client, CHUNG_THUC, received="hôm qua")
    assert status == 422 and out["error"] == "validation_error"
    status, out = get(client, CHUNG_THUC, received="9999-01-01T00:00")
    assert status == 422 and out["error"] == "bad_received" and "1995" in out["detail"]
    status, out = get(client, CHUNG_THUC, channel="truc_tuyen_toan_trinh")  # done at the desk only
    assert status == 422 and out["error"] == "channel_not_offered" and "các kênh có: trực tiếp" in out["detail"]


def test_the_kiosk_card_says_it_for_today(client, clock):
    clock.set(datetime(2027, 2, 3, 16, 0, tzinfo=VN_TZ))
    page = client.get(f"/kiosk/thu-tuc/{KHAI_SINH}?partial=1")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert (
        "Nộp hôm nay (thứ Tư 03/02/2027) sau 15 giờ thì hồ sơ được tính từ thứ Năm 11/02/2027, trả kết quả trong "
        "ngày đó. Lưu ý: nghỉ Tết Nguyên đán từ thứ Năm 04/02 đến hết thứ Tư 10/02/2027."
    ) in page.text


def test_the_assistants_time_answer_says_it_for_today(client, clock, catalogue):
    code = three_working_days(catalogue)
    clock.set(datetime(2026, 12, 31, 9, 0, tzinfo=VN_TZ))
    out = client.get("/api/assistant/answer", params={"code": code, "aspect": "time"}).json()
    assert "Nộp hôm nay (thứ Năm 31/12/2026) thì hẹn trả thứ Tư 06/01/2027." in out["text"]
    assert "nghỉ Tết Dương lịch" in out["text"]
    # The catalogue fallback of /api/chat (Rasa is not running in these tests) answers the same way.
    chat = client.post(
        "/api/chat", json={"sender_id": "t-appointment", "message": f'/ask_time{{"procedure_code":"{code}"}}'}
    ).json()
    assert any("hẹn trả thứ Tư 06/01/2027" in r["text"] for r in chat["replies"])
