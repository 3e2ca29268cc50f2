"""Answering the question asked: the question inside a story, facts ranked with the card's aspects, referral
topics, two procedures in one message, "mất" read by its object, and the replies built from them."""

from __future__ import annotations

import pytest

from kiosk_api.domain import answers, buttons, qa, referrals, replies
from kiosk_api.domain.asking import focus
from kiosk_api.domain.cues import detect_aspects
from kiosk_api.domain.rankers import SmoothBM25
from kiosk_api.domain.resolve import Band, getting_again, procedures_named_in, resolve
from kiosk_api.services.chat import fallback_answer
from procedures_kb.catalogue import Catalogue, load_catalogue
from procedures_kb.schema import Fact, FactKind, ReferralTopic

DEADLINE = Fact(
    kind=FactKind.DEADLINE,
    questions=["sinh con bao lâu thì phải đi khai sinh", "quá hạn khai sinh cho con có sao không"],
    answer="Cha mẹ đăng ký khai sinh cho con trong 60 ngày kể từ ngày sinh.",
    basis="Điều 15 Luật Hộ tịch 2014",
)
PROXY = Fact(
    kind=FactKind.PROXY,
    questions=["ông bà đi khai sinh cho cháu được không", "nhờ người khác đi làm khai sinh hộ được không"],
    answer="Được, ông bà hoặc người thân khác có thể đi đăng ký khai sinh cho cháu.",
    basis="Điều 2 Thông tư 04/2020/TT-BTP",
)
PASSPORT = ReferralTopic(
    id="ho_chieu",
    topic="Cấp hộ chiếu phổ thông",
    aliases=["làm hộ chiếu", "xin hộ chiếu", "passport"],
    agency="Công an tỉnh (Phòng Quản lý xuất nhập cảnh)",
    where="Phòng Quản lý xuất nhập cảnh Công an tỉnh",
    online="Cổng Dịch vụ công Bộ Công an",
    answer="Xã không cấp hộ chiếu; ông/bà làm tại Phòng Quản lý xuất nhập cảnh Công an tỉnh hoặc trực tuyến.",
    basis="Luật Xuất cảnh, nhập cảnh của công dân Việt Nam 2019",
)


@pytest.fixture(scope="module")
def small() -> Catalogue:
    base = load_catalogue()
    procedures = [
        p.model_copy(update={"facts": [DEADLINE, PROXY]}) if p.code == "1.001193" else p.model_copy()
        for p in base.procedures
        if p.field in ("Hộ tịch", "Cư trú")
    ]
    return Catalogue(procedures=procedures, referrals=[PASSPORT])


@pytest.mark.parametrize("ranker", ["bm25", "rapidfuzz"])
def test_a_fact_beats_the_aspects_when_it_is_what_is_asked(small, ranker):
    index = qa.QuestionIndex(small, ranker)
    birth = small.get("1.001193")
    chosen = index.choose(birth, "con em sinh được 2 tháng rồi, quá hạn khai sinh có sao không ạ")
    assert chosen is not None and chosen.fact == DEADLINE
    chosen = index.choose(birth, "ông bà nội đi khai sinh cho cháu được không")
    assert chosen is not None and chosen.fact == PROXY
    chosen = index.choose(birth, "làm khai sinh cần giấy tờ gì")
    assert chosen is not None and chosen.aspect == "documents"


def test_nothing_clearly_asked_gives_no_choice(small):
    assert qa.index_for(small).choose(small.get("1.001193"), "khai sinh") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Năm ngoái tôi đi làm ăn xa. Vợ tôi sinh cháu ở quê. Giờ về thì đi khai sinh ở đâu?", "giờ về thì"),
        ("đăng ký khai sinh cần gì", "đăng ký khai sinh cần gì"),
        ("Cháu bị ốm. Mẹ cháu đi vắng. Ông bà làm giấy khai sinh cho cháu được không", "ông bà làm"),
        # a question made only of asking words says what it asks about in the sentence before, however long
        (
            "Nhà tôi ở thôn Đông. Cán bộ bảo hồ sơ xin xét hộ cận nghèo của tôi bị loại vì nhà có xe máy và ti vi mới"
            " mua năm ngoái. Như vậy có đúng không?",
            "bị loại vì nhà có xe máy",
        ),
    ],
)
def test_focus_finds_the_question_in_a_story(text, expected):
    assert expected.lower() in focus(text).lower()
    assert len(focus(text)) <= len(text)


def test_referral_topics_are_found_by_their_names(small):
    found = qa.index_for(small).referral("cho hỏi làm hộ chiếu ở đâu ạ")
    assert found is not None and found[0].id == "ho_chieu"
    assert qa.index_for(small).referral("đăng ký khai sinh cần gì") is None
    text = referrals.referral_topic_text(PASSPORT)
    assert text.startswith("Xã không cấp hộ chiếu") and "Phòng Quản lý xuất nhập cảnh" in text


