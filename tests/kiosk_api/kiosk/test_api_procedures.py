"""Procedure catalogue endpoints and health check."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kiosk_api.app import create_app
from kiosk_api.domain import qa
from procedures_kb import semantic
from procedures_kb.schema import ChannelKind


@pytest.fixture(params=["sqlite"])
def db_url(request, tmp_path):
    """Catalogue endpoints answer from memory: one backend is enough here."""
    yield f"sqlite:///{tmp_path / 'kiosk-test.sqlite3'}"


def test_healthz(client, catalogue):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["catalogue"] == {"procedures": len(catalogue), "fingerprint": catalogue.fingerprint}
    qa.index_for(catalogue).warm()
    assert client.get("/healthz").json()["assistant"] == "ready"  # words and meaning


def test_healthz_says_how_the_assistant_matches(catalogue):
    index = qa.QuestionIndex(catalogue, embedder=None)
    assert index.meaning_state == "words_only"
    warming = qa.QuestionIndex(catalogue, embedder=semantic.Embedder(object(), cache_dir=None))
    assert warming.meaning_state == "warming"  # its questions not embedded yet


def test_search_ranks_khai_sinh_first(client):
    response = client.get("/api/procedures", params={"q": "lam giay khai sinh"})
    assert response.status_code == 200
    body = response.json()
    first = body["items"][0]
    assert first["code"] == "1.001193"
    assert first["name"] == "Đăng ký khai sinh"
    assert 0 < first["score"] <= 1 and first["matched"]
    assert body["total"] >= 1 and body["page"] == 1
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)


def test_search_with_diacritics_and_field_filter(client):
    body = client.get("/api/procedures", params={"q": "chứng thực bản sao", "field": "Chứng thực"}).json()
    assert body["items"][0]["code"] == "2.000815"
    assert {item["field"] for item in body["items"]} == {"Chứng thực"}


def test_list_without_q_is_paginated(client, catalogue):
    total = len(catalogue)
    page1 = client.get("/api/procedures", params={"page_size": 1}).json()
    assert page1["total"] == total and len(page1["items"]) == 1
    assert set(page1["items"][0]) >= {"code", "name", "field", "popularity"}
    assert page1["items"][0]["score"] is None
    seen = []
    page = 1
    while True:
        body = client.get("/api/procedures", params={"page": page, "page_size": 2}).json()
        if not body["items"]:
            break
        seen += [item["code"] for item in body["items"]]
        page += 1
    assert len(seen) == total == len(set(seen))
    beyond = client.get("/api/procedures", params={"page": page + 5, "page_size": 2}).json()
    assert beyond["items"] == [] and beyond["total"] == total


def test_list_filtered_by_field(client, catalogue):
    expected = sum(1 for p in catalogue.procedures if p.field == "Hộ tịch")
    body = client.get("/api/procedures", params={"field": "Hộ tịch", "page_size": 200}).json()
    assert body["total"] == expected == len(body["items"])
    assert {item["field"] for item in body["items"]} == {"Hộ tịch"}


def test_bad_pagination_is_422_json(client):
    response = client.get("/api/procedures", params={"page": 0})
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


def test_fields(client, catalogue):
    body = client.get("/api/fields").json()
    assert sum(f["count"] for f in body) == len(catalogue)
    assert {"name": "Chứng thực", "count": sum(1 for p in catalogue if p.field == "Chứng thực")} in body
    assert [f["name"] for f in body] == catalogue.fields


def test_detail_with_vietnamese_channel_texts(client):
    response = client.get("/api/procedures/2.000815")
    assert response.status_code == 200
    body = response.json()
    assert body["procedure"]["code"] == "2.000815"
    assert body["procedure"]["documents"]
    in_person = next(c for c in body["channels"] if c["kind"] == "truc_tiep")
    assert in_person["label"] == "Trực tiếp"
    assert in_person["time_limit"].startswith("Ngay trong ngày")
    assert "2.000 đồng/trang" in in_person["fee"] and "tối đa 200.000 đồng/bản" in in_person["fee"]


def test_detail_free_procedure(client):
    body = client.get("/api/procedures/1.001193").json()
    assert body["procedure"]["name"] == "Đăng ký khai sinh"
    assert all(c["fee"].startswith("Miễn phí") for c in body["channels"])


def test_detail_accepts_provincial_suffix(client):
    assert client.get("/api/procedures/1.001193.000.00.00.H56").json()["procedure"]["code"] == "1.001193"


def test_unknown_procedure_is_404_json(client):
    for path in ("/api/procedures/9.999999", "/api/procedures/9.999999/fee?pages=1"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"error": "not_found", "detail": "Không tìm thấy thủ tục có mã 9.999999."}


def test_fee_per_page_tiers(client):
    one = client.get("/api/procedures/2.000815/fee", params={"pages": 10, "copies": 1}).json()
    assert one["amount"] == 12000 and one["formatted"] == "12.000 đồng"
    three = client.get("/api/procedures/2.000815/fee", params={"pages": 10, "copies": 3}).json()
    assert three["amount"] == 36000
    assert three["formatted"] == "36.000 đồng"
    assert "36.000 đồng" in three["explanation"]
    assert three["lines"] and three["explanation"] == " ".join(three["lines"])
    assert three["channel"] == "truc_tiep"


def test_fee_free(client):
    body = client.get("/api/procedures/1.001193/fee").json()
    assert body["amount"] == 0 and body["formatted"] == "Miễn phí"


def test_fee_input_errors_are_422_in_vietnamese(client):
    response = client.get("/api/procedures/2.000815/fee")
    assert response.status_code == 422
    assert response.json() == {"error": "bad_fee_input", "detail": "Cần biết số trang của bản chính để tính lệ phí."}
    for params, message in (
        ({"pages": 0}, "Giá trị phải từ 1 trở lên."),
        ({"pages": 3, "copies": 0}, "Giá trị phải từ 1 trở lên."),
        ({"pages": 10**4000 // 10**3990}, "Giá trị không được lớn hơn 10000."),  # finding L9: absurd page counts
        ({"pages": 3, "copies": 5000}, "Giá trị không được lớn hơn 1000."),
    ):
        response = client.get("/api/procedures/2.000815/fee", params=params)
        assert response.status_code == 422 and response.json()["error"] == "validation_error"
        assert response.json()["detail"][0]["msg"] == message


def test_fee_channel_not_offered(client, catalogue):
    offered = {c.kind for c in catalogue.get("2.000815").channels}
    missing = [kind for kind in ChannelKind if kind not in offered]
    if not missing:
        pytest.skip("2.000815 is offered on every channel")
    response = client.get("/api/procedures/2.000815/fee", params={"pages": 1, "channel": missing[0].value})
    assert response.status_code == 422
    assert response.json()["error"] == "channel_not_offered"
    assert missing[0].label.lower() in response.json()["detail"]


def test_unknown_route_is_json(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_openapi_documents_response_models(client):
    spec = client.get("/openapi.json").json()
    lookup = spec["paths"]["/api/dossiers/lookup"]["post"]["responses"]
    assert {"200", "404", "429"} <= set(lookup)
    assert lookup["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "ProcedurePage" in spec["components"]["schemas"]


def test_detail_applies_the_configured_province_fees(settings):
    from procedures_kb.catalogue import PROVINCES_DIR, load_catalogue
    from procedures_kb.fees import describe_rule

    provinces = sorted(p.stem for p in PROVINCES_DIR.glob("*.yaml"))
    if not provinces:
        pytest.skip("no province fee file yet")
    catalogue = load_catalogue(province=provinces[0])
    procedure = next((p for p in catalogue.procedures if any(c.fee.kind == "province" for c in p.channels)), None)
    if procedure is None:
        pytest.skip("no procedure with a province-set fee yet")
    app = create_app(settings.model_copy(update={"province": provinces[0]}), catalogue)
    with TestClient(app) as client:
        body = client.get(f"/api/procedures/{procedure.code}").json()
    assert body["province"] == catalogue.province.name
    expected = [describe_rule(c.fee, catalogue.province_fees) for c in procedure.channels]
    assert [c["fee"] for c in body["channels"]] == expected
