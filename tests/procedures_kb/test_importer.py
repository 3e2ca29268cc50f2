"""The national-portal importer: exact parsing on an invented fixture, robustness on the shared crawl."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
import yaml

from procedures_kb import importer as imp
from procedures_kb.importer import ImportReport, import_file, parse_record, write_drafts
from procedures_kb.schema import Procedure
from tests.support.constants import FIXTURES, SHARED

FIXTURE = FIXTURES / "portal_sample.jsonl"
SHARED_FILE = SHARED / "data" / "dvcqg_tthc_cap_xa__chatbot-tthc_5322948.jsonl"
TODAY = date(2026, 11, 22)

# Measured on the shared file: 111 of 588 records parse cleanly (235 are Hải quan / Thuế and skipped).
SHARED_CLEAN_FLOOR = 100


@pytest.fixture(scope="module")
def report() -> ImportReport:
    return import_file(FIXTURE, today=TODAY)


@pytest.fixture(scope="module")
def by_code(report: ImportReport) -> dict[str, imp.ParsedRecord]:
    return {r.code: r for r in report.records if r.code}


def fees(rec: imp.ParsedRecord) -> dict[str, dict]:
    assert rec.draft is not None
    return {c["kind"]: c["fee"] for c in rec.draft["channels"]}


# ---- the fixture ------------------------------------------------------------------------------------------


def test_counts_and_summary(report: ImportReport):
    assert report.total == 9  # eight records and one broken line
    assert report.clean_count == 5
    assert sorted(r.code for r in report.records if r.clean) == [
        "1.900001",
        "1.900003",
        "1.900004",
        "2.900002",
        "2.900009",  # clean: a record that states no time limit has a gap, not a parsing problem
    ]
    assert report.summary().startswith("9 records: 5 parsed cleanly, 4 with problems; top problems: ")


def test_bad_json_line_is_reported_with_its_number(report: ImportReport):
    assert report.problems["line 8"] == [report.problems["line 8"][0]]
    assert report.problems["line 8"][0].startswith("not valid JSON: line 8:")
    bad = next(r for r in report.records if r.line == 8)
    assert bad.draft is None and not bad.clean and bad.problem_kinds == [imp.BAD_JSON]
    # the record after the broken line is still read
    assert next(r for r in report.records if r.line == 9).code == "2.900009"


def test_clean_drafts_validate(report: ImportReport):
    for rec in report.records:
        if rec.clean:
            proc = Procedure.model_validate(rec.draft)
            assert proc.verified is False
            assert proc.unverified_notes
            assert proc.last_checked == TODAY


def test_civil_status_record_free_with_time(by_code):
    rec = by_code["1.900001"]
    d = rec.draft
    assert rec.clean and rec.problems == []
    assert d["name"] == "Đăng ký giám hộ cho người chưa thành niên"  # "Thủ tục " stripped
    assert d["field"] == "Hộ tịch" and d["level"] == "Cấp xã"
    assert d["agency"] == "Ủy ban nhân dân cấp xã"
    assert d["source_url"] == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/fixture-0001"
    assert d["verified"] is False and d["last_checked"] == TODAY
    assert [c["kind"] for c in d["channels"]] == ["truc_tiep", "truc_tuyen_toan_trinh", "buu_chinh"]
    for ch in d["channels"]:
        assert ch["time_limit"] == {"unit": "working_days", "value": 3}
        assert ch["fee"]["kind"] == "free"
    assert d["channels"][0]["fee"]["note"] == "Không thu lệ phí."
    docs = d["documents"]
    assert len(docs) == 4  # the "không phải xuất trình" row is an explanation, not a paper
    assert [x["original_or_copy"] for x in docs] == ["ban_chinh", "ban_chinh", "ban_sao", "xuat_trinh"]
    assert [x["quantity"] for x in docs] == [1, 1, 1, 1]
    assert docs[0] == {
        "name": "Tờ khai đăng ký giám hộ theo mẫu quy định",
        "form_code": "TK-giamho.docx",
        "quantity": 1,
        "original_or_copy": "ban_chinh",
    }
    assert docs[1]["condition"] == "Nếu có"
    assert docs[2]["name"] == "Danh mục tài sản kèm theo"
    assert docs[2]["condition"] == "Trường hợp người được giám hộ có tài sản riêng"
    assert "condition" not in docs[3]
    assert d["legal_basis"] == ["Luật 60/2014/QH13", "Nghị định 123/2015/NĐ-CP", "Thông tư 04/2024/TT-BTP"]
    assert d["steps"] == [
        "Người yêu cầu nộp hồ sơ tại Bộ phận Một cửa.",
        "Công chức tư pháp - hộ tịch kiểm tra hồ sơ.",
        "Chủ tịch Ủy ban nhân dân xã ký trích lục và trả kết quả.",
    ]
    assert d["conditions"] == []
    assert d["result"] == "Trích lục đăng ký giám hộ"
    # the online row says "toàn trình", so no assumption is noted
    assert imp.NOTE_ONLINE not in d["unverified_notes"]


def test_certification_record_per_page_tiers(by_code):
    rec = by_code["2.900002"]
    d = rec.draft
    assert rec.clean
    assert [c["kind"] for c in d["channels"]] == ["truc_tiep"]  # the USD row (missions abroad) is left out
    assert d["channels"][0]["time_limit"] == {"unit": "working_days", "value": 1}
    assert fees(rec)["truc_tiep"] == {
        "kind": "per_page_tiered",
        "tiers": [{"from_page": 1, "to_page": 2, "amount": 2000}, {"from_page": 3, "amount": 1000}],
        "cap_per_copy": 200000,
    }
    assert any("USD" in n for n in d["unverified_notes"])
    assert d["submit_at"] == "Bộ phận Một cửa của Ủy ban nhân dân xã"
    assert [(x["original_or_copy"], x["quantity"]) for x in d["documents"]] == [
        ("ban_chinh", 1),
        ("ban_sao", 2),
    ]
    assert d["legal_basis"] == ["Nghị định 23/2015/NĐ-CP", "Thông tư 226/2016/TT-BTC"]
    # steps without "Bước" markers: one per line, a line broken mid-sentence is joined back
    assert d["steps"][1] == "Cán bộ đối chiếu bản chụp với bản chính, ghi lời chứng, ký và đóng dấu."
    assert len(d["steps"]) == 3
    assert d["conditions"] == ["Bản chính không bị tẩy xóa, sửa chữa.", "Bản chính không đóng dấu mật."]


def test_residence_record_fee_per_channel(by_code):
    rec = by_code["1.900003"]
    assert rec.clean
    assert fees(rec) == {
        "truc_tuyen_toan_trinh": {
            "kind": "fixed",
            "amount": 7000,
            "per": "registration",
            "note": "Nộp qua cổng dịch vụ công trực tuyến thu 7.000 đồng/lần đăng ký.",
        },
        "truc_tiep": {
            "kind": "fixed",
            "amount": 10000,
            "per": "registration",
            "note": "Nộp trực tiếp thu 10.000 đồng/lần đăng ký.",
        },
        "buu_chinh": {"kind": "fixed", "amount": 10000, "per": "case"},  # no unit given: noted
    }
    notes = rec.draft["unverified_notes"]
    assert any("no unit for the 10,000 đồng fee" in n for n in notes)
    assert imp.NOTE_ONLINE in notes  # "Trực tuyến" without saying toàn trình / một phần
    docs = rec.draft["documents"]
    assert docs[0]["name"] == "Tờ khai thay đổi thông tin cư trú (mẫu CT01)"
    assert docs[0]["form_code"] == "MauCT01.docx"
    assert docs[1]["original_or_copy"] == "ban_chinh_hoac_ban_sao"
    assert rec.draft["legal_basis"] == ["Luật 68/2020/QH14", "Thông tư 75/2022/TT-BTC"]


def test_province_set_fee(by_code):
    rec = by_code["1.900004"]
    assert rec.clean
    f = fees(rec)
    assert f["truc_tiep"]["kind"] == "province"
    assert f["truc_tiep"]["key"] == "ho_tich.1_900004"
    assert "default" not in f["truc_tiep"]  # the table says "Miễn phí" but the amount is the province's
    assert f["truc_tuyen_toan_trinh"]["kind"] == "province"
    assert f["truc_tuyen_toan_trinh"]["default"] == {"kind": "fixed", "amount": 15000, "per": "case"}
    # non-breaking spaces and the trailing full stop are cleaned from the agency
    assert rec.draft["agency"] == "Ủy ban Nhân dân xã, phường"
    assert rec.draft["legal_basis"] == ["Nghị định 123/2015/NĐ-CP", "Thông tư 85/2019/TT-BTC"]
    assert rec.draft["documents"][1]["original_or_copy"] == "ban_sao"


def test_missing_time_unit_is_a_problem_and_left_unknown(by_code):
    """A bare number with nothing in the record to say days or working days is not guessed: the citizen is told
    the time limit is not known rather than a number that may be wrong."""
    rec = by_code["1.900005"]
    assert not rec.clean
    assert rec.problem_kinds == [imp.TIME_NO_UNIT, imp.TIME_NO_UNIT]
    assert rec.problems[0] == "time limit has no unit: Trực tiếp: a bare 1, left unknown"
    for ch in rec.draft["channels"]:
        assert ch["time_limit"] == {"unit": "unknown"}
    assert any(n.startswith("Import problem: time limit has no unit") for n in rec.draft["unverified_notes"])


def test_garbled_half_empty_record(report: ImportReport):
    rec = next(r for r in report.records if r.line == 6)
    assert rec.code == "1.90006" and not rec.clean
    assert set(rec.problem_kinds) == {
        imp.BAD_CODE,
        imp.NO_NAME,
        imp.NO_AGENCY,
        imp.FEE_IMPLAUSIBLE,  # "40 Việt Nam Đồng" whose note says 4.000
        imp.TIME_FEE_JOINED,  # "120 VNĐ": one day and 20 đồng, or 120 days?
        imp.NO_DOCUMENTS,
        imp.NO_STEPS,
        imp.NO_RESULT,
        imp.NO_LEGAL_BASIS,
    }
    assert rec.draft is not None
    assert rec.draft["field"] == "Hộ tịch" == unicodedata.normalize("NFC", rec.draft["field"])
    assert rec.draft["source_url"] is None
    assert report.problems["1.90006"] == rec.problems


def test_tax_record_is_out_of_scope(by_code):
    rec = by_code["1.900007"]
    assert rec.draft is None and not rec.clean
    assert rec.problem_kinds == [imp.OUT_OF_SCOPE]
    assert "Thuế" in rec.problems[0]


def test_no_time_limit_stated(by_code):
    rec = by_code["2.900009"]
    assert rec.problem_kinds == [] and rec.clean
    assert rec.gaps == [f"{imp.NO_TIME}: Trực tiếp"]  # the record says nothing: a gap, not a parsing problem
    ch = rec.draft["channels"][0]
    assert ch["time_limit"] == {"unit": "unknown"}
    assert ch["fee"] == {"kind": "fixed", "amount": 10000, "per": "case"}  # "(/trường hợp)"


def test_parse_record_never_raises_on_odd_input():
    assert parse_record(["not", "a", "dict"]).problem_kinds == [imp.NOT_OBJECT]
    rec = parse_record({"ma_thu_tuc": 1.5, "ten_thu_tuc": None, "linh_vuc": 7, "cach_thuc_thuc_hien": None})
    assert not rec.clean
    assert imp.BAD_CODE in rec.problem_kinds and imp.NO_CHANNELS in rec.problem_kinds
    assert parse_record({}).problems


def test_write_drafts(report: ImportReport, tmp_path: Path):
    out = tmp_path / "drafts.yaml"
    assert write_drafts(report, out, only_clean=True) == 5
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Draft catalogue entries")
    assert "Đăng ký giám hộ" in text  # allow_unicode: no \u escapes
    drafts = yaml.safe_load(text)
    assert [d["code"] for d in drafts] == ["1.900001", "2.900002", "1.900003", "1.900004", "2.900009"]
    assert list(drafts[0])[:3] == ["code", "name", "aliases"]  # sort_keys=False keeps the schema's order
    for d in drafts:
        assert d["verified"] is False
        Procedure.model_validate(d)
    # without only_clean, every record that has a draft (not the tax one, not the broken line)
    assert write_drafts(report, out) == 7
    assert len(yaml.safe_load(out.read_text(encoding="utf-8"))) == 7


# ---- the shared crawl -------------------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_FILE.exists(), reason=f"shared portal crawl not found at {SHARED_FILE}")
def test_shared_portal_file(record_property, tmp_path: Path):
    report = import_file(SHARED_FILE, today=TODAY)
    summary = report.summary()
    record_property("import_summary", summary)
    print(summary)

    assert report.total == 588
    kinds = report.problem_counts()
    assert kinds[imp.BAD_JSON] == 0 and kinds[imp.INTERNAL] == 0 and kinds[imp.INVALID_DRAFT] == 0
    assert report.clean_count >= SHARED_CLEAN_FLOOR, summary
    for rec in report.records:
        if rec.clean:
            Procedure.model_validate(rec.draft)
    assert write_drafts(report, tmp_path / "drafts.yaml", only_clean=True) == report.clean_count

    by_code = {r.code: r for r in report.records}
    # customs and tax records are skipped, never crash
    out_of_scope = [r for r in report.records if imp.OUT_OF_SCOPE in r.problem_kinds]
    assert len(out_of_scope) >= 200 and all(r.draft is None for r in out_of_scope)
    # facts the domain notes state, read back from the portal: chứng thực bản sao per page, cư trú fees
    copy_fee = fees(by_code["2.000815"])["truc_tiep"]
    assert copy_fee["kind"] == "per_page_tiered" and copy_fee["cap_per_copy"] == 200000
    assert [t["amount"] for t in copy_fee["tiers"]] == [2000, 1000]
    permanent = by_code["1.004222"]
    assert {k: f["amount"] for k, f in fees(permanent).items()} == {
        "truc_tuyen_toan_trinh": 10000,
        "truc_tiep": 20000,
    }
    assert {c["time_limit"]["value"] for c in permanent.draft["channels"]} == {7}