def test_a_fact_reply_starts_with_the_answer_then_the_card(small):
    reply = replies.reply_about(small, small.get("1.001193"), "overview", "sinh con bao lâu phải đi khai sinh")
    assert reply.fact
    lines = reply.answer.text.splitlines()
    assert lines[0].startswith("Cha mẹ đăng ký khai sinh cho con trong 60 ngày")
    assert "(Căn cứ: Điều 15 Luật Hộ tịch 2014.)" in lines[0]
    assert lines[1] == "Thủ tục Đăng ký khai sinh:"
    assert [line.split(":")[0] for line in lines[2:6]] == ["• Giấy tờ", "• Lệ phí", "• Thời hạn", "• Nơi nộp"]
    assert reply.answer.buttons  # the card's aspects


def test_two_long_answers_keep_the_procedures_name_when_the_card_has_no_room(small):
    long_ = [DEADLINE.model_copy(update={"answer": "Cha mẹ đăng ký khai sinh cho con. " * 11}), PROXY]
    long_[1] = PROXY.model_copy(update={"answer": "Ông bà hoặc người thân có thể đi thay. " * 10})
    text = answers.fact_text(small.get("1.001193"), long_)
    lines = text.splitlines()
    assert lines[0].startswith("Cha mẹ") and lines[0].endswith("(Căn cứ: Điều 15 Luật Hộ tịch 2014.)")
    assert lines[1].endswith("(Căn cứ: Điều 2 Thông tư 04/2020/TT-BTP.)")  # neither answer is cut
    assert lines[2] == "Thủ tục Đăng ký khai sinh:"
    assert not any(line.startswith("• ") for line in lines)


def test_the_wording_of_an_aspect_overrides_the_nlu_guess(small):
    reply = replies.reply_about(small, small.get("1.001193"), "documents", "khai sinh mất bao lâu thì có")
    assert not reply.fact and reply.aspect is buttons.Aspect.TIME


def test_two_procedures_named_in_one_message():
    catalogue = load_catalogue()
    r = resolve(catalogue, "khai tử cho bố và xóa thường trú thì làm thế nào")
    assert r.band is Band.CONFIDENT
    assert {r.procedure.code, r.also.code} == {"1.000656", "1.003197"}
    assert resolve(catalogue, "đăng ký kết hôn cần gì").also is None


@pytest.mark.parametrize(
    ("text", "not_code"),
    [
        ("ông nội mất ở quê", "1.002759"),  # a death, not a lost social-insurance book
        ("mất sổ bảo hiểm xã hội làm lại ở đâu", "1.000656"),  # a lost paper, not a death
    ],
)
def test_mat_is_read_by_its_object(text, not_code):
    catalogue = load_catalogue()
    hits = catalogue.search(text, limit=1)
    assert not hits or hits[0].procedure.code != not_code


def test_mat_before_an_amount_is_what_it_takes_but_before_a_date_it_is_not():
    index = load_catalogue().search_index
    assert "mat" not in index.normalise_query("làm sổ đỏ mất 30 ngày à")  # "it takes": a question word
    assert "mat" not in index.normalise_query("có mất tiền không")
    # "mất tuần trước" is when someone died, not an amount of time: the word stays for the death's procedures
    assert "mat" in index.normalise_query("bố em là thương binh, mất tuần trước")


def test_a_lost_paper_is_about_getting_it_again():
    catalogue = load_catalogue()
    assert catalogue.search_index.normalise_query("bị mất giấy khai sinh")[-2:] == ["cap", "lai"]
    assert "mat" not in catalogue.search_index.normalise_query("bố tôi mất rồi")
    assert "mat" not in catalogue.search_index.normalise_query("mất bao lâu")  # "it takes"
    # other words for a lost or spoilt paper are read the same way; a fire or a flood alone is not a paper
    for text in ("giấy khai sinh bị thất lạc", "sổ hộ khẩu cũ bị cháy", "giấy chứng nhận bị rách nát"):
        assert {"cap", "lai"} <= set(catalogue.search_index.normalise_query(text)), text
    assert "cap" not in catalogue.search_index.normalise_query("nhà bị cháy có được hỗ trợ không")


def test_a_procedure_and_a_referral_both_named_are_both_answered():
    catalogue = load_catalogue()
    text = "đăng ký kết hôn xong thì làm hộ chiếu ở đâu"
    r = replies.resolve_message(catalogue, text)
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.000894" and r.referral == "ho_chieu"
    reply = fallback_answer(catalogue, "UBND xã Thử Nghiệm", text).answer.text
    assert reply.startswith("Thủ tục Đăng ký kết hôn") and "Phòng Quản lý xuất nhập cảnh" in reply
    # the procedure only guessed, the referral said word for word: the referral alone
    guessed = replies.resolve_message(catalogue, "mở công ty thì đăng ký ở đâu")
    assert guessed.procedure is None and guessed.referral == "dang_ky_doanh_nghiep"


