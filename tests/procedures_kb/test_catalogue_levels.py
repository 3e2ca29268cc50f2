"""The catalogue's two levels (curated, imported) plus referral entries: coverage, the imported level's checks, the
fields, fee cases, the desk's name and the procedures a commune offers."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from kiosk_api.catalogue_config import read_offered
from kiosk_api.domain import answer_text, answers, caveats
from procedures_kb import importer, portal_import
from procedures_kb.catalogue import (
    IMPORTED_DIR,
    PROCEDURES_DIR,
    CatalogueError,
    load_catalogue,
    load_procedures,
    validate,
)
from procedures_kb.fees import compute_fee, describe_rule
from procedures_kb.fields import parse_fields
from procedures_kb.quality import garbled
from procedures_kb.schema import CasesFee, ChannelKind, EntryStatus, Procedure
from tests.support.constants import SHARED

SHARED_FILE = SHARED / "data" / "dvcqg_tthc_cap_xa__chatbot-tthc_5322948.jsonl"
DAY = date(2026, 12, 6)

# The 30 procedures the catalogue audit marks as asked most at a commune desk (../shared/docs/catalogue_audit.md).
STARRED = {
    "1.012564", "1.012566", "1.014061", "1.014062", "1.014063", "1.014064",  # căn cước
    "1.012796", "1.012812", "1.013949", "1.013967", "1.013978",  # đất đai
    "1.013067", "1.013076", "1.013082", "1.013123",  # đăng ký xe
    "1.013225", "1.013229",  # giấy phép xây dựng
    "1.001266", "1.001570", "1.001612", "2.000720",  # hộ kinh doanh
    "1.013274",  # lòng đường, vỉa hè
    "1.010040", "1.013314",  # cư trú
    "3.000228",  # định danh điện tử
    "1.014632",  # nhà ở xã hội
    "1.001939", "1.002179", "1.002759", "2.000821",  # bảo hiểm xã hội (referral)
}  # fmt: skip


@pytest.fixture(scope="module")
def base_entry() -> dict:
    entries = yaml.safe_load((PROCEDURES_DIR / "ho_tich.yaml").read_text(encoding="utf-8"))
    return next(e for e in entries if e["code"] == "1.001193")


def imported_like(entry: dict, code: str, name: str) -> dict:
    """An imported entry made from a curated one: facts only (no steps, conditions, notes)."""
    e = copy.deepcopy(entry)
    for key in ("steps", "conditions", "aliases", "unverified_notes", "notes", "fee_exemptions"):
        e.pop(key, None)
    for doc in e["documents"]:
        doc.pop("condition", None)
    e.update(code=code, name=name, status="imported", imported_on=DAY, verified=False)
    return e


def write_dirs(tmp_path: Path, curated: list[dict], imported: list[dict]) -> tuple[Path, Path]:
    cur, imp = tmp_path / "procedures", tmp_path / "imported"
    cur.mkdir()
    imp.mkdir()
    (cur / "a.yaml").write_text(yaml.safe_dump(curated, allow_unicode=True), encoding="utf-8")
    (imp / "b.yaml").write_text(yaml.safe_dump(imported, allow_unicode=True), encoding="utf-8")
    return cur, imp


# ---- the shipped catalogue --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return load_catalogue()


def test_shipped_catalogue_covers_the_commune_level(shipped):
    assert validate() == []
    levels = {s: [p for p in shipped if p.status is s] for s in EntryStatus}
    print({s.value: len(v) for s, v in levels.items()})
    assert len(shipped) >= 280
    assert len(levels[EntryStatus.CURATED]) >= 64 + 26
    assert len(levels[EntryStatus.REFERRAL]) == 25  # the BHXH commune-level records
    assert len({p.field for p in shipped}) <= 32  # grouped for the kiosk (data/fields.yaml)


def test_starred_procedures_are_curated_with_documents_fees_and_time_limits(shipped):
    for code in sorted(STARRED):
        p = shipped.get(code)
        assert p is not None, code
        assert p.status in (EntryStatus.CURATED, EntryStatus.REFERRAL), code
        assert p.documents and p.steps, code
        assert all(ch.time_limit.unit.value != "unknown" for ch in p.channels), code
        assert all(getattr(ch.fee, "kind", "") != "unknown" for ch in p.channels), code
        assert p.verified or p.unverified_notes, code  # unverified entries say what is open


def test_imported_entries_hold_facts_only_and_are_readable(shipped):
    imported = [p for p in shipped if p.imported]
    assert len(imported) >= 150
    for p in imported:
        assert not p.steps and not p.conditions and not p.verified, p.code
        assert p.imported_on is not None and p.source_url.startswith("https://"), p.code
        assert garbled(p) == [], p.code


def test_curated_entry_replaces_the_imported_one():
    curated, _, _ = load_procedures(imported_dir=None)
    raw = [e["code"] for path in IMPORTED_DIR.glob("*.yaml") for e in yaml.safe_load(path.read_text(encoding="utf-8"))]
    assert not {p.national_code for p in curated} & set(raw)  # the import skips what the team curates


def test_tam_tru_fees_follow_the_fee_circular(shipped):
    """Audit (d) #1–#2: an individual or household pays 15.000 đ in person and 7.000 đ online; the lower amount is
    the per-person rate of a registration by list."""
    for code in ("1.004194", "1.002755"):
        p = shipped.get(code)
        person = compute_fee(p.channel(ChannelKind.IN_PERSON).fee)
        online = compute_fee(p.channel(ChannelKind.ONLINE_FULL).fee)
        assert (person.amount, online.amount) == (15000, 7000), code
        by_list = compute_fee(p.channel(ChannelKind.IN_PERSON).fee, case=1, quantity=3)
        assert by_list.amount == 30000, code


# ---- the imported level: checks -----------------------------------------------------------------------------


def test_a_garbled_imported_entry_is_refused(tmp_path, base_entry):
    glued = imported_like(base_entry, "1.900201", "Đăng ký thử nghiệmTrực tiếp7 Ngày làm việc")
    cur, imp = write_dirs(tmp_path, [base_entry], [glued])
    problems = validate(cur, tmp_path / "none", imp)
    assert any(p.where == "1.900201" and "run together" in p.message for p in problems), problems
    with pytest.raises(CatalogueError):
        load_catalogue(cur, imported_dir=imp)


def test_a_readable_imported_entry_is_served_with_its_notice(tmp_path, base_entry):
    fine = imported_like(base_entry, "1.900202", "Đăng ký thử nghiệm một việc hộ tịch")
    cur, imp = write_dirs(tmp_path, [base_entry], [fine])
    assert validate(cur, tmp_path / "none", imp) == []
    p = load_catalogue(cur, imported_dir=imp).get("1.900202")
    assert p.imported
    notice = caveats.caveat(p)
    assert notice and "Cổng Dịch vụ công quốc gia ngày 06/12/2026" in notice
    for aspect in ("documents", "fee", "time", "where", "overview"):
        assert notice in answers.answer(p, aspect).text, aspect


def test_imported_entries_must_say_so_and_carry_no_sentences(tmp_path, base_entry):
    not_marked = copy.deepcopy(imported_like(base_entry, "1.900203", "Đăng ký thử nghiệm khác"))
    not_marked.update(status="curated", steps=["Nộp hồ sơ."], verified=True)
    del not_marked["imported_on"]
    with_steps = imported_like(base_entry, "1.900204", "Đăng ký thử nghiệm nữa")
    with_steps["steps"] = ["Nộp hồ sơ tại xã."]
    cur, imp = write_dirs(tmp_path, [base_entry], [not_marked, with_steps])
    messages = [str(p) for p in validate(cur, tmp_path / "none", imp)]
    assert any("1.900203" in m and "status: imported" in m for m in messages), messages
    assert any("1.900204" in m for m in messages), messages


def test_a_field_outside_the_fields_table_is_refused(tmp_path, base_entry):
    entry = copy.deepcopy(base_entry)
    entry["field"] = "Lĩnh vực không có"
    cur, imp = write_dirs(tmp_path, [entry], [])
    assert any("not a catalogue field" in p.message for p in validate(cur, tmp_path / "none", imp))


def test_fields_table_rules():
    fields = parse_fields({"Cư trú": ["Đăng ký, quản lý cư trú"], "Hộ tịch": []})
    assert fields.for_portal("Dang ky, quan ly  cu tru") == "Cư trú"  # accents, case and spaces ignored
    assert fields.for_portal("Cư trú") == "Cư trú" and fields.for_portal("Thuế") is None
    with pytest.raises(ValueError, match="both"):
        parse_fields({"A": ["X"], "B": ["X"]})


# ---- the importer: rows, cases, gaps ------------------------------------------------------------------------


def record(table: str, **extra) -> dict:
    """An invented portal record (our own text) with a flattened channel table."""
    return {
        "ma_thu_tuc": "1.900101",
        "ten_thu_tuc": "Đăng ký lưu trú thử nghiệm",
        "linh_vuc": "Đăng ký, quản lý cư trú",
        "co_quan_thuc_hien": "Công an xã",
        "cach_thuc_thuc_hien": importer.TABLE_HEADER + table,
        "thanh_phan_ho_so": importer.DOCS_HEADER + "Tờ khai thay đổi thông tin cư trúMauCT01.docx1 bản chính",
        "trinh_tu_thuc_hien": "Bước 1: Nộp hồ sơ.",
        "can_cu_phap_ly": importer.LEGAL_HEADER + "Luật Cư trú68/2020/QH14",
        "ket_qua_xu_ly": "Xác nhận đăng ký",
        "detail_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/fixture-0101",
        **extra,
    }


def channel_fees(rec) -> dict:
    return {c["kind"]: c for c in rec.draft["channels"]}


def test_several_rows_of_a_channel_become_fee_cases_and_a_time_range():
    rec = importer.parse_record(
        record(
            "Trực tiếp3 Ngày làm việc15,000 Việt Nam Đồng(Cá nhân, hộ gia đình nộp tại trụ sở: 15.000 đồng/lần "
            "đăng ký)Đến trụ sở.Trực tiếp3 Ngày làm việc10,000 Việt Nam Đồng(Đăng ký theo danh sách: 10.000 "
            "đồng/người/lần đăng ký)Đến trụ sở.Trực tuyến2 Ngày làm việc7,000 Việt Nam Đồng(Cá nhân nộp qua cổng: "
            "7.000 đồng/lần đăng ký)Nộp trên cổng.Trực tuyến5 Ngày làm việc5,000 Việt Nam Đồng(Theo danh sách: "
            "5.000 đồng/người/lần đăng ký)Nộp trên cổng."
        )
    )
    ch = channel_fees(rec)
    fee = ch["truc_tiep"]["fee"]
    assert fee["kind"] == "cases"
    assert [(c["label"], c["fee"]["amount"], c["fee"]["per"]) for c in fee["cases"]] == [
        ("cá nhân, hộ gia đình", 15000, "registration"),
        ("đăng ký theo danh sách", 10000, "person"),
    ]
    online = ch["truc_tuyen_toan_trinh"]
    assert online["time_limit"] == {
        "unit": "working_days",
        "value": 2,
        "max_value": 5,
        "max_unit": "working_days",
        "max_condition": "đăng ký theo danh sách",
    }
    Procedure.model_validate(rec.draft)


def test_a_single_row_for_one_case_does_not_pass_for_everyones_fee():
    rec = importer.parse_record(
        record(
            "Trực tiếp3 Ngày làm việc10,000 Việt Nam Đồng(Đăng ký theo danh sách: 10.000 đồng/người/lần đăng "
            "ký)Đến trụ sở."
        )
    )
    fee = channel_fees(rec)["truc_tiep"]["fee"]
    assert fee["cases"][0]["label"] == "đăng ký theo danh sách"
    assert fee["cases"][1] == {"label": importer.OTHER_CASES, "fee": {"kind": "unknown"}}
    assert rec.gaps and rec.gaps[0].startswith(importer.FEE_ONE_CASE)
    rule = CasesFee.model_validate(fee)
    assert "chưa có thông tin" in describe_rule(rule).casefold() or "không rõ" in describe_rule(rule).casefold()


def test_fee_cases_describe_and_compute():
    rule = CasesFee.model_validate(
        {
            "kind": "cases",
            "cases": [
                {"label": "cá nhân, hộ gia đình", "fee": {"kind": "fixed", "amount": 15000, "per": "registration"}},
                {"label": "đăng ký theo danh sách", "fee": {"kind": "fixed", "amount": 10000, "per": "person"}},
            ],
        }
    )
    text = describe_rule(rule)
    assert "15.000" in text and "cá nhân, hộ gia đình" in text and "10.000 đồng/người" in text
    assert compute_fee(rule).amount == 15000  # the usual case first
    assert compute_fee(rule, case=1, quantity=4).amount == 40000


def test_province_keys_inside_cases_count_as_used(tmp_path, base_entry):
    entry = copy.deepcopy(base_entry)
    entry["channels"][0]["fee"] = {
        "kind": "cases",
        "cases": [
            {"label": "đăng ký đúng hạn", "fee": {"kind": "free"}},
            {"label": "đăng ký quá hạn", "fee": {"kind": "province", "key": "ho_tich.thu_nghiem_qua_han"}},
        ],
    }
    cur, imp = write_dirs(tmp_path, [entry], [])
    provinces = tmp_path / "provinces"
    provinces.mkdir()
    (provinces / "thu.yaml").write_text(
        yaml.safe_dump(
            {"name": "Thử", "fees": {"ho_tich.thu_nghiem_qua_han": {"kind": "fixed", "amount": 5000}}},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    assert validate(cur, provinces, imp) == []
    catalogue = load_catalogue(cur, "thu", provinces, imported_dir=imp)
    assert catalogue.fee(catalogue.get("1.001193"), case=1).amount == 5000


@pytest.mark.skipif(not SHARED_FILE.exists(), reason="shared portal crawl not present")
def test_import_of_the_shared_export(tmp_path):
    parsed = importer.import_file(SHARED_FILE, today=DAY)
    curated, _, _ = load_procedures(imported_dir=None)
    outcome = portal_import.build(parsed, curated_codes={p.national_code for p in curated}, today=DAY)
    print(outcome.summary())
    commune = len(outcome.commune)
    clean = sum(1 for r in outcome.commune if r.clean)
    assert 280 <= commune <= 295  # the UBND xã / Công an xã procedures of the export
    assert clean >= 200  # was 111 of 588 before rows, cases and gaps were told apart
    assert len(outcome.referral) == 25 and not outcome.new_fields
    assert len(outcome.entries) + len(outcome.curated) + len(outcome.refused) == commune
    for entry in outcome.entries:
        assert garbled(Procedure.model_validate(entry)) == []
        assert entry["field"] != "Đăng ký, quản lý cư trú"  # portal fields mapped to the catalogue's
    written = portal_import.write(outcome, tmp_path / "imported", source=SHARED_FILE.name, today=DAY)
    assert written and validate(imported_dir=tmp_path / "imported") == []


def test_a_new_portal_field_stops_the_import(tmp_path):
    src = tmp_path / "export.jsonl"
    rec = record("Trực tiếp3 Ngày làm việcMiễn phíĐến trụ sở.", linh_vuc="Lĩnh vực mới lạ")
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    outcome = portal_import.build(importer.import_file(src, today=DAY), curated_codes=set(), today=DAY)
    assert outcome.new_fields == {"Lĩnh vực mới lạ": ["1.900101"]}
    assert "fields.yaml" in outcome.summary()


# ---- the desk's name, the procedures a commune offers --------------------------------------------------------


def test_desk_name_is_filled_in(tmp_path, base_entry):
    entry = copy.deepcopy(base_entry)
    entry["submit_at"] = "{desk} của xã nơi cư trú"
    cur, imp = write_dirs(tmp_path, [entry], [])
    p = load_catalogue(cur, imported_dir=imp, desk_name="Bộ phận tiếp nhận và trả kết quả").get("1.001193")
    assert p.submit_at == "Bộ phận tiếp nhận và trả kết quả của xã nơi cư trú"
    default = load_catalogue(cur, imported_dir=imp).get("1.001193")
    assert default.submit_at.startswith("Trung tâm Phục vụ hành chính công")
    assert all("{desk}" not in p.model_dump_json() for p in load_catalogue())


def test_desk_name_is_filled_in_referral_answers():
    named = load_catalogue(desk_name="Bộ phận tiếp nhận và trả kết quả")
    assert all("{desk}" not in t.model_dump_json() for t in named.referrals)
    birth = next(t for t in named.referrals if t.id == "giay_chung_sinh")
    assert "Bộ phận tiếp nhận và trả kết quả của xã, phường không cấp" in birth.answer


def test_offered_list_file(tmp_path):
    f = tmp_path / "offered.txt"
    f.write_text("# Danh mục của tỉnh\n1.001193\n2.000815.000.00.00.H56  # chứng thực\n\n", encoding="utf-8")
    assert read_offered(f) == {"1.001193", "2.000815"}
    f.write_text("1.001193\nkhông phải mã\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="offered.txt:2"):
        read_offered(f)


def test_a_procedure_not_offered_is_answered_not_done_here(shipped):
    p = shipped.get("1.013225")
    reply = answers.answer(p, "documents", offered=False, commune="UBND xã Thử Nghiệm")
    assert reply.text.startswith(f"Thủ tục {answer_text.title(p)} không thực hiện tại UBND xã Thử Nghiệm")
    assert p.agency in reply.text and not reply.buttons


def test_the_api_serves_the_whole_catalogue(client):
    page = client.get("/api/procedures", params={"page_size": 100}).json()
    assert page["total"] >= 280
    fields = client.get("/api/fields").json()
    assert sum(f["count"] for f in fields) == page["total"] and len(fields) <= 32
    imported = next(p for p in load_catalogue() if p.imported)
    detail = client.get(f"/api/procedures/{imported.code}")
    assert detail.status_code == 200 and detail.json()["procedure"]["status"] == "imported"
    assert "Cổng Dịch vụ công quốc gia ngày" in detail.json()["notice"] and detail.json()["offered"]
