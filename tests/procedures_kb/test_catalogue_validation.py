"""Catalogue validation: the shipped catalogue is valid; each kind of mistake is reported."""

import copy
from pathlib import Path

import pytest
import yaml

from procedures_kb.catalogue import PROCEDURES_DIR, CatalogueError, load_catalogue, load_procedures, validate

FIELDS_REQUIRED = {"Hộ tịch", "Chứng thực", "Cư trú", "Bảo trợ xã hội", "Người có công", "Nuôi con nuôi", "Giảm nghèo"}


@pytest.fixture(scope="module")
def base_entry() -> dict:
    entries = yaml.safe_load((PROCEDURES_DIR / "ho_tich.yaml").read_text(encoding="utf-8"))
    return next(e for e in entries if e["code"] == "1.001193")


def write_catalogue(tmp_path: Path, entries: list[dict]) -> Path:
    d = tmp_path / "procedures"
    d.mkdir(parents=True)
    (d / "test.yaml").write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return d


def other(entry: dict, code: str, name: str, aliases: list[str]) -> dict:
    e = copy.deepcopy(entry)
    e.update(code=code, name=name, aliases=aliases)
    return e


def test_shipped_catalogue_is_valid_and_complete():
    assert validate() == []
    catalogue = load_catalogue()
    assert len(catalogue) >= 280
    fields = {p.field for p in catalogue}
    assert fields >= FIELDS_REQUIRED, FIELDS_REQUIRED - fields
    assert all(p.level.startswith("Cấp xã") for p in catalogue)
    assert all(p.source_url.startswith("https://") for p in catalogue)
    # unverified curated entries always say what was not verified (imported ones carry the portal notice)
    assert all(p.unverified_notes for p in catalogue if not p.verified and not p.imported)


def test_valid_minimal_catalogue(tmp_path, base_entry):
    d = write_catalogue(tmp_path, [base_entry])
    assert validate(d, tmp_path / "none") == []


def test_missing_field_is_reported(tmp_path, base_entry):
    e = copy.deepcopy(base_entry)
    del e["agency"]
    problems = validate(write_catalogue(tmp_path, [e]), tmp_path / "none")
    assert any("agency: missing field" in str(p) for p in problems), problems
    e = copy.deepcopy(base_entry)
    del e["documents"]  # an imported entry may have none; a curated one may not
    problems = validate(write_catalogue(tmp_path / "b", [e]), tmp_path / "none")
    assert any("lists its documents and steps" in str(p) for p in problems), problems


def test_unknown_code_format_is_reported(tmp_path, base_entry):
    e = other(base_entry, "1001193", base_entry["name"], base_entry["aliases"])
    problems = validate(write_catalogue(tmp_path, [e]), tmp_path / "none")
    assert any("unknown procedure code format" in str(p) for p in problems), problems


@pytest.mark.parametrize(
    "fee",
    [
        {"kind": "fixed", "amount": "hai nghìn"},
        {"kind": "per_page_tiered", "tiers": [{"from_page": 2, "amount": 1000}]},
        {"kind": "per_page_tiered", "tiers": [{"from_page": 1, "to_page": 2, "amount": 2000}]},
        {"kind": "percent", "rate": 3},
        "2.000 đồng/trang",
    ],
)
def test_fee_rule_that_does_not_parse_is_reported(tmp_path, base_entry, fee):
    e = copy.deepcopy(base_entry)
    e["channels"][0]["fee"] = fee
    problems = validate(write_catalogue(tmp_path, [e]), tmp_path / "none")
    assert any("channels.0.fee" in str(p) for p in problems), problems


def test_duplicate_codes_are_reported(tmp_path, base_entry):
    e2 = other(base_entry, "1.001193", "Đăng ký khai sinh (bản trùng)", ["khai sinh trùng"])
    problems = validate(write_catalogue(tmp_path, [base_entry, e2]), tmp_path / "none")
    assert any("duplicate code" in str(p) for p in problems), problems


def test_alias_pointing_at_two_procedures_is_reported(tmp_path, base_entry):
    # differs only by case and diacritics: still the same alias
    e2 = other(base_entry, "1.004884", "Đăng ký lại khai sinh", ["LAM GIAY KHAI SINH"])
    problems = validate(write_catalogue(tmp_path, [base_entry, e2]), tmp_path / "none")
    assert any("also points at 1.001193" in str(p) for p in problems), problems