def test_a_procedure_named_beside_a_referral_is_answered_with_it():
    catalogue = load_catalogue()
    # the vehicle registration is not named word for word, but the rest of the message, without the driving
    # licence's words, names it alone: both are answered, the procedure first
    text = "con tôi sắp thi bằng lái xe máy, rồi còn đăng ký cái xe mới mua nữa, làm ở đâu vậy"
    r = replies.resolve_message(catalogue, text)
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.013067" and r.referral == "giay_phep_lai_xe"
    reply = fallback_answer(catalogue, "UBND xã Thử Nghiệm", text).answer.text
    assert "Công an xã" in reply and reply.index("Công an xã") < reply.index("Cảnh sát giao thông")
    # the rest names nothing by itself: the referral alone
    alone = replies.resolve_message(catalogue, "muốn thi bằng lái xe máy thì đăng ký ở đâu")
    assert alone.procedure is None and alone.referral == "giay_phep_lai_xe"


def test_a_message_saying_it_asks_two_things_gets_the_second_from_the_rest():
    catalogue = load_catalogue()
    # the shop is not named whole, but the message says there are two things: the rest, without the residence's
    # name, names the household business
    text = "Vợ tôi mới về làm dâu, muốn nhập khẩu cho vợ vào nhà tôi và mở tiệm cắt tóc cho vợ. Hai việc này làm ở đâu?"
    r = replies.resolve_message(catalogue, text)
    assert r.procedure.code == "1.004222" and r.also is not None and r.also.code == "1.001612"
    assert replies.resolve_message(catalogue, text.replace("Hai việc này làm", "Làm")).also is None
    # the rest names something the commune does not do: the referral, not a vehicle procedure for "lái xe"
    r = replies.resolve_message(catalogue, "mất ví, trong đó có thẻ căn cước và bằng lái xe, làm lại 2 cái này ở đâu")
    assert r.procedure.code == "1.014064" and r.also is None and r.referral == "giay_phep_lai_xe"
    assert replies.asks_two_things("lam chung 1 cho dc ko") and not replies.asks_two_things("hai vợ chồng tôi")
    # "làm luôn", "tiện thể", "đồng thời" also say a second thing is asked
    r = replies.resolve_message(catalogue, "đăng ký tạm trú cho con rồi làm luôn căn cước cho con thì làm thế nào")
    assert r.procedure.code == "1.004194" and r.also is not None and r.also.code != r.procedure.code
    assert replies.asks_two_things("tien the xin luon ban sao") and replies.asks_two_things("dong thoi dang ky xe")
    assert not replies.asks_two_things("tôi làm ở xã này lâu rồi")


def test_a_question_asking_which_papers_lists_them_before_a_fact_it_touches():
    catalogue = load_catalogue()
    land = catalogue.get("1.013978")  # sổ đỏ lần đầu
    text = "Xin cấp sổ đỏ lần đầu thì phải chuẩn bị giấy tờ gì ạ?"
    choice = qa.index_for(catalogue).choose(land, text)
    assert choice.aspect == "documents" and choice.fact is not None  # a fact matches loosely ("giấy tờ gì")
    reply = fallback_answer(catalogue, "UBND xã Thử Nghiệm", text).answer.text
    assert reply.startswith("Thủ tục Đăng ký đất đai") and "giấy tờ cần chuẩn bị:\n1. Đơn đăng ký đất đai" in reply
    assert f"Hỏi thêm «{choice.fact.questions[0]}»" in reply
    assert reply.index("2. Giấy tờ về quyền sử dụng đất") < reply.index("Hỏi thêm")
    # papers named in a question that asks something else: the fact answers first
    other = "Người yêu tôi đi làm xa chưa về, tôi mang giấy tờ hai đứa lên xã đăng ký kết hôn một mình có được không?"
    assert not fallback_answer(catalogue, "UBND xã Thử Nghiệm", other).answer.text.startswith("Thủ tục")


def test_the_age_a_message_states_picks_the_fact_about_that_age():
    catalogue = load_catalogue()
    index = qa.index_for(catalogue)
    pension = catalogue.get("1.014027")  # trợ cấp hưu trí xã hội: from 75, or from 70 in a poor household
    younger = index.choose(pension, "ông nhà tôi 71 tuổi, không có lương hưu, có được trợ cấp hưu trí xã hội không")
    assert younger is not None and younger.fact.ages == (70, 74)
    older = index.choose(pension, "ông nhà tôi 79 tuổi, không có lương hưu, có được trợ cấp hưu trí xã hội không")
    assert older is not None and older.fact.ages == (75, 120)
    assert all(f.fits_age(79) for f in older.facts)
    card = catalogue.get("1.014062")  # căn cước under 14: a child under 6 is not taken to the police
    assert index.choose(card, "làm căn cước cho cháu 9 tuổi có phải dẫn cháu đi không").fact.ages == (6, 13)
    assert index.choose(card, "làm căn cước cho cháu 4 tuổi có phải dẫn cháu đi không").fact.ages == (0, 5)


