"""Models of the assistant endpoints used by the Rasa action server (see /api/assistant/*)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ProcedureRef(BaseModel):
    code: str
    name: str


class CandidateOut(BaseModel):
    code: str
    name: str
    score: float = Field(description="Search relevance 0..1 (0 when taken from the conversation or the hint)")


class ResolveResponse(BaseModel):
    band: Literal["confident", "unsure", "lost"]
    procedure: ProcedureRef | None = Field(description="The procedure when the band is confident")
    candidates: list[CandidateOut] = Field(description="The plausible procedures (2–4 when unsure)")
    pages: int | None = Field(description="Pages named in the text ('10 trang')")
    copies: int | None = Field(description="Copies named in the text ('3 bản')")
    from_context: bool = Field(description="True when the procedure comes from `current`, not from the text")
    aspect: str | None = Field(
        default=None, description="The aspect the wording clearly asks about (time, fee, documents, where), if any"
    )
    also: ProcedureRef | None = Field(
        default=None, description="A second procedure the message names whole, to be answered too"
    )
    referral: ReferralOut | None = Field(
        default=None,
        description="When no procedure is confident and the message is about something the commune does not do: "
        "who does it (the referral table)",
    )
    dossier: bool = Field(
        default=False, description="The message asks about a dossier of its own (a dossier code, 'tra cứu hồ sơ')"
    )


class ReferralOut(BaseModel):
    id: str
    topic: str
    text: str = Field(description="The answer: who does it, where, online")


class ButtonOut(BaseModel):
    title: str
    payload: str = Field(examples=['/ask_fee{"procedure_code":"1.001193"}'])


class AnswerResponse(BaseModel):
    text: str
    buttons: list[ButtonOut]
    procedure: ProcedureRef
    answered: str = Field(
        default="aspect", description="What the reply answers: 'fact' (a fact matching the question) or 'aspect'"
    )


class MenuResponse(BaseModel):
    text: str
    buttons: list[ButtonOut]


class DossierAnswer(BaseModel):
    """The citizen-facing answer to a dossier question (tiered: code only, then code + phone digits)."""

    text: str
    found: bool
    need_phone: bool = Field(description="True when the last 4 phone digits are needed (asked for every code alike)")
    status: str | None = Field(default=None, description="Status code (e.g. dang_xu_ly) when found")
    rating_token: str | None = Field(
        default=None, description="When the digits were verified: the dossier's rating token (one ballot per dossier)"
    )
