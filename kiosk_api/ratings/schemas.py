"""Satisfaction ballots (phiếu đánh giá)."""

from __future__ import annotations

from typing import Annotated, Literal

from motcua.vocabulary import RatingChannel, Satisfaction
from pydantic import BaseModel, Field, StringConstraints, field_validator

from .form import MAX_COMMENT

Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Optional64 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Optional50 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
Token = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Points = Annotated[int, Field(ge=0, le=2)]


class RatingRequest(BaseModel):
    channel: RatingChannel
    satisfaction: Satisfaction
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)
    dossier_code: Optional64 | None = Field(
        default=None,
        description="Not enough on its own: a dossier is rated by its token (a ballot with a code and no token gets "
        "403)",
    )
    token: Token | None = Field(
        default=None,
        description="The dossier's rating token: from its QR code, or from a lookup verified with the phone digits",
    )
    counter_id: Optional50 | None = Field(default=None, description="Desk / counter the citizen was served at")
    idempotency_key: Key = Field(description="Client-chosen key: resubmitting it returns the same ballot")
    i3: Points | None = Field(default=None, description="Indicator 3, trips to complete file: 2 none, 1 one, 0 more.")
    i4: Points | None = Field(default=None, description="Indicator 4, other agencies contacted: 2 none, 1 one, 0 more")
    i6: Points | None = Field(default=None, description="Indicator 6, procedure publicly posted: 2 both, 1 one, 0 none")
    i7: Points | None = Field(default=None, description="Indicator 7, officials' attitude: 2 / 1 / 0 (harassment)")

    @field_validator("comment")
    @classmethod
    def _no_nul(cls, v: str | None) -> str | None:
        # PostgreSQL text cannot hold NUL characters; everything else is stored as given.
        return v.replace("\x00", "") if v is not None else None


class RatingResponse(BaseModel):
    id: int
    text: str


class QuestionOption(BaseModel):
    value: int | str = Field(description="2 / 1 / 0 points for an indicator; the level's key for satisfaction")
    label: str


class QuestionOut(BaseModel):
    field: str = Field(description="Name of the answer in POST /api/ratings (i3, i4, i6, i7, satisfaction)")
    indicator: int | None = Field(description="Indicator number in Biểu 5a; null for the satisfaction question")
    text: str
    hint: str | None
    required: bool
    options: list[QuestionOption]


class CommentOut(BaseModel):
    label: str
    max_length: int


class EscalateOut(BaseModel):
    label: str
    contact_label: str
    contact_max_length: int


class QuestionsResponse(BaseModel):
    kind: Literal["dossier", "counter"]
    questions: list[QuestionOut]
    comment: CommentOut
    escalate: EscalateOut
