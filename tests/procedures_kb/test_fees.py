"""Fee rules: the pure calculation, and every national fee of the domain notes as the catalogue states it."""

import pytest

from procedures_kb import ChannelKind, load_catalogue
from procedures_kb.fees import FeeInputError, compute_fee, describe_rule, resolve_province
from procedures_kb.schema import FixedFee, FreeFee, ProvinceFee, TieredPerPageFee

COPY_RULE = TieredPerPageFee.model_validate(
    {
        "kind": "per_page_tiered",
        "tiers": [{"from_page": 1, "to_page": 2, "amount": 2000}, {"from_page": 3, "amount": 1000}],
        "cap_per_copy": 200000,
    }
)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.mark.parametrize(
    ("pages", "copies", "expected"),
    [
        (1, 1, 2000),
        (2, 1, 4000),
        (3, 1, 5000),
        (10, 1, 12000),
        (10, 3, 36000),
        (198, 1, 200000),  # exactly at the cap: 4.000 + 196 × 1.000
        (199, 1, 200000),  # above: capped per copy
        (300, 2, 400000),
    ],
)
def test_copy_certification_tiers_and_cap(pages, copies, expected):
    quote = compute_fee(COPY_RULE, pages=pages, copies=copies)
    assert quote.amount == expected


def test_copy_certification_explanation_in_vietnamese():
    quote = compute_fee(COPY_RULE, pages=10, copies=3)
    assert quote.explanation == (
        "Bản chính 10 trang. trang 1–2: 2 × 2.000 đồng = 4.000 đồng; trang 3–10: 8 × 1.000 đồng = 8.000 đồng. "
        "Mỗi bản: 12.000 đồng. 3 bản × 12.000 đồng = 36.000 đồng. Tổng cộng: 36.000 đồng."
    )
    capped = compute_fee(COPY_RULE, pages=250, copies=1)
    assert "chỉ thu tối đa 200.000 đồng/bản" in capped.explanation
    assert capped.formatted == "200.000 đồng"


def test_per_page_rule_needs_pages_and_sane_inputs():
    with pytest.raises(FeeInputError, match="số trang"):
        compute_fee(COPY_RULE)
    with pytest.raises(FeeInputError):
        compute_fee(COPY_RULE, pages=0)
    with pytest.raises(FeeInputError):
        compute_fee(COPY_RULE, pages=3, copies=0)


def test_fixed_per_copy_and_per_case():
    per_copy = FixedFee(kind="fixed", amount=8000, per="copy")
    assert compute_fee(per_copy, copies=3).amount == 24000
    assert compute_fee(per_copy, copies=3).explanation == "8.000 đồng/bản × 3 bản = 24.000 đồng."
    per_case = FixedFee(kind="fixed", amount=10000, per="case")
    assert compute_fee(per_case, copies=5).amount == 10000  # one case, whatever the copies
    assert compute_fee(per_case, quantity=2).amount == 20000


def test_exemption_gives_zero_with_reason():
    quote = compute_fee(FixedFee(kind="fixed", amount=50000), exempt_reason="người thuộc hộ nghèo")
    assert quote.amount == 0 and quote.exempt
    assert "hộ nghèo" in quote.explanation


def test_province_rule_uses_override_then_default_then_unknown():
    rule = ProvinceFee(kind="province", key="ho_tich.test", default=FixedFee(kind="fixed", amount=5000))
    assert compute_fee(rule).amount == 5000
    override = {"ho_tich.test": FixedFee(kind="fixed", amount=15000)}
    assert compute_fee(rule, province_fees=override).amount == 15000
    assert "mức do tỉnh quy định" in compute_fee(rule, province_fees=override).explanation
    bare = ProvinceFee(kind="province", key="ho_tich.other")
    unknown = compute_fee(bare)
    assert unknown.amount is None and unknown.formatted == "chưa xác định"
    assert "Hội đồng nhân dân tỉnh" in unknown.explanation
    assert resolve_province(bare, {"ho_tich.other": FreeFee(kind="free")}).kind == "free"