def test_a_referral_said_in_full_answers_before_a_loose_fact():
    catalogue = load_catalogue()
    # no procedure is sure; "đăng kiểm" and "ô tô" are both said: the inspection centres, not a vehicle fact
    text = "Xe ô tô nhà em sắp hết hạn, giờ không còn huyện thì đi đăng kiểm ở công an xã được không?"
    r = replies.resolve_message(catalogue, text)
    assert r.procedure is None and r.referral == "dang_kiem"


def test_the_one_candidate_is_answered_when_its_fact_is_asked_nearly_word_for_word():
    catalogue = load_catalogue()
    text = "Tôi định nghỉ bán một thời gian rồi mở lại. Báo tạm ngừng kinh doanh phải báo trước bao lâu?"
    r = replies.resolve_message(catalogue, text)
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.001570"


def test_two_aspects_asked_are_both_answered():
    catalogue = load_catalogue()
    assert detect_aspects("tach ho het bao lau, mat bao nhieu tien") == ["time", "fee"]
    assert detect_aspects("mất bao nhiêu ngày thì xong") == ["time"]  # "bao nhiêu" is part of the time question
    reply = fallback_answer(catalogue, "UBND xã Thử Nghiệm", "tach ho het bao lau, mat bao nhieu tien").answer.text
    assert "thời hạn giải quyết" in reply and "lệ phí" in reply
    assert reply.index("thời hạn giải quyết") < reply.index("lệ phí")


def test_a_referral_answered_between_candidates_is_the_one_named_in_full():
    catalogue = load_catalogue()
    # "ly hôn" is said in full; the unaccented "ho" of "đổi họ" must not turn it into the passport topic
    r = replies.resolve_message(catalogue, "ly hon roi, doi ho cho con tu ho bo sang ho me dc ko")
    assert r.referral != "ho_chieu"


def test_another_procedures_fact_asked_nearly_word_for_word_answers_an_unsure_guess():
    catalogue = load_catalogue()
    # ("ruộng lúa … trồng cây ăn quả" now names 1.008004 by an alias: this wording leaves the names unsure)
    text = "đất ruộng muốn chuyển sang trồng cây ăn quả có phải xin phép xã không"
    assert resolve(catalogue, text).band is Band.UNSURE  # the names alone leave it unsure
    r = replies.resolve_message(catalogue, text)
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.008004"  # chuyển đổi cơ cấu cây trồng trên đất lúa


def test_a_lost_paper_asked_again_is_the_procedure_that_issues_it_again():
    catalogue = load_catalogue()
    text = "Giấy xác nhận khuyết tật của mẹ tôi bị ướt rách hết. Giờ xin cấp lại thì làm ở đâu?"
    r = replies.resolve_message(catalogue, text)
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.001653"  # Đổi, cấp lại Giấy xác nhận khuyết tật
    # the NLU's hint (the paper's name picked up: Xác định mức độ khuyết tật) does not decide before it
    assert replies.resolve_message(catalogue, text, hint="1.001699").procedure.code == "1.001653"
    # the loss told before, the question about something else: the question part does not ask for it again
    candidates = resolve(catalogue, "mất thẻ căn cước thì chứng thực chữ ký được không").candidates
    assert getting_again(catalogue, "không có thẻ thì có chứng thực chữ ký được không?", candidates) is None
    assert getting_again(catalogue, "mất thẻ căn cước thì xin cấp lại ở đâu", candidates).code == "1.014064"
    # the paper asked for again must be the candidate's own: a birth notice is not an identity certificate
    text = "Giấy chứng sinh của cháu bị thất lạc trước khi đi làm khai sinh. Xã có cấp lại giấy chứng sinh không?"
    candidates = resolve(catalogue, text).candidates
    assert "1.014068" in {c.code for c in candidates}  # Cấp lại giấy chứng nhận căn cước: "giấy chứng … thất lạc"
    assert getting_again(catalogue, text, candidates) is None


def test_a_fact_close_behind_a_card_aspect_answers_but_never_another_aspects_fact():
    catalogue = load_catalogue()
    say = lambda text: fallback_answer(catalogue, "UBND xã Thử Nghiệm", text).answer.text  # noqa: E731
    # "trong bao lâu" asks the time, but what is asked is the right to contest: that fact, with the card after it
    reply = say("Xã ra quyết định giải quyết tranh chấp đất mà tôi không đồng ý. Tôi còn quyền gì và trong bao lâu?")
    assert "30 ngày" in reply and "khiếu nại" in reply
    # the time asked plainly: the time, not a fact about money that happens to match the story
    reply = say("Nộp hồ sơ làm sổ đỏ lần đầu lâu quá chưa xong. Theo quy định thì bao lâu phải xong?")
    assert "thời hạn giải quyết" in reply.split("\n")[0] or "20 ngày" in reply.split("\n")[0]


