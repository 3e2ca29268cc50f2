"""The rating form (phiếu đánh giá): the questions and their options, the form's labels, answer checking and
the messages about a wrong answer. The messages after the form (thanks, a bad token …) are in `wording.py`.

One source for the rating page behind the QR code, the kiosk's rating screen and the chat bot (the last two read
it as JSON from GET /api/ratings/questions). Pure: no I/O.

A per-dossier ballot asks indicators 3, 4, 6 and 7 (2 / 1 / 0 points each, Thông tư 01/2018/TT-VPCP) and the
overall satisfaction; indicators 1 and 2 come from the dossier's dates and are never asked. An anonymous
ballot for a counter (quầy) asks the satisfaction and, optionally, indicators 6 and 7.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from motcua.vocabulary import Satisfaction

BallotKind = Literal["dossier", "counter"]

MAX_COMMENT = 2000
MAX_CONTACT = 200
SATISFACTION_FIELD = "satisfaction"
INDICATOR_FIELDS = ("i3", "i4", "i6", "i7")
COUNTER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,50}$")


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    field: str
    text: str
    options: tuple[Option, ...]
    indicator: int | None = None  # the indicator's number in Biểu 5a; None for the satisfaction question
    hint: str | None = None
    required: bool = True

    def label_of(self, value: str | int | None) -> str | None:
        for option in self.options:
            if option.value == str(value):
                return option.label
        return None


def _points(two: str, one: str, zero: str) -> tuple[Option, ...]:
    return (Option("2", two), Option("1", one), Option("0", zero))


I3 = Question(
    field="i3",
    indicator=3,
    text="Ông/bà phải đi lại bao nhiêu lần để hoàn thiện hồ sơ?",
    hint="Tính cả những lần phải quay lại để bổ sung, sửa đổi giấy tờ.",
    options=_points("Không phải đi lại lần nào", "1 lần", "Từ 2 lần trở lên"),
)
I4 = Question(
    field="i4",
    indicator=4,
    text="Ngoài Bộ phận Một cửa, ông/bà phải liên hệ thêm bao nhiêu cơ quan, đơn vị để giải quyết hồ sơ này?",
    options=_points("Không phải liên hệ thêm nơi nào", "1 cơ quan, đơn vị", "Từ 2 cơ quan, đơn vị trở lên"),
)
I6 = Question(
    field="i6",
    indicator=6,
    text="Thủ tục này có được niêm yết công khai đầy đủ, chính xác tại Bộ phận Một cửa và trên mạng không?",
    hint="Trên mạng: Cổng Dịch vụ công hoặc trang thông tin điện tử của xã.",
    options=_points(
        "Có, cả tại Bộ phận Một cửa và trên mạng",
        "Chỉ ở một nơi (tại Bộ phận Một cửa hoặc trên mạng)",
        "Không thấy niêm yết, hoặc thông tin không đầy đủ, không chính xác",
    ),
)
I7 = Question(
    field="i7",
    indicator=7,
    text="Cán bộ tiếp nhận và giải quyết hồ sơ có thái độ như thế nào?",
    options=_points(
        "Nhiệt tình, chu đáo, hồ sơ được giải quyết sớm",
        "Đúng mực, không gây phiền hà",
        "Gây phiền hà, nhũng nhiễu",
    ),
)

SATISFACTION_LEVELS: tuple[Option, ...] = (
    Option(Satisfaction.VERY_SATISFIED, "Rất hài lòng"),
    Option(Satisfaction.SATISFIED, "Hài lòng"),
    Option(Satisfaction.NEUTRAL, "Bình thường"),
    Option(Satisfaction.DISSATISFIED, "Không hài lòng"),
)
SATISFACTION_DOSSIER = Question(
    field=SATISFACTION_FIELD,
    text="Nhìn chung, ông/bà có hài lòng với việc giải quyết hồ sơ này không?",
    options=SATISFACTION_LEVELS,
)
SATISFACTION_COUNTER = Question(
    field=SATISFACTION_FIELD,
    text="Ông/bà có hài lòng với sự phục vụ tại quầy này không?",
    options=SATISFACTION_LEVELS,
)


def _optional(question: Question) -> Question:
    return Question(
        field=question.field,
        text=question.text,
        options=question.options,
        indicator=question.indicator,
        hint="Không bắt buộc.",
        required=False,
    )


QUESTIONS: dict[BallotKind, tuple[Question, ...]] = {
    "dossier": (I3, I4, I6, I7, SATISFACTION_DOSSIER),
    "counter": (SATISFACTION_COUNTER, _optional(I7), _optional(I6)),
}

COMMENT_LABEL = "Ý kiến góp ý khác (không bắt buộc)"
ESCALATE_LABEL = "Gửi ý kiến này thành phản ánh, kiến nghị để được trả lời"
CONTACT_LABEL = "Số điện thoại hoặc địa chỉ để nhận trả lời (không bắt buộc)"

MISSING_ANSWER = "Ông/bà vui lòng chọn một câu trả lời cho câu hỏi này."
COMMENT_TOO_LONG = "Ý kiến dài quá {limit} ký tự (ông/bà đã nhập {length} ký tự). Ông/bà vui lòng rút gọn lại."
CONTACT_TOO_LONG = "Thông tin liên hệ dài quá {limit} ký tự."
ESCALATE_NEEDS_COMMENT = "Ông/bà vui lòng viết nội dung ý kiến để gửi thành phản ánh, kiến nghị."
FORM_HAS_ERRORS = "Phiếu chưa đầy đủ: ông/bà vui lòng xem lại các câu có ghi chú màu đỏ."


def questions(kind: BallotKind) -> tuple[Question, ...]:
    return QUESTIONS[kind]


def satisfaction_label(value: str) -> str:
    return SATISFACTION_DOSSIER.label_of(value) or value


def valid_counter_id(counter_id: str) -> bool:
    return bool(COUNTER_ID_RE.fullmatch(counter_id))


def clean_text(text: str | None) -> str:
    """Text as the citizen wrote it, without surrounding blanks and without NUL characters (which PostgreSQL
    cannot store); everything else, markup included, is kept as given."""
    return (text or "").replace("\x00", "").strip()


@dataclass(frozen=True)
class Answers:
    satisfaction: str
    i3: int | None = None
    i4: int | None = None
    i6: int | None = None
    i7: int | None = None
    comment: str | None = None
    escalate: bool = False
    contact: str | None = None


@dataclass
class Checked:
    """The outcome of checking a submitted form: the answers when complete, else a message per field.
    `values` holds what the citizen submitted (to re-render the form with it)."""

    answers: Answers | None
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def check_form(kind: BallotKind, form: Mapping[str, str]) -> Checked:
    """Check a submitted rating form (field name → value, as posted by the page)."""
    values = {key: str(form.get(key) or "") for key in (*INDICATOR_FIELDS, SATISFACTION_FIELD, "comment", "contact")}
    values["escalate"] = "1" if str(form.get("escalate") or "") not in ("", "0") else ""
    errors: dict[str, str] = {}
    chosen: dict[str, str | None] = {}
    for question in questions(kind):
        value = values[question.field]
        if question.label_of(value) is None:
            if value or question.required:
                errors[question.field] = MISSING_ANSWER
            chosen[question.field] = None
        else:
            chosen[question.field] = value
    comment = clean_text(values["comment"])
    contact = clean_text(values["contact"])
    if len(comment) > MAX_COMMENT:
        errors["comment"] = COMMENT_TOO_LONG.format(limit=f"{MAX_COMMENT:,}".replace(",", "."), length=len(comment))
    if len(contact) > MAX_CONTACT:
        errors["contact"] = CONTACT_TOO_LONG.format(limit=MAX_CONTACT)
    escalate = bool(values["escalate"])
    if escalate and not comment:
        errors["comment"] = ESCALATE_NEEDS_COMMENT
    if errors:
        return Checked(None, errors, values)

    def points(name: str) -> int | None:
        value = chosen.get(name)
        return int(value) if value is not None else None

    answers = Answers(
        satisfaction=str(chosen[SATISFACTION_FIELD]),
        i3=points("i3"),
        i4=points("i4"),
        i6=points("i6"),
        i7=points("i7"),
        comment=comment or None,
        escalate=escalate,
        contact=(contact or None) if escalate else None,
    )
    return Checked(answers, {}, values)


def as_json(kind: BallotKind) -> dict[str, object]:
    """The questions of one kind of ballot, for the kiosk screen and the chat bot."""
    return {
        "kind": kind,
        "questions": [
            {
                "field": q.field,
                "indicator": q.indicator,
                "text": q.text,
                "hint": q.hint,
                "required": q.required,
                "options": [{"value": int(o.value) if q.indicator else o.value, "label": o.label} for o in q.options],
            }
            for q in questions(kind)
        ],
        "comment": {"label": COMMENT_LABEL, "max_length": MAX_COMMENT},
        "escalate": {"label": ESCALATE_LABEL, "contact_label": CONTACT_LABEL, "contact_max_length": MAX_CONTACT},
    }
