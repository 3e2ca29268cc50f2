"""Typed schema of a procedure (thủ tục hành chính) in the catalogue.

Catalogue files are YAML lists of procedures; each entry is validated against `Procedure`.
Fees are structured rules (see `procedures_kb.fees`), time limits structured values.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from motcua.codes import PROCEDURE_CODE
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# National code X.YYYYYY, optionally with a provincial suffix (1.001193.000.00.00.H56).
CODE_RE = PROCEDURE_CODE


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelKind(StrEnum):
    IN_PERSON = "truc_tiep"
    ONLINE_FULL = "truc_tuyen_toan_trinh"
    ONLINE_PARTIAL = "truc_tuyen_mot_phan"
    POST = "buu_chinh"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS: dict[ChannelKind, str] = {
    ChannelKind.IN_PERSON: "Trực tiếp",
    ChannelKind.ONLINE_FULL: "Trực tuyến toàn trình",
    ChannelKind.ONLINE_PARTIAL: "Trực tuyến một phần",
    ChannelKind.POST: "Qua dịch vụ bưu chính",
}


class TimeUnit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    HOURS = "hours"
    SAME_DAY = "same_day"  # "ngay trong ngày"
    UNKNOWN = "unknown"  # the record states none (imported entries): the citizen is told to ask


class TimeLimit(Strict):
    """A legal time limit: a number and a unit, with the after-cut-off rule where it applies.

    `same_day` with `cutoff` "15:00" means: done the same working day; received after 15:00,
    done the next working day.
    """

    unit: TimeUnit
    value: int | None = Field(default=None, ge=1)
    cutoff: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    max_value: int | None = Field(default=None, ge=1)  # "up to N" when verification is needed
    max_unit: TimeUnit | None = None
    max_condition: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> TimeLimit:
        if self.unit in (TimeUnit.SAME_DAY, TimeUnit.UNKNOWN):
            if self.value is not None:
                raise ValueError(f"a {self.unit.value} time limit takes no value")
        elif self.value is None:
            raise ValueError(f"time limit in {self.unit.value} needs a value")
        if (self.max_value is None) != (self.max_unit is None):
            raise ValueError("max_value and max_unit go together")
        return self


class Exemption(Strict):
    who: str
    reason: str


# ---- fee rules -------------------------------------------------------------------------------

FeeUnit = Literal["case", "copy", "document", "page", "transaction", "registration", "person"]


class FreeFee(Strict):
    kind: Literal["free"]
    note: str | None = None


class UnknownFee(Strict):
    """No fee stated by the record (imported entries): the citizen is told to ask at the desk."""

    kind: Literal["unknown"]
    note: str | None = None


class FixedFee(Strict):
    kind: Literal["fixed"]
    amount: int = Field(ge=0)
    per: FeeUnit = "case"
    note: str | None = None


class PageTier(Strict):
    from_page: int = Field(ge=1)
    to_page: int | None = Field(default=None, ge=1)
    amount: int = Field(ge=0)  # per page


class TieredPerPageFee(Strict):
    """Per-page tiers on the original's page count, with a cap per copy (chứng thực bản sao)."""

    kind: Literal["per_page_tiered"]
    tiers: list[PageTier] = Field(min_length=1)
    cap_per_copy: int | None = Field(default=None, ge=0)
    note: str | None = None

    @model_validator(mode="after")
    def _contiguous(self) -> TieredPerPageFee:
        expected = 1
        for i, tier in enumerate(self.tiers):
            if tier.from_page != expected:
                raise ValueError(f"page tiers must start at 1 and be contiguous (tier {i + 1})")
            if tier.to_page is None:
                if i != len(self.tiers) - 1:
                    raise ValueError("only the last page tier may be open-ended")
                break
            if tier.to_page < tier.from_page:
                raise ValueError("to_page before from_page")
            expected = tier.to_page + 1
        else:
            raise ValueError("the last page tier must be open-ended (to_page omitted)")
        return self


class ProvinceFee(Strict):
    """An amount fixed by each province's HĐND resolution; overridden per province by configuration."""

    kind: Literal["province"]
    key: str = Field(pattern=r"^[a-z0-9_.]+$")
    default: FixedFee | FreeFee | None = None  # used when the selected province has no override
    note: str | None = None


SimpleFeeRule = Annotated[FreeFee | FixedFee | TieredPerPageFee | ProvinceFee | UnknownFee, Field(discriminator="kind")]