@pytest.mark.parametrize("text", ["làm căn cước có mất phí không", "lam can cuoc lan dau co phai nop le phi ko"])
def test_a_question_clearly_about_the_fee_is_never_answered_by_a_fact_that_speaks_of_no_money(text):
    # "có phải … không" also asks whether one must do it: the fact "Có. Công dân từ đủ 14 tuổi bắt buộc …" is close
    # Without an age, asking which card is meant (from 14, under 14, again) is a right answer too: the fees differ.
    reply = fallback_answer(load_catalogue(), "UBND xã Thử Nghiệm", text).answer.text
    first = reply.split("\n")[0]
    assert ("lệ phí" in first or "muốn hỏi thủ tục nào" in first) and "bắt buộc" not in reply, reply


def test_a_common_words_weight_changes_smoothly_with_how_many_questions_hold_it():
    # "có" in a little more or a little less than half of the questions: about the same weight, never below zero
    def weight(holding: int, total: int = 100) -> float:
        docs = [["co", f"w{i}"] if i < holding else [f"w{i}"] for i in range(total)]
        return SmoothBM25(docs).idf["co"]

    assert 0 < weight(51) < weight(49) < weight(51) * 1.2
    assert weight(10) > weight(49)


def test_a_referral_needs_its_words_not_the_same_letters_nor_one_word_said_many_times():
    catalogue = load_catalogue()
    index = qa.index_for(catalogue)
    # "thống nhất" is not "Nhật"; "việc … việc … việc" does not stand for "đi làm việc ở Hàn Quốc"
    story = (
        "Mẹ em mới mất, mẹ đứng tên sổ đỏ. Bố và 3 anh em thống nhất để bố đứng tên hết. Giờ nhà em phải làm những "
        "việc gì, việc nào làm ở xã được, việc nào phải đi chỗ khác?"
    )
    assert index.referral_covered(story) is None
    found = index.referral(story)
    assert found is None or found[0].id != "xuat_khau_lao_dong"
    assert index.referral_covered("con đi làm việc ở Nhật thì làm giấy tờ gì").id == "xuat_khau_lao_dong"


def test_without_rasa_two_procedures_named_are_both_answered_too():
    catalogue = load_catalogue()
    reply = fallback_answer(
        catalogue, "UBND xã Thử Nghiệm", "làm khai tử cho bố và xóa thường trú thì làm thế nào"
    ).answer
    assert "khai tử" in reply.text.lower() and "thường trú" in reply.text.lower()
    payloads = " ".join(b.payload for b in reply.buttons)
    assert "1.000656" in payloads and "1.003197" in payloads  # a button for each procedure


def test_a_referral_told_only_in_the_story_does_not_answer_in_place_of_the_question():
    catalogue = load_catalogue()
    story = (
        "Tôi đã ly hôn từ năm ngoái theo bản án của tòa, được giao nuôi đứa con gái 7 tuổi, bố cháu không hề cấp "
        "dưỡng. Giờ tôi muốn đổi họ cho con theo họ mẹ thì làm thế nào?"
    )
    r = replies.resolve_message(catalogue, story)
    # the divorce is the story, the name change the question: it is answered (the court's part may follow it)
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.004859"  # thay đổi, cải chính hộ tịch
    assert replies.resolve_message(catalogue, "ly hôn thì nộp đơn ở đâu").referral == "ly_hon"


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("cháu nó được 60 ngày kể từ hôm sinh rồi, có sao không", DEADLINE),
        ("dì của cháu là người thân thì có thể đi thay không", PROXY),
    ],
)
def test_a_question_worded_unlike_the_facts_questions_is_answered_by_the_fact_whose_answer_holds_its_words(
    small, text, fact
):
    # "60 ngày kể từ" and "người thân" are words of the facts' answers, not of their questions.
    index = qa.QuestionIndex(small)
    birth = small.get("1.001193")
    chosen = index.choose(birth, text)
    assert chosen is not None and chosen.fact == fact
    # the answers only choose among the procedure's facts; how well its questions match stays the questions' own
    assert index.best_fact_score(birth, text) < qa.FACT_THRESHOLD


