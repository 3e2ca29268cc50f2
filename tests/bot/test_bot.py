"""The Rasa assistant end to end: Rasa's own checks and conversations through POST /api/chat.

Runs against the real trained model (models/current.tar.gz, trained by ./scripts/test), the real action
server and kiosk_api on its own seeded SQLite database. Set KIOSK_SKIP_BOT=1 to leave these out of a quick
local run; without it a missing model fails the run instead of hiding the gap.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.bot_stack import (
    BOT,
    MODEL,
    RASA,
    ROOT,
    STAFF_PASSWORD,
    STAFF_USER,
    reply_buttons,
    reply_text,
)
from tests.support.text import norm

SHARED_EVAL = ROOT.parent / "shared" / "eval" / "dev_chat.yml"
ARTIFACTS = ROOT / "test-artifacts" / "bot"

pytestmark = pytest.mark.bot

if os.environ.get("KIOSK_SKIP_BOT") == "1":
    pytest.skip("KIOSK_SKIP_BOT=1: assistant tests left out of this run", allow_module_level=True)


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def rasa(*args: str, timeout: int = 1200) -> subprocess.CompletedProcess:
    return subprocess.run([str(RASA), *args], cwd=BOT, capture_output=True, text=True, timeout=timeout)


# ---- Rasa's own checks -----------------------------------------------------------------------------------


def test_rasa_data_validate():
    r = rasa("data", "validate", "--fail-on-warnings")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]


def test_rasa_test_nlu_on_held_out_split(tmp_path):
    split = tmp_path / "split"
    r = rasa("data", "split", "nlu", "-u", "data/nlu", "--training-fraction", "0.8", "--random-seed", "7",
             "--out", str(split))  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    train = next(split.glob("training_data.*"))
    test = next(split.glob("test_data.*"))
    r = rasa("train", "nlu", "-c", "config.yml", "-u", str(train), "--out", str(tmp_path / "models"),
             "--fixed-model-name", "holdout")  # fmt: skip
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    out = ARTIFACTS / "nlu"
    r = rasa("test", "nlu", "-u", str(test), "-m", str(tmp_path / "models" / "holdout.tar.gz"), "--out", str(out))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    report = json.loads((out / "intent_report.json").read_text())
    print(f"\nheld-out NLU: intent accuracy {report['accuracy']:.3f}, "
          f"weighted F1 {report['weighted avg']['f1-score']:.3f}; per-intent report in {out}")  # fmt: skip
    assert report["accuracy"] >= 0.85
    assert report["weighted avg"]["f1-score"] >= 0.85


def test_rasa_end_to_end_stories(stack):
    out = ARTIFACTS / "core"
    env_endpoints = BOT / "endpoints.yml"
    r = subprocess.run(
        [str(RASA), "test", "core", "--stories", "tests", "-m", str(MODEL), "--endpoints", str(env_endpoints),
         "--out", str(out), "--fail-on-prediction-errors"],
        cwd=BOT, env=stack.env, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]


# ---- the public evaluation set through POST /api/chat -------------------------------------------------------


# Words of a dossier's status: a code given without the phone digits must not bring any of them.
STATUS_WORDS = ["dang xu ly", "dang giai quyet", "co ket qua", "da tra ket qua", "qua han", "khong tim thay"]


def code_only(case: dict) -> bool:
    """A dossier question with the code and no phone digits (the text holds no 4-digit group besides the code)."""
    return "dossier" in case and not re.search(r"(?<![\d-])\d{4}(?![\d-])", case["text"].replace("{code}", ""))


@pytest.mark.skipif(not SHARED_EVAL.exists(), reason="../shared/eval/dev_chat.yml not present")
def test_dev_chat_evaluation_set(stack):
    """The public evaluation set. Its four code-only dossier cases (d-hs-1 … 4) expect the status, or "not found",
    from the code alone; since finding M1 (issue 11) every code gets the same answer until the phone digits are
    given, so for those cases the test checks that instead: the digits are asked for and nothing is disclosed."""
    cases = yaml.safe_load(SHARED_EVAL.read_text(encoding="utf-8"))["cases"]
    failures = []
    policy = 0
    for case in cases:
        text = case["text"]
        if "dossier" in case:
            d = stack.dossiers[case["dossier"]]
            text = text.replace("{code}", d.code)
        body = stack.chat(new_sender(), text)
        got = norm(reply_text(body))
        if code_only(case):
            policy += 1
            ok = "4 so cuoi" in got and not any(word in got for word in STATUS_WORDS)
        else:
            ok = all(any(norm(alt) in got for alt in group) for group in case.get("expect", []))
            ok = ok and not any(norm(r) in got for r in case.get("reject", []))
        if not ok:
            failures.append(f"{case['id']}: {text!r} → {reply_text(body)[:300]!r}")
    score = 1 - len(failures) / len(cases)
    passed = len(cases) - len(failures)
    print(f"\ndev_chat: {passed}/{len(cases)} = {score:.1%} ({policy} code-only cases checked for non-disclosure)")
    for f in failures:
        print("  FAIL", f)
    assert score >= 0.95, "\n".join(failures)


# Floors for the team's own set through /api/chat: regression guards a little under the measured numbers (README,
# "The assistant's own evaluation": 77.8 % overall, categories 74 / 80.9 / 78.2 %, 17 answers about another procedure
# on 2026-12-07 evening). The targets (90 % overall, 85 % per category, no answer about another procedure) are
# not reached yet.
CITIZEN_OVERALL_FLOOR = 0.74
CITIZEN_CATEGORY_FLOOR = 0.70
CITIZEN_WRONG_PROCEDURE_CEILING = 21


def citizen_rows(stack) -> dict[str, int]:
    """Rows stored in a citizen's name: petitions, ratings, requests for an officer."""
    import sqlalchemy as sa

    engine = sa.create_engine(stack.env["DATABASE_URL"])
    with engine.connect() as conn:
        counts = {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in CITIZEN_TABLES}
    engine.dispose()
    return counts