def test_describe_rule():
    assert describe_rule(COPY_RULE) == (
        "2.000 đồng/trang (trang 1–2); 1.000 đồng/trang (từ trang thứ 3 trở đi); tối đa 200.000 đồng/bản"
    )
    assert describe_rule(FixedFee(kind="fixed", amount=50000, per="transaction")) == "50.000 đồng/giao dịch"


# ---- the catalogue states every national fee of the domain notes ------------------------------


@pytest.mark.parametrize(
    ("code", "inputs", "expected"),
    [
        ("2.000815", {"pages": 10, "copies": 1}, 12000),  # chứng thực bản sao từ bản chính
        ("2.000815", {"pages": 1, "copies": 1}, 2000),
        ("2.000942", {"pages": 10, "copies": 3}, 36000),  # bản sao giao dịch đã chứng thực: same tiers
        ("2.000884", {}, 10000),  # chứng thực chữ ký, per case
        ("2.001035", {}, 50000),  # hợp đồng, giao dịch
        ("2.000913", {}, 30000),  # sửa đổi, bổ sung, hủy bỏ giao dịch
        ("2.000927", {}, 25000),  # sửa lỗi sai sót trong giao dịch
        ("2.001019", {}, 50000),  # di chúc
        ("2.001406", {}, 50000),  # văn bản phân chia di sản
        ("2.001016", {}, 50000),  # văn bản từ chối nhận di sản
        ("2.000635", {"copies": 1}, 8000),  # bản sao trích lục / bản sao Giấy khai sinh
        ("2.000635", {"copies": 3}, 24000),
        ("1.001193", {}, 0),  # khai sinh đúng hạn
        ("1.000656", {}, 0),  # khai tử đúng hạn
        ("1.000894", {}, 0),  # kết hôn
        ("1.004837", {}, 0),  # giám hộ
    ],
)
def test_national_fees_in_catalogue(catalogue, code, inputs, expected):
    procedure = catalogue.get(code)
    assert procedure is not None, code
    assert catalogue.fee(procedure, **inputs).amount == expected


@pytest.mark.parametrize(
    ("code", "in_person", "online"),
    [
        ("1.004222", 20000, 10000),  # thường trú
        ("1.004194", 15000, 7000),  # tạm trú, cá nhân / hộ gia đình (TT 75/2022; audit (d) #1)
        ("1.002755", 15000, 7000),  # gia hạn tạm trú (audit (d) #2)
    ],
)
def test_residence_fees_differ_by_channel(catalogue, code, in_person, online):
    procedure = catalogue.get(code)
    assert catalogue.fee(procedure, ChannelKind.IN_PERSON).amount == in_person
    online_channel = procedure.channel(ChannelKind.ONLINE_FULL) or procedure.channel(ChannelKind.ONLINE_PARTIAL)
    assert online_channel is not None
    assert catalogue.fee(procedure, online_channel.kind).amount == online


def test_civil_status_fees_list_the_article_11_exemption(catalogue):
    for procedure in catalogue:
        # 2.000635's 8.000 đ is a phí for a copy, not a hộ tịch lệ phí: its record lists no exemption (audit (d) #10).
        if procedure.field == "Hộ tịch" and not procedure.imported and procedure.code != "2.000635":
            text = " ".join(e.who for e in procedure.fee_exemptions).lower()
            assert "hộ nghèo" in text and "khuyết tật" in text, procedure.code


def test_province_overrides_are_selected_by_configuration():
    plain = load_catalogue()
    thanh_hoa = load_catalogue(province="thanh-hoa")
    province_keyed = [
        (p, ch) for p in thanh_hoa for ch in p.channels if isinstance(ch.fee, ProvinceFee) and ch.fee.default is None
    ]
    assert province_keyed, "the catalogue has province-set fees"
    configured = thanh_hoa.province.fees
    assert any(ch.fee.key in configured for _, ch in province_keyed)
    for procedure, channel in province_keyed:
        amount = thanh_hoa.fee(procedure, channel.kind).amount
        # an amount exactly where the province file sets one; elsewhere "ask at the desk", never a guess
        assert (amount is not None) == (channel.fee.key in configured), procedure.code
        assert plain.fee(procedure, channel.kind).amount is None