def test_a_fact_that_sends_the_citizen_on_offers_that_procedure_first():
    catalogue = load_catalogue()
    birth = catalogue.get("1.001193")
    onward = Fact(
        kind=FactKind.NEXT,
        questions=["làm khai sinh xong thì làm gì tiếp cho con"],
        answer="Trong 60 ngày sau khi khai sinh, cha mẹ làm đăng ký thường trú cho con ở Công an xã.",
        basis="Khoản 2 Điều 7 Nghị định 154/2024/NĐ-CP",
    )
    named = [p.code for p in procedures_named_in(catalogue, onward.answer, birth)]
    assert named == ["1.004222"]
    reply = answers.answer(birth, "overview", fact=onward, related=procedures_named_in(catalogue, onward.answer, birth))
    assert reply.buttons[0].title == "Đăng ký thường trú" and "1.004222" in reply.buttons[0].payload
    assert len(reply.buttons) == buttons.MAX_BUTTONS
    # a paper or a status named in passing is not a procedure to go on to; nor is the procedure itself
    assert procedures_named_in(catalogue, "Mang theo giấy chứng nhận kết hôn và giấy khai sinh của con.", birth) == []
    assert procedures_named_in(catalogue, "Hộ cận nghèo được hỗ trợ; đăng ký khai sinh đúng hạn.", birth) == []


@pytest.mark.parametrize(
    ("first", "second", "both"),
    [(0.8, 0.42, True), (0.8, 0.38, False), (1.0, 0.55, False), (1.2, 0.9, True)],
)
def test_a_second_fact_is_given_when_close_enough_behind_the_first(small, monkeypatch, first, second, both):
    index = qa.QuestionIndex(small)
    ranked = [(qa.Choice(fact=PROXY, score=first), first), (qa.Choice(fact=DEADLINE, score=second), second)]
    monkeypatch.setattr(index, "rank", lambda procedure, text: ranked)
    chosen = index.choose(small.get("1.001193"), "ông bà đi khai sinh cho cháu được không, quá hạn thì sao")
    assert chosen is not None and chosen.facts == ([PROXY, DEADLINE] if both else [PROXY])


def test_a_lost_paper_named_word_for_word_is_found_by_any_of_its_names():
    catalogue = load_catalogue()
    index = catalogue.search_index
    # a lost paper adds "cấp lại" for the search; a name looked for word for word is read without it
    assert index.normalise_query("mất hộ chiếu")[-2:] == ["cap", "lai"]
    assert index.normalise_query("mất hộ chiếu", phrase=True) == ["mat", "ho", "chieu"]
    text = "Tôi làm mất hộ chiếu ở nhà. Tôi phải trình báo mất ở đâu trước khi làm hộ chiếu mới?"
    r = replies.resolve_message(catalogue, text)
    # the procedure (Trình báo mất hộ chiếu, named "mất hộ chiếu") and the referral (làm hộ chiếu) are both answered
    assert r.band is Band.CONFIDENT and r.procedure.code == "1.010386" and r.referral == "ho_chieu"


def test_bm25_scores_from_postings_are_rank_bm25s(small):
    ranker = qa.QuestionIndex(small).ranker
    ids = list(range(len(ranker.docs)))
    for doc in ranker.docs[:40]:
        query = [*doc, "khai", "sinh", "khai"]  # repeated words count each time, as in rank_bm25
        expected = ranker._bm25.get_batch_scores(query, ids)
        assert ranker._raw(query, ids) == pytest.approx(list(expected), abs=1e-9)


def test_no_name_and_two_procedures_facts_alike_ask_which_rather_than_not_found():
    base = load_catalogue()
    same = Fact(
        kind=FactKind.PROXY,
        questions=["đi làm ăn xa có nhờ người thân làm thay được không"],
        answer="Được, người thân mang giấy tờ và văn bản ủy quyền đến nộp thay.",
        basis="Điều 2 Thông tư 04/2020/TT-BTP",
    )
    procedures = [
        p.model_copy(update={"facts": [same]}) if p.code in ("1.001193", "1.000656") else p.model_copy()
        for p in base.procedures
        if p.field == "Hộ tịch"
    ]
    catalogue = Catalogue(procedures=procedures, referrals=[])
    text = "em đi làm ăn xa, có nhờ người thân làm thay được không ạ"
    assert resolve(catalogue, text).band is Band.LOST
    r = replies.resolve_message(catalogue, text)
    assert r.band is Band.UNSURE and {c.code for c in r.candidates} == {"1.001193", "1.000656"}
    # a message no fact answers well stays "not found"
    assert replies.resolve_message(catalogue, "cho em hỏi cái này với").band is Band.LOST


class _Weighed:
    """A question index whose facts_anywhere gives set scores: by words, and by words and meaning."""

    def __init__(self, by_words: list[tuple[str, float]], by_meaning: list[tuple[str, float]]) -> None:
        self.by_words, self.by_meaning = by_words, by_meaning

    def facts_anywhere(self, text: str, limit: int = 3, *, meaning: bool = False) -> list[tuple[str, float]]:
        return (self.by_meaning if meaning else self.by_words)[:limit]


