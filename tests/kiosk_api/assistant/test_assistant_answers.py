"""Wording of the assistant's answers (pure functions, tested directly) and the answer/menu endpoints."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kiosk_api.domain import answer_text, buttons, lookup_texts, menus
from kiosk_api.domain.answer_text import MAX_CHARS, MORE
from kiosk_api.domain.answers import answer
from kiosk_api.domain.buttons import Aspect, parse_payload, payload
from kiosk_api.domain.status import DossierStatus
from procedures_kb.catalogue import load_catalogue


def text_of(catalogue, code: str, aspect: str, **kw) -> str:
    return answer(catalogue.get(code), aspect, catalogue.province_fees, **kw).text


def test_documents_for_birth_registration(catalogue):
    text = text_of(catalogue, "1.001193", "documents")
    assert text.startswith("Thủ tục Đăng ký khai sinh — giấy tờ cần chuẩn bị:\n1. ")
    assert "Giấy chứng sinh" in text and "Tờ khai đăng ký khai sinh" in text
    assert "(bản chính" in text and "xuất trình bản chính" in text
    assert "nếu ủy quyền" in text  # a condition, in one short clause
    assert "\n2. " in text and "\n6. " in text


def test_long_document_lists_are_cut_with_a_pointer(catalogue):
    text = text_of(catalogue, "1.004222", "documents")
    assert len(text) <= MAX_CHARS and MORE in text
    assert "bản chính hoặc bản sao" in text


def test_fee_with_pages_and_copies(catalogue):
    text = text_of(catalogue, "2.000815", "fee", pages=10, copies=1)
    assert text.startswith("Thủ tục Chứng thực bản sao từ bản chính giấy tờ, văn bản — lệ phí:")
    assert "12.000 đồng" in text and "Với 10 trang, 1 bản" in text
    assert "2.000 đồng/trang" in text  # the rule itself
    two = text_of(catalogue, "2.000815", "fee", pages=10, copies=2)
    assert "24.000 đồng" in two
    capped = text_of(catalogue, "2.000815", "fee", pages=500, copies=1)
    assert "200.000 đồng" in capped


def test_per_page_fee_without_pages_asks_for_them(catalogue):
    text = text_of(catalogue, "2.000815", "fee")
    assert "2.000 đồng/trang" in text and "số trang" in text and "tổng cộng" not in text


def test_fee_per_copy(catalogue):
    text = text_of(catalogue, "2.000635", "fee", copies=3)
    assert "8.000 đồng/bản" in text and "24.000 đồng" in text


def test_free_fee(catalogue):
    text = text_of(catalogue, "1.001193", "fee")
    assert "Miễn phí (không mất tiền)" in text
    assert "đúng hạn" in text  # the rule's own note
    assert "Được miễn lệ phí: người thuộc gia đình có công" in text  # exemptions in one line
    assert text.count("\n") <= 4


def test_fee_differs_per_channel(catalogue):
    text = text_of(catalogue, "1.004222", "fee")
    assert "Nộp trực tiếp: 20.000 đồng/lần đăng ký; nộp trực tuyến: 10.000 đồng/lần đăng ký" in text


def test_fixed_fee_and_province_fee(catalogue):
    assert "10.000 đồng/trường hợp" in text_of(catalogue, "2.000884", "fee")
    national = text_of(catalogue, "1.004873", "fee")
    assert "Hội đồng nhân dân tỉnh" in national and "hỏi cán bộ" in national
    thanh_hoa = load_catalogue(province="thanh-hoa")
    assert "15.000 đồng/trường hợp" in text_of(thanh_hoa, "1.004873", "fee")


def test_time_limits(catalogue):
    text = text_of(catalogue, "1.004873", "time")
    assert text.startswith("Thủ tục Cấp Giấy xác nhận tình trạng hôn nhân — thời hạn giải quyết:")
    assert "3 ngày làm việc" in text
    assert "7 ngày làm việc" in text_of(catalogue, "1.004222", "time")
    marriage = text_of(catalogue, "1.000894", "time")
    assert "Ngay trong ngày" in marriage and "15 giờ" in marriage and "5 ngày làm việc" in marriage


def test_where_conditions_legal(catalogue):
    where = text_of(catalogue, "1.004222", "where")
    assert "Công an xã" in where and "trực tuyến toàn trình" in where
    conditions = text_of(catalogue, "1.004222", "conditions")
    assert conditions.startswith("Thủ tục Đăng ký thường trú — điều kiện:\n1. ")
    legal = text_of(catalogue, "1.000656", "legal")
    assert "1. Luật Hộ tịch số 60/2014/QH13" in legal and "Thông tư 281/2016/TT-BTC" in legal


def test_overview(catalogue):
    text = text_of(catalogue, "1.001193", "overview")
    assert text.startswith("Thủ tục Đăng ký khai sinh (lĩnh vực Hộ tịch):")
    assert "Thời hạn: ngay trong ngày" in text
    assert "Lệ phí: Miễn phí (không mất tiền)" in text
    # the usual papers by name (not "7 loại"), the rarer ones counted
    assert "1. Giấy tờ: Tờ khai đăng ký khai sinh; Giấy chứng sinh do cơ sở y tế cấp; Căn cước" in text
    assert "4 giấy tờ khác tùy trường hợp" in text


def test_unverified_procedures_say_so(catalogue):
    assert "đang được rà soát" in text_of(catalogue, "1.004222", "fee")
    assert "đang được rà soát" not in text_of(catalogue, "1.001193", "fee")


def test_every_answer_fits_a_message(catalogue):
    for procedure in catalogue.procedures:
        for aspect in Aspect:
            for kw in ({}, {"pages": 10, "copies": 2}, {"pages": 9999, "copies": 999}):
                reply = answer(procedure, aspect, catalogue.province_fees, **kw)
                assert reply.text.startswith(f"Thủ tục {answer_text.title(procedure)}"), (procedure.code, aspect)
                assert len(reply.text) <= MAX_CHARS, (procedure.code, aspect, len(reply.text))
                assert 1 <= len(reply.buttons) <= buttons.MAX_BUTTONS


def test_buttons_offer_the_other_aspects(catalogue):
    reply = answer(catalogue.get("1.001193"), "documents")
    assert buttons.Button("Lệ phí", '/ask_fee{"procedure_code":"1.001193"}') in reply.buttons
    assert all("ask_documents" not in b.payload for b in reply.buttons)
    for b in reply.buttons:
        intent, entities = parse_payload(b.payload)
        assert entities == {"procedure_code": "1.001193"} and intent.startswith("ask_")


def test_payload_round_trip():
    p = payload("ask_fee", {"procedure_code": "1.001193"})
    assert p == '/ask_fee{"procedure_code":"1.001193"}'
    assert json.loads(p[len("/ask_fee") :]) == {"procedure_code": "1.001193"}
    assert parse_payload(p) == ("ask_fee", {"procedure_code": "1.001193"})
    assert parse_payload("/lookup_dossier") == ("lookup_dossier", {})
    assert parse_payload("/ask_fee{broken") is None
    assert parse_payload("làm khai sinh") is None


def test_menu(catalogue):
    reply = menus.menu(catalogue.procedures, "UBND xã Thử Nghiệm")
    assert "UBND xã Thử Nghiệm" in reply.text and "Tra cứu" in reply.text
    procedure_buttons = [b for b in reply.buttons if b.payload.startswith("/ask_procedure")]
    assert len(procedure_buttons) == 6
    popular = sorted(catalogue.procedures, key=lambda p: -p.popularity)[:6]
    assert {json.loads(b.payload[len("/ask_procedure") :])["procedure_code"] for b in procedure_buttons} == {
        p.code for p in popular
    }
    assert all(len(b.title) <= 50 for b in reply.buttons)
    tail = [(b.title, b.payload) for b in reply.buttons[-3:]]
    assert tail == [
        ("Tra cứu hồ sơ", "/lookup_dossier"),
        ("Đánh giá", "/rate_service"),
        ("Gặp cán bộ", "/request_officer"),
    ]


def test_dossier_wording():
    public = lookup_texts.dossier_status_text("X-261105-0003", DossierStatus.IN_PROGRESS, days_overdue=10)
    assert "«Đang xử lý»" in public and "quá hạn" in public and "4 số cuối" in public
    full = lookup_texts.dossier_full_text(
        "X-261105-0003",
        DossierStatus.IN_PROGRESS,
        procedure_name="Đăng ký khai sinh",
        received_date=date(2026, 11, 5),
        appointment_date=date(2026, 11, 10),
        result_date=None,
        days_overdue=10,
        next_steps=["Theo quy định, cơ quan giải quyết phải gửi phiếu xin lỗi và hẹn lại ngày trả kết quả."],
        commune_name="UBND xã Thử Nghiệm",
    )
    assert "10/11/2026" in full and "05/11/2026" in full and "xin lỗi" in full and "hẹn lại" in full
    assert "mang theo" in full


# ---- HTTP ---------------------------------------------------------------------------------------


def test_answer_endpoint(client):
    response = client.get(
        "/api/assistant/answer", params={"code": "2.000815", "aspect": "fee", "pages": 10, "copies": 1}
    )
    assert response.status_code == 200
    body = response.json()
    assert "12.000 đồng" in body["text"]
    assert body["procedure"] == {"code": "2.000815", "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản"}
    assert {"title": "Giấy tờ cần nộp", "payload": '/ask_documents{"procedure_code":"2.000815"}'} in body["buttons"]
    overview = client.get("/api/assistant/answer", params={"code": "1.001193"}).json()
    assert overview["text"].startswith("Thủ tục Đăng ký khai sinh (lĩnh vực Hộ tịch)")


@pytest.mark.parametrize(
    "params, status",
    [
        ({"code": "9.999999"}, 404),
        ({"code": "1.001193", "aspect": "weather"}, 422),
        ({"code": "2.000815", "aspect": "fee", "pages": 0}, 422),
        ({"code": "2.000815", "aspect": "fee", "copies": -1}, 422),
        ({}, 422),
    ],
)
def test_answer_endpoint_errors(client, params, status):
    response = client.get("/api/assistant/answer", params=params)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "detail"}
    if status == 404:
        assert body["detail"] == "Không tìm thấy thủ tục có mã 9.999999."


def test_menu_endpoint(client):
    body = client.get("/api/assistant/menu").json()
    assert "UBND xã Thử Nghiệm" in body["text"]
    assert {"title": "Gặp cán bộ", "payload": "/request_officer"} in body["buttons"]
    assert body["buttons"][0]["payload"].startswith("/ask_procedure{")
