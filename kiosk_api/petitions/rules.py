"""Phản ánh, kiến nghị: the handling workflow and deadlines. Pure functions, no I/O. (Indicator 8 of Biểu 5a, the
share answered on time, is scored by kiosk_api.domain.scoring.petition_points under the configured rule set.)

Workflow (status codes as stored):

    moi ──assign──▶ dang_xu_ly ──answer──▶ da_tra_loi ──close──▶ da_dong
     └──────────────answer─────────────────▲

- assign (moi or dang_xu_ly): sets the officer; a new item becomes dang_xu_ly. Answered or closed items
  cannot be reassigned.
- answer (moi or dang_xu_ly): stores the answer text, status da_tra_loi, answered_at. An unassigned item is
  assigned to the officer who answers. The answer cannot be changed afterwards (it has been sent to the
  citizen); repeating the same answer is a no-op, so a retried request does no harm.
- close (da_tra_loi, or together with an answer): status da_dong, closed_at. An item cannot be closed
  unanswered: every petition gets an answer, which is what indicator 8 measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from motcua.vocabulary import PetitionChannel, PetitionKind, PetitionStatus

OPEN_STATUSES = (PetitionStatus.NEW, PetitionStatus.IN_PROGRESS)
ANSWERED_STATUSES = (PetitionStatus.ANSWERED, PetitionStatus.CLOSED)

STATUS_LABELS: dict[str, str] = {
    PetitionStatus.NEW: "Mới tiếp nhận",
    PetitionStatus.IN_PROGRESS: "Đang xử lý",
    PetitionStatus.ANSWERED: "Đã trả lời",
    PetitionStatus.CLOSED: "Đã đóng",
}
KIND_LABELS: dict[str, str] = {PetitionKind.COMPLAINT: "Phản ánh", PetitionKind.SUGGESTION: "Kiến nghị"}
CHANNEL_LABELS: dict[str, str] = {
    PetitionChannel.CHAT: "Trò chuyện trên web",
    PetitionChannel.KIOSK: "Máy kiosk",
    PetitionChannel.ZALO: "Zalo",
    PetitionChannel.QR: "Phiếu đánh giá (mã QR)",
    PetitionChannel.WEB: "Trang web",
}


class TransitionError(ValueError):
    """The requested change is not allowed from the item's current status (message in Vietnamese)."""


@dataclass(frozen=True)
class PetitionState:
    status: str
    assigned_to: str | None
    answer: str | None


@dataclass(frozen=True)
class PetitionChange:
    """What to write: the new status and values, and which timestamps to set now."""

    status: str
    assigned_to: str | None
    answer: str | None
    set_answered_at: bool = False
    set_closed_at: bool = False

    def is_noop(self, state: PetitionState) -> bool:
        return (
            not self.set_answered_at
            and not self.set_closed_at
            and (self.status, self.assigned_to, self.answer) == (state.status, state.assigned_to, state.answer)
        )


def plan_change(
    state: PetitionState, *, actor: str, assign_to: str | None = None, answer: str | None = None, close: bool = False
) -> PetitionChange:
    """The change that assigning, answering and/or closing makes (applied in that order), or TransitionError."""
    if assign_to is None and answer is None and not close:
        raise TransitionError("Không có thay đổi nào (cần phân công, trả lời hoặc đóng).")
    status, assigned, text = state.status, state.assigned_to, state.answer
    set_answered = set_closed = False
    label = STATUS_LABELS[state.status]

    if assign_to is not None and assign_to != assigned:
        if status not in OPEN_STATUSES:
            raise TransitionError(f"Không thể phân công lại: phản ánh, kiến nghị đang ở trạng thái «{label}».")
        assigned = assign_to
        status = PetitionStatus.IN_PROGRESS
    elif assign_to is not None and status == PetitionStatus.NEW:
        status = PetitionStatus.IN_PROGRESS

    if answer is not None:
        if status in OPEN_STATUSES:
            text, status, set_answered = answer, PetitionStatus.ANSWERED, True
            assigned = assigned or actor
        elif answer != text:
            raise TransitionError(f"Đã trả lời rồi, không sửa được câu trả lời (trạng thái «{label}»).")

    if close:
        if status == PetitionStatus.ANSWERED:
            status, set_closed = PetitionStatus.CLOSED, True
        elif status in OPEN_STATUSES:
            raise TransitionError("Chưa thể đóng: cần trả lời người dân trước khi đóng.")

    return PetitionChange(
        status=status,
        assigned_to=assigned,
        answer=text,
        set_answered_at=set_answered,
        set_closed_at=set_closed,
    )


def days_left(deadline: date | None, today: date) -> int | None:
    """Days until the deadline (0 on the day itself, negative once it has passed)."""
    return None if deadline is None else (deadline - today).days


def is_overdue(status: str, deadline: date | None, today: date) -> bool:
    """Still unanswered and past its deadline (the deadline day itself is on time)."""
    return status in OPEN_STATUSES and deadline is not None and today > deadline


def answered_on_time(deadline: date | None, answered_on: date | None) -> bool | None:
    """Whether the answer (dated in local time) came by the deadline; None when not answered."""
    if answered_on is None:
        return None
    return deadline is None or answered_on <= deadline