@pytest.mark.parametrize(
    ("by_words", "by_meaning", "answered"),
    [
        ([("1.004859", 0.8), ("1.010039", 0.65)], [("1.004859", 1.3), ("1.010039", 1.2)], True),  # words lead
        ([("1.004859", 0.78), ("1.010039", 0.72)], [("1.004859", 1.4), ("1.010039", 1.2)], True),  # meaning leads
        ([("1.004859", 0.78), ("1.010039", 0.72)], [("1.004859", 1.4), ("1.010039", 1.35)], False),  # neither
        ([("1.004859", 0.78), ("1.010039", 0.72)], [("1.010039", 1.4), ("1.004859", 1.2)], False),  # they disagree
        ([("1.004859", 0.78), ("1.010039", 0.77)], [("1.004859", 1.6), ("1.010039", 1.2)], False),  # a tie in words
    ],
)
def test_a_fact_question_names_the_procedure_when_words_or_meaning_lead(catalogue, by_words, by_meaning, answered):
    lost = replies.Resolution(Band.LOST, None, [])
    r = replies._by_fact_question(catalogue, _Weighed(by_words, by_meaning), "đổi tên cho con", lost)
    assert (r is not None and r.procedure.code == "1.004859") if answered else r is None


def test_an_unmarked_word_takes_the_reading_its_neighbour_gives_it():
    index = qa.index_for(load_catalogue())
    said = index.query("co phai dk them nganh ko")  # "dk" is "đăng ký": not "dạng" (of "dạng khuyết tật")
    assert {"đăng", "ký"} <= set(said) and "dạng" not in said
    assert "dạng" in index.query("dang nao")  # a word the index never saw beside its neighbour keeps every form


def test_a_page_count_says_a_copy_is_to_be_certified_and_the_fee_is_reckoned():
    catalogue = load_catalogue()
    text = "giấy chứng nhận quyền sử dụng đất 6 trang, muốn sao y 2 bản thì mất bao nhiêu tiền"
    r = resolve(catalogue, text)
    assert (r.band, r.procedure.code, r.pages, r.copies) == (Band.CONFIDENT, "2.000815", 6, 2)
    answer = fallback_answer(catalogue, "UBND xã Thử Nghiệm", text).answer.text
    assert "16.000 đồng" in answer  # (2 × 2.000 + 4 × 1.000) × 2
    # a contract is certified per transaction, whatever its pages
    assert resolve(catalogue, "chứng thực hợp đồng mua bán đất 5 trang bao nhiêu tiền").procedure.code != "2.000815"


def test_a_fact_about_filing_online_or_by_proxy_never_answers_a_clear_where(monkeypatch):
    catalogue = load_catalogue()
    index = qa.index_for(catalogue)
    procedure = catalogue.get("1.011441")
    for kind, answers_instead in ((FactKind.ONLINE, False), (FactKind.PROXY, False), (FactKind.WHERE, True)):
        fact = Fact(kind=kind, questions=["làm ở đâu cho nhanh"], answer="Một câu trả lời đủ dài.", basis="Điều 1")
        ranked = [(qa.Choice(aspect="where", score=1.0), 1.0), (qa.Choice(fact=fact, score=0.95), 0.95)]
        monkeypatch.setattr(index, "rank", lambda *_a, ranked=ranked, **_k: ranked)
        choice = index.choose(procedure, "việc đó làm ở xã hay ở đâu?")
        assert (choice.fact is fact) is answers_instead, kind


def test_a_paper_lost_with_the_register_too_is_registered_again():
    from procedures_kb.search import register_gone, register_kept
    from procedures_kb.text import words

    # the office's register is gone: "đăng ký lại", not a copy from the register
    for text in (
        "sổ hộ tịch năm đó bị chuột cắn hỏng",
        "xã bảo không còn lưu",
        "giấy mất, sổ gốc ở xã cũng thất lạc",
        "xa cung khong con so luu",
    ):
        assert register_gone(words(text)), text
    for text in ("mất giấy khai sinh", "sổ đỏ bị cháy", "bố tôi mất, sổ hộ khẩu vẫn còn"):
        assert not register_gone(words(text)), text
    # the opposite case, which a fact may be about: the register is still kept
    assert register_kept(words("mất giấy kết hôn mà xã vẫn lưu sổ thì làm gì"))
    assert not register_kept(words("mất giấy kết hôn, xã cũng không còn sổ"))
    catalogue = load_catalogue()
    text = (
        "Giấy kết hôn của ông bà tôi cháy trong vụ hỏa hoạn, lên xã hỏi thì sổ hộ tịch mấy năm đó cũng không còn. "
        "Phải làm thế nào?"
    )
    assert {"dang", "ky", "lai"} <= set(catalogue.search_index.normalise_query(text))
    r = replies.resolve_message(catalogue, text)
    assert r.band is Band.CONFIDENT and catalogue.get(r.procedure.code).name == "Đăng ký lại kết hôn"
    # the answer is not the fact for a register still kept ("chỉ xin bản sao")
    text = "Tôi mất giấy chứng nhận con nuôi, hỏi xã thì sổ lưu cũng không còn, bố mẹ nuôi vẫn sống. Làm lại thế nào?"
    r = replies.resolve_message(catalogue, text)
    assert r.procedure is not None and r.procedure.name.startswith("Đăng ký lại việc nuôi con nuôi")
    reply = fallback_answer(catalogue, "UBND xã Thử Nghiệm", text).answer.text
    assert not reply.startswith("Không đăng ký lại")