class CaseFee(Strict):
    """One case of a fee that depends on who applies or what is asked ("cá nhân, hộ gia đình", "theo danh sách")."""

    label: str = Field(min_length=3, max_length=120)
    fee: SimpleFeeRule


class CasesFee(Strict):
    """A channel's fee with several cases (the portal's table gives one row each): the first case is the usual
    one, used when the citizen does not say which applies."""

    kind: Literal["cases"]
    cases: list[CaseFee] = Field(min_length=2)
    note: str | None = None


FeeRule = Annotated[
    FreeFee | FixedFee | TieredPerPageFee | ProvinceFee | UnknownFee | CasesFee, Field(discriminator="kind")
]


class Channel(Strict):
    kind: ChannelKind
    time_limit: TimeLimit
    fee: FeeRule
    note: str | None = None


class DocumentForm(StrEnum):
    ORIGINAL = "ban_chinh"
    COPY = "ban_sao"
    ORIGINAL_OR_COPY = "ban_chinh_hoac_ban_sao"
    PRESENT = "xuat_trinh"  # shown to the officer, not handed in

    @property
    def label(self) -> str:
        return {
            "ban_chinh": "bản chính",
            "ban_sao": "bản sao",
            "ban_chinh_hoac_ban_sao": "bản chính hoặc bản sao",
            "xuat_trinh": "xuất trình bản chính",
        }[self.value]


class Document(Strict):
    name: str = Field(min_length=3)
    form_code: str | None = None  # mẫu tờ khai, e.g. "Mẫu tờ khai đăng ký khai sinh (TT 04/2024/TT-BTP)"
    quantity: int = Field(default=1, ge=0)
    original_or_copy: DocumentForm = DocumentForm.ORIGINAL
    condition: str | None = None  # "nếu có", "trường hợp ủy quyền" …


class EntryStatus(StrEnum):
    CURATED = "curated"  # every field written by the team and checked against the record and the law
    IMPORTED = "imported"  # the facts parsed from the national-portal record, shown with a notice
    REFERRAL = "referral"  # handled at commune level by another body (BHXH cơ sở): who and where


class Referral(Strict):
    """Who handles a procedure the commune desk does not, and how to reach them."""

    agency: str = Field(min_length=3)  # "Bảo hiểm xã hội cơ sở (khu vực)"
    where: str = Field(min_length=3)  # "Trụ sở Bảo hiểm xã hội cơ sở hoặc điểm thu …"
    online: str | None = None  # "Cổng Dịch vụ công quốc gia, ứng dụng VssID"
    note: str | None = None


class FactKind(StrEnum):
    """What a fact answers, beyond the card's aspects (documents, fee, time, where, conditions, legal basis)."""

    DEADLINE = "deadline"  # by when it must be done ("trong 60 ngày kể từ ngày sinh")
    PENALTY = "penalty"  # what happens when it is late or not done (fines)
    VALIDITY = "validity"  # how long the result stays valid
    ELIGIBILITY = "eligibility"  # who may ask, and when it is refused by law
    SPECIAL_CASE = "special_case"  # a missing paper, someone abroad, a child born at home …
    PROXY = "proxy"  # asking someone else to file or collect
    ONLINE = "online"  # VNeID, the national portal, what still needs a visit
    RESULT = "result"  # what the citizen receives, and in what form
    NEXT = "next"  # what to do after, what it leads to
    REFUSED = "refused"  # when the file is refused or late, what the citizen can do
    COST = "cost"  # money other than the fee (taxes, land use money, deposits)
    WHERE = "where"  # which office now that districts are gone, another commune
    OTHER = "other"


MAX_AGE = 120