CITIZEN_TABLES = ("petitions", "ratings", "handoff_requests")


def test_citizen_evaluation_set(stack):
    """The team's own set (tests/eval/): every question through POST /api/chat in a conversation of its own.
    Prints accuracy per category and question type (held-out questions counted apart, never printed); no question
    may store anything in a citizen's name or be answered with another procedure's facts."""
    from tests.support.citizen_eval import Report, load_questions, score

    questions = load_questions()
    assert len(questions) >= 300
    before = citizen_rows(stack)
    report = Report()
    after_choice = 0
    for q in questions:
        sender = new_sender()
        body = stack.chat(sender, q.text)
        outcome = score(q, reply_text(body), [b["payload"] for b in reply_buttons(body)])
        report.outcomes.append(outcome)
        if outcome.offered:
            # the citizen taps the expected procedure: the question asked is answered for it
            tap = next(b["payload"] for b in reply_buttons(body) if f'"{q.code}' in b["payload"])
            second = stack.chat(sender, tap)
            after_choice += score(q, reply_text(second), [b["payload"] for b in reply_buttons(second)]).right
    after = citizen_rows(stack)
    report.actions.update({t: after[t] - before[t] for t in CITIZEN_TABLES if after[t] != before[t]})
    lines = report.lines()
    lines.append(f"right after tapping the expected procedure when asked: {after_choice}")
    print("\ncitizen evaluation set through /api/chat:\n  " + "\n  ".join(lines))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "citizen_eval.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # which tuning questions are right through the chat (held-out ones are never listed), to compare with
    # bench/citizen_eval.py's answering without Rasa
    tuning = {o.question.id: o.right for o in report.outcomes if not o.question.heldout}
    (ARTIFACTS / "citizen_eval_tuning.json").write_text(json.dumps(tuning, indent=0), encoding="utf-8")
    failed = [o for o in report.outcomes if not o.right and not o.question.heldout]
    (ARTIFACTS / "citizen_eval_failures.txt").write_text(
        "".join(f"{o.question.id} missing {list(o.missing)}\n  {o.text[:300]!r}\n" for o in failed), encoding="utf-8"
    )
    assert not report.actions, lines  # nothing stored in a citizen's name by a question
    assert sum(o.wrong_procedure for o in report.outcomes) <= CITIZEN_WRONG_PROCEDURE_CEILING, [
        o.question.id for o in report.outcomes if o.wrong_procedure and not o.question.heldout
    ]
    assert report.overall >= CITIZEN_OVERALL_FLOOR, lines
    for category in ("classic", "moved_2025", "messy"):
        assert report.category_share(category) >= CITIZEN_CATEGORY_FLOOR, lines


# ---- conversations --------------------------------------------------------------------------------------


def test_documents_then_follow_ups_keep_context(stack):
    s = new_sender()
    first = reply_text(stack.chat(s, "lam giay khai sinh cho con can giay to gi"))
    assert "Đăng ký khai sinh" in first and "Giấy chứng sinh" in first
    fee = reply_text(stack.chat(s, "thế còn lệ phí?"))
    assert "khai sinh" in fee.lower() and "miễn" in fee.lower()
    time_ = norm(reply_text(stack.chat(s, "mất bao lâu?")))
    assert "khai sinh" in time_ and "trong ngay" in time_
    # a new procedure named confidently switches the context
    other = norm(reply_text(stack.chat(s, "còn đăng ký thường trú thì mất mấy ngày")))
    assert "thuong tru" in other and "7 ngay" in other