def test_province_fee_that_does_not_parse_is_reported(tmp_path, base_entry):
    d = write_catalogue(tmp_path, [base_entry])
    prov = tmp_path / "provinces"
    prov.mkdir()
    (prov / "x.yaml").write_text("name: X\nfees:\n  ho_tich.a: {kind: fixed, amount: -5}\n", encoding="utf-8")
    problems = validate(d, prov)
    assert any("fee rule does not parse" in str(p) for p in problems), problems


def test_bad_yaml_and_load_errors(tmp_path, base_entry):
    d = tmp_path / "procedures"
    d.mkdir(parents=True)
    (d / "bad.yaml").write_text("- code: [unclosed\n", encoding="utf-8")
    assert any("not valid YAML" in str(p) for p in validate(d, tmp_path / "none"))
    with pytest.raises(CatalogueError):
        load_catalogue(d)
    with pytest.raises(CatalogueError, match="unknown province"):
        load_catalogue(province="atlantis")


def write_facts(tmp_path: Path, entries: list[dict]) -> Path:
    d = tmp_path / "facts"
    d.mkdir(parents=True, exist_ok=True)
    (d / "test.yaml").write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return d


def test_a_facts_file_adds_the_names_citizens_use_to_a_procedure(tmp_path, base_entry):
    d = write_catalogue(tmp_path, [base_entry])
    facts = write_facts(tmp_path, [{"code": "1.001193", "aliases": ["làm giấy tờ cho con mới đẻ"]}])
    procedures, problems, _ = load_procedures(d, None, facts_dir=facts)
    assert problems == []
    assert procedures[0].aliases == [*base_entry["aliases"], "làm giấy tờ cho con mới đẻ"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"code": "1.001193"}, "expected the key code with facts, aliases or both"),
        ({"code": "1.001193", "aliases": ["x"], "note": "?"}, "expected the key code with facts, aliases or both"),
        ({"code": "1.001193", "aliases": ["đi"]}, "at least 4 characters"),
        ({"code": "1.001193", "aliases": ["KHAI SINH"]}, "alias 'KHAI SINH' of 1.001193 is in its entry"),
    ],
)
def test_a_facts_files_aliases_are_checked(tmp_path, base_entry, entry, message):
    entry_ = copy.deepcopy(base_entry)
    entry_["aliases"] = ["khai sinh", "làm giấy khai sinh"]
    d = write_catalogue(tmp_path, [entry_])
    _, problems, _ = load_procedures(d, None, facts_dir=write_facts(tmp_path, [entry]))
    assert any(message in str(p) for p in problems), problems


def test_an_alias_from_a_facts_file_pointing_at_another_procedure_is_reported(tmp_path, base_entry):
    e2 = other(base_entry, "1.004884", "Đăng ký lại khai sinh", ["khai sinh lại"])
    d = write_catalogue(tmp_path, [base_entry, e2])
    facts = write_facts(tmp_path, [{"code": "1.004884", "aliases": [base_entry["aliases"][0]]}])
    _, problems, _ = load_procedures(d, None, facts_dir=facts)
    assert any("also points at 1.001193" in str(p) for p in problems), problems


@pytest.mark.parametrize(("ages", "ok"), [([70, 74], True), ([0, 5], True), ([75, 70], False), ([60, 130], False)])
def test_a_facts_ages_are_from_and_to(tmp_path, base_entry, ages, ok):
    fact = {
        "kind": "eligibility",
        "questions": ["người bao nhiêu tuổi thì được làm"],
        "answer": "Người trong độ tuổi này được làm thủ tục.",
        "basis": "Điều 1 Luật Thử",
        "ages": ages,
    }
    d = write_catalogue(tmp_path, [base_entry])
    procedures, problems, _ = load_procedures(
        d, None, facts_dir=write_facts(tmp_path, [{"code": "1.001193", "facts": [fact]}])
    )
    if ok:
        assert problems == [] and procedures[0].facts[-1].ages == tuple(ages)
    else:
        assert any("ages" in str(p) for p in problems), problems