class Fact(Strict):
    """A short fact about a procedure with the questions it answers; written in the team's words, with its legal
    basis. Facts live in data/facts/ (one file per field), keyed by procedure code."""

    kind: FactKind
    questions: list[str] = Field(min_length=1, max_length=6)  # how citizens ask it (our wording)
    answer: str = Field(min_length=20, max_length=420)  # one or two sentences, the direct answer
    basis: str = Field(min_length=5, max_length=200)  # "Điều 16 Luật Hộ tịch 2014"
    # the ages (from, to; inclusive) of the person the fact is about, when its answer depends on age: a message
    # stating another age is not answered with it, one stating an age in it prefers it ("mẹ tôi 72 tuổi …")
    ages: tuple[int, int] | None = None

    @field_validator("ages")
    @classmethod
    def _ages(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is not None and not 0 <= v[0] <= v[1] <= MAX_AGE:
            raise ValueError(f"a fact's ages are from and to, 0 ≤ from ≤ to ≤ {MAX_AGE}")
        return v

    def fits_age(self, age: int | None) -> bool:
        return age is None or self.ages is None or self.ages[0] <= age <= self.ages[1]

    @field_validator("questions")
    @classmethod
    def _questions(cls, v: list[str]) -> list[str]:
        cleaned = [q.strip() for q in v]
        if any(len(q) < 8 or len(q) > 200 for q in cleaned):
            raise ValueError("a fact's question is 8 to 200 characters")
        return cleaned


class ReferralTopic(Strict):
    """Something citizens ask the commune desk that the commune does not do: who does, where, online or not."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    topic: str = Field(min_length=5, max_length=120)  # "Cấp hộ chiếu phổ thông"
    aliases: list[str] = Field(min_length=2)  # how citizens name it
    agency: str = Field(min_length=5)
    where: str = Field(min_length=5)
    online: str | None = None
    answer: str = Field(min_length=20, max_length=500)  # the direct answer, our words
    basis: str = Field(min_length=5, max_length=200)


class Procedure(Strict):
    code: str
    name: str = Field(min_length=5)
    aliases: list[str] = Field(default_factory=list)
    field: str = Field(min_length=3)
    level: str = "Cấp xã"
    agency: str = Field(min_length=3)  # cơ quan có thẩm quyền
    submit_at: str = Field(min_length=3)  # nơi nộp hồ sơ
    channels: list[Channel] = Field(min_length=1)
    documents: list[Document] = Field(default_factory=list)
    steps: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    result: str = Field(min_length=3)
    legal_basis: list[str] = Field(min_length=1)
    fee_exemptions: list[Exemption] = Field(default_factory=list)
    source_url: str = Field(pattern=r"^https?://")
    last_checked: date
    popularity: int = Field(default=0, ge=0, le=100)  # how often asked at a commune desk; breaks search ties
    verified: bool = True
    unverified_notes: list[str] = Field(default_factory=list)
    status: EntryStatus = EntryStatus.CURATED
    imported_on: date | None = None  # the day the portal record was read (imported entries)
    referral: Referral | None = None  # who handles it (referral entries)
    facts: list[Fact] = Field(default_factory=list)  # from data/facts/, attached when the catalogue is loaded

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not CODE_RE.match(v):
            raise ValueError(f"unknown procedure code format: {v!r} (expected X.YYYYYY)")
        return v

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, v: list[str]) -> list[str]:
        cleaned = [a.strip() for a in v]
        if any(not a for a in cleaned):
            raise ValueError("empty alias")
        return cleaned

    @model_validator(mode="after")
    def _channels_unique(self) -> Procedure:
        kinds = [c.kind for c in self.channels]
        if len(kinds) != len(set(kinds)):
            raise ValueError("a channel kind is listed twice")
        if self.status is EntryStatus.CURATED:
            if not self.documents or not self.steps:
                raise ValueError("a curated procedure lists its documents and steps")
            unknown = [c.kind.value for c in self.channels if c.fee.kind == "unknown" or c.time_limit.unit == "unknown"]
            if unknown and self.verified:
                raise ValueError(f"a verified procedure knows its fee and time limit ({', '.join(unknown)})")
            if not self.verified and not self.unverified_notes:
                raise ValueError("an unverified procedure must say what could not be verified")
        elif self.status is EntryStatus.IMPORTED:
            if self.imported_on is None:
                raise ValueError("an imported procedure says when the portal record was read (imported_on)")
            if self.verified:
                raise ValueError("an imported procedure is not verified (verified: false)")
            if self.steps or self.conditions:
                raise ValueError(
                    "an imported procedure holds facts only: no steps or conditions copied from the record"
                )
        elif self.referral is None:
            raise ValueError("a referral entry says who handles it (referral)")
        return self

    @property
    def curated(self) -> bool:
        return self.status is EntryStatus.CURATED

    @property
    def imported(self) -> bool:
        return self.status is EntryStatus.IMPORTED

    @property
    def national_code(self) -> str:
        return ".".join(self.code.split(".")[:2])

    def channel(self, kind: ChannelKind) -> Channel | None:
        return next((c for c in self.channels if c.kind is kind), None)

    @property
    def default_channel(self) -> Channel:
        return self.channel(ChannelKind.IN_PERSON) or self.channels[0]