def test_fee_with_concrete_numbers(stack):
    text = norm(reply_text(stack.chat(new_sender(), "chứng thực bản sao 10 trang 3 bản hết bao nhiêu tiền")))
    assert "36000" in text


def test_where_and_how_to_submit(stack):
    text = norm(reply_text(stack.chat(new_sender(), "đăng ký tạm trú nộp ở đâu, có nộp online được không")))
    assert "tam tru" in text and ("cong an" in text or "truc tuyen" in text)


def test_unsure_asks_which_procedure_with_buttons(stack):
    body = stack.chat(new_sender(), "đăng ký lại")
    text = reply_text(body)
    buttons = reply_buttons(body)
    assert "Có phải" in text or "gặp cán bộ" in text.lower()
    assert buttons


def test_choosing_a_button_answers_that_procedure(stack):
    s = new_sender()
    payload = '/ask_documents{"procedure_code":"1.000656"}'
    text = reply_text(stack.chat(s, payload))
    assert "khai tử" in text.lower() and "giấy báo tử" in text.lower()


def test_lost_offers_an_officer(stack):
    body = stack.chat(new_sender(), "xyz qwerty asdf")
    text = norm(reply_text(body))
    assert "can bo" in text


def test_a_question_the_nlu_is_unsure_of_is_answered_from_the_birth_procedures(stack):
    # the NLU falls back on this message; the text names the birth certificate: the reply is about one of the birth
    # procedures (a copy, or registering again), or asks which of them, and never says "not understood"
    body = stack.chat(new_sender(), "Nhà tôi bị cháy hết giấy tờ, giấy khai sinh của hai đứa con, xin lại ở đâu?")
    text = norm(reply_text(body))
    assert "thu tuc" in text and "chua hieu" not in text and "khai tu" not in text
    birth = ("2.000635", "1.001193", "1.004884")
    assert any(code in b["payload"] for b in reply_buttons(body) for code in birth)


def test_out_of_scope_is_polite_and_gives_no_procedure_facts(stack):
    text = norm(reply_text(stack.chat(new_sender(), "hôm nay giá lúa bao nhiêu một cân")))
    assert any(w in text for w in ("xin loi", "chi ho tro", "chua ho tro"))
    assert "dong/" not in text


def test_a_procedure_and_a_referral_in_one_message(stack):
    text = reply_text(stack.chat(new_sender(), "đăng ký kết hôn xong thì làm hộ chiếu ở đâu"))
    assert "Đăng ký kết hôn" in text and "Phòng Quản lý xuất nhập cảnh" in text


def test_dossier_lookup_multi_turn(stack):
    d = stack.dossiers["ok"]
    s = new_sender()
    ask = norm(reply_text(stack.chat(s, "tôi muốn tra cứu hồ sơ")))
    assert "ma ho so" in ask
    asked = norm(reply_text(stack.chat(s, d.code)))
    assert "4 so cuoi" in asked and "dang xu ly" not in asked  # the code alone discloses nothing
    full = norm(reply_text(stack.chat(s, d.phone_last4)))
    assert "hen tra" in full or "ngay hen" in full


@pytest.mark.parametrize(
    "text",
    [
        # read by the NLU as a lookup (hồ sơ, hẹn) and as phone digits (years): no code, a procedure named
        "Tôi nộp hồ sơ xin xác nhận cư trú từ tuần trước mà xã hẹn mãi chưa có, theo quy định mấy ngày phải xong?",
        "Tôi sinh năm 1999, làm căn cước năm 2021 lúc 22 tuổi, năm nay 25 tuổi có phải đổi thẻ không?",
    ],
)
def test_a_procedure_question_read_as_a_lookup_is_answered(stack, text):
    reply = norm(reply_text(stack.chat(new_sender(), text)))
    assert "ma ho so" not in reply and "4 so cuoi" not in reply
    assert "cu tru" in reply or "can cuoc" in reply


def test_dossier_lookup_wrong_digits_and_unknown_code_get_one_answer(stack):
    d = stack.dossiers["bad-phone"]
    wrong = reply_text(stack.chat(new_sender(), f"tra cứu hồ sơ {d.code} số điện thoại đuôi 0000"))
    unknown = reply_text(stack.chat(new_sender(), f"tra cứu hồ sơ {stack.dossiers['missing'].code} đuôi 0000"))
    assert wrong == unknown.replace(stack.dossiers["missing"].code, d.code)
    assert "Nguyễn" not in wrong and "0912" not in wrong