def test_a_lost_civil_status_paper_with_its_register_kept_is_a_copy_from_the_register():
    from kiosk_api.domain.resolve import copy_from_register

    catalogue = load_catalogue()
    copy = "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh"
    for text in (
        "con tôi đánh mất giấy khai sinh, giờ xin lại ở đâu",
        "mất giấy chứng tử của ông rồi, cần một bản khác để chia thừa kế",
        "giấy đăng ký kết hôn bị ướt rách hết, làm lại thế nào",
    ):
        r = replies.resolve_message(catalogue, text)
        assert r.band is Band.CONFIDENT and r.procedure.name == copy, text
    # the register gone too: registered again, not copied
    assert copy_from_register(catalogue, "mất giấy khai sinh, sổ hộ tịch ở xã cũng bị cháy rồi") is None
    # no paper lost: a first registration stays what it is
    assert copy_from_register(catalogue, "con tôi mới sinh, làm giấy khai sinh ở đâu") is None
    # a paper lost that the civil-status register does not keep: its own procedure
    assert copy_from_register(catalogue, "rơi mất thẻ căn cước ngoài chợ, làm lại ở đâu") is None


def test_mat_before_a_word_that_only_half_names_a_paper_is_a_death():
    index = load_catalogue().search_index
    # "cần" is "need", not half of "căn cước"; "đình" of "gia đình" is no decision
    assert "mat" not in index.normalise_query("bố em mất rồi, em cần xin trích lục khai tử")
    assert "mat" not in index.normalise_query("mẹ tôi mất, gia đình muốn làm thừa kế")
    assert index.normalise_query("mất căn cước rồi")[-2:] == ["cap", "lai"]
    assert index.normalise_query("bị mất hợp đồng chứng thực")[-2:] == ["cap", "lai"]


def test_a_fact_about_another_civil_status_event_does_not_answer():
    from kiosk_api.domain.qa import events_named, other_event, situation
    from procedures_kb.text import words

    assert events_named(words("xin bản sao giấy chứng tử của bà")) == {"death"}
    assert events_named(words("giay khai sinh va giay ket hon")) == {"birth", "marriage"}
    marriage = Fact(
        kind=FactKind.SPECIAL_CASE,
        questions=["giấy kết hôn bị mất thì xin lại ở đâu, bao nhiêu tiền"],
        answer="Xin bản sao trích lục kết hôn.",
        basis="Điều 63 Luật Hộ tịch 2014",
    )
    assert other_event(situation(marriage), events_named(words("bản sao giấy khai sinh xin ở đâu")))
    assert not other_event(situation(marriage), events_named(words("bản sao giấy kết hôn xin ở đâu")))
    assert not other_event(situation(marriage), events_named(words("bản sao xin ở đâu")))  # no event named: no contrast
    catalogue = load_catalogue()
    reply = fallback_answer(
        catalogue, "UBND xã Thử Nghiệm", "cháu vào lớp 1 cần bản sao giấy khai sinh, xin ở đâu, mấy tiền"
    ).answer.text
    assert "kết hôn" not in reply and "8.000" in reply


def test_a_complaint_about_a_refused_or_late_dossier_is_answered_by_who_resolves_it():
    catalogue = load_catalogue()
    # "tu choi" typed without marks is "từ chối", no evidence for "khai tử"
    assert all(c.name != "Đăng ký khai tử" for c in resolve(catalogue, "toi bi tu choi ho so").candidates)
    for text in ("hồ sơ bị trả về, tôi muốn gửi đơn khiếu nại", "xa giai quyet cham qua, khieu nai o dau"):
        r = replies.resolve_message(catalogue, text)
        assert r.referral == "khieu_nai_hanh_chinh" and r.procedure is None, text
        reply = fallback_answer(catalogue, "UBND xã Thử Nghiệm", text).answer.text
        assert "Chủ tịch Ủy ban nhân dân xã" in reply and "90 ngày" in reply


def test_two_card_aspects_asked_together_are_both_answered_before_any_loosely_matching_fact():
    from kiosk_api.domain.cues import aspect_cue, aspect_cues

    text = "làm hộ kinh doanh hết bao nhiêu tiền, mấy ngày có giấy"
    assert set(aspect_cues(text)) == {"fee", "time"} and aspect_cue(text) is None
    reply = fallback_answer(load_catalogue(), "UBND xã Thử Nghiệm", text).answer.text
    assert "— lệ phí:" in reply and "— thời hạn giải quyết:" in reply
    assert "lao động" not in reply  # not the fact about how many workers a household business may hire