def test_overdue_dossier_gets_an_apology(stack):
    d = stack.dossiers["late"]
    text = norm(reply_text(stack.chat(new_sender(), f"hồ sơ {d.code} số cuối {d.phone_last4}")))
    assert "qua han" in text and "xin loi" in text


def test_officer_request_reaches_staff(stack):
    text = norm(reply_text(stack.chat(new_sender(), "cho tôi gặp cán bộ")))
    assert "can bo" in text
    with httpx.Client(base_url=stack.api_url, timeout=10) as c:
        token = c.post("/api/staff/login", json={"username": STAFF_USER, "password": STAFF_PASSWORD}).json()["token"]
        r = c.get("/api/staff/handoffs", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
        assert r.json()["items"] if isinstance(r.json(), dict) else r.json()


def test_rating_flow(stack):
    s = new_sender()
    body = stack.chat(s, "tôi muốn đánh giá mức độ hài lòng")
    titles = [b["title"] for b in reply_buttons(body)]
    assert "Rất hài lòng" in titles
    payload = next(b["payload"] for b in reply_buttons(body) if b["title"] == "Rất hài lòng")
    after = stack.chat(s, payload)
    if reply_buttons(after):  # optional comment step
        after = stack.chat(s, "Cán bộ hướng dẫn rất tận tình")
    assert "cảm ơn" in reply_text(after).lower()


def test_petition_flow(stack):
    s = new_sender()
    before = citizen_rows(stack)["petitions"]
    stack.chat(s, "tôi muốn gửi phản ánh")
    shown = stack.chat(s, "Quầy một cửa sáng thứ hai mở cửa muộn, người dân phải chờ lâu")
    # The text is shown back with «Gửi» / «Không gửi»; nothing is stored yet.
    assert "mở cửa muộn" in reply_text(shown)
    assert {b["title"] for b in reply_buttons(shown)} >= {"Gửi", "Không gửi"}
    assert citizen_rows(stack)["petitions"] == before
    text = norm(reply_text(stack.chat(s, "/affirm")))
    assert "tiep nhan" in text or "da nhan" in text
    assert citizen_rows(stack)["petitions"] == before + 1


def test_petition_not_sent_without_confirmation(stack):
    s = new_sender()
    before = citizen_rows(stack)["petitions"]
    stack.chat(s, "tôi muốn gửi kiến nghị")
    stack.chat(s, "Đề nghị xã lắp thêm ghế chờ ở quầy tiếp nhận hồ sơ")
    text = norm(reply_text(stack.chat(s, "/deny")))
    assert "chua gui" in text
    assert citizen_rows(stack)["petitions"] == before


def test_a_question_that_mentions_a_request_is_answered_not_filed(stack):
    """ "gửi đơn đề nghị hòa giải … bao lâu?" asks about a procedure: answered, no petition form, nothing stored."""
    s = new_sender()
    before = citizen_rows(stack)["petitions"]
    body = stack.chat(
        s, "Tôi gửi đơn đề nghị xã hòa giải tranh chấp đất với nhà bên cạnh. Xã phải hòa giải trong bao lâu?"
    )
    assert "hòa giải" in reply_text(body).lower()
    assert not {b["title"] for b in reply_buttons(body)} & {"Gửi", "Không gửi"}
    assert citizen_rows(stack)["petitions"] == before


def test_greeting_help_and_thanks(stack):
    s = new_sender()
    assert "chào" in reply_text(stack.chat(s, "xin chào")).lower()
    help_body = stack.chat(s, "giúp tôi với, tôi không biết hỏi gì")
    assert len(reply_buttons(help_body)) >= 4
    assert reply_text(stack.chat(s, "cảm ơn nhé"))


def test_model_artifacts_are_not_committed():
    tracked = subprocess.run(["git", "ls-files", "models"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert all(not Path(p).name.endswith(".tar.gz") for p in tracked)


def test_zz_chat_falls_back_to_the_catalogue_when_rasa_is_down(stack):
    """Last on purpose: stops the Rasa server of the stack, then asks through the same running kiosk_api."""
    stack.stop_process("rasa")
    body = stack.chat(new_sender(), "lam giay khai sinh can gi")
    assert body["source"] == "fallback"
    text = reply_text(body)
    assert "gián đoạn" in text and "Giấy chứng sinh" in text
