"""Dossier statuses: codes, Vietnamese wording and the allowed transitions."""

from __future__ import annotations

from enum import StrEnum


class DossierStatus(StrEnum):
    RECEIVED = "moi_tiep_nhan"
    IN_PROGRESS = "dang_xu_ly"
    WAITING_SUPPLEMENT = "cho_bo_sung"
    RESULT_READY = "co_ket_qua"
    RETURNED = "da_tra_ket_qua"
    REFUSED = "tu_choi"
    WITHDRAWN = "da_rut"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def description(self) -> str:
        return STATUS_DESCRIPTIONS[self]


STATUS_LABELS: dict[DossierStatus, str] = {
    DossierStatus.RECEIVED: "Mới tiếp nhận",
    DossierStatus.IN_PROGRESS: "Đang xử lý",
    DossierStatus.WAITING_SUPPLEMENT: "Chờ bổ sung hồ sơ",
    DossierStatus.RESULT_READY: "Đã có kết quả, chờ trả",
    DossierStatus.RETURNED: "Đã trả kết quả",
    DossierStatus.REFUSED: "Từ chối giải quyết",
    DossierStatus.WITHDRAWN: "Đã rút hồ sơ",
}

STATUS_DESCRIPTIONS: dict[DossierStatus, str] = {
    DossierStatus.RECEIVED: "Hồ sơ đã được tiếp nhận và đang chuyển đến cán bộ giải quyết.",
    DossierStatus.IN_PROGRESS: "Hồ sơ đang được cán bộ giải quyết.",
    DossierStatus.WAITING_SUPPLEMENT: "Hồ sơ đang chờ ông/bà bổ sung, hoàn thiện giấy tờ.",
    DossierStatus.RESULT_READY: "Hồ sơ đã có kết quả và đang chờ ông/bà đến nhận.",
    DossierStatus.RETURNED: "Kết quả đã được trả cho ông/bà.",
    DossierStatus.REFUSED: "Hồ sơ không đủ điều kiện giải quyết và đã được trả lại kèm văn bản nêu rõ lý do.",
    DossierStatus.WITHDRAWN: "Hồ sơ đã được rút theo đề nghị của người nộp.",
}

# Statuses in which the agency is working on the file: the appointment date is running (overdue possible).
CLOCK_RUNNING: frozenset[DossierStatus] = frozenset({DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS})
# Statuses counted as "in progress" in Biểu 6a (waiting for papers counts as within the deadline).
IN_PROGRESS: frozenset[DossierStatus] = CLOCK_RUNNING | {DossierStatus.WAITING_SUPPLEMENT}
# Statuses counted as resolved in Biểu 6a.
RESOLVED: frozenset[DossierStatus] = frozenset(
    {DossierStatus.RESULT_READY, DossierStatus.RETURNED, DossierStatus.REFUSED}
)
FINAL: frozenset[DossierStatus] = frozenset({DossierStatus.RETURNED, DossierStatus.REFUSED, DossierStatus.WITHDRAWN})

ALLOWED_TRANSITIONS: dict[DossierStatus, frozenset[DossierStatus]] = {
    DossierStatus.RECEIVED: frozenset(
        {
            DossierStatus.IN_PROGRESS,
            DossierStatus.WAITING_SUPPLEMENT,
            DossierStatus.RESULT_READY,
            DossierStatus.REFUSED,
            DossierStatus.WITHDRAWN,
        }
    ),
    DossierStatus.IN_PROGRESS: frozenset(
        {
            DossierStatus.WAITING_SUPPLEMENT,
            DossierStatus.RESULT_READY,
            DossierStatus.REFUSED,
            DossierStatus.WITHDRAWN,
        }
    ),
    DossierStatus.WAITING_SUPPLEMENT: frozenset(
        {DossierStatus.IN_PROGRESS, DossierStatus.REFUSED, DossierStatus.WITHDRAWN}
    ),
    DossierStatus.RESULT_READY: frozenset({DossierStatus.RETURNED}),
    DossierStatus.RETURNED: frozenset(),
    DossierStatus.REFUSED: frozenset(),
    DossierStatus.WITHDRAWN: frozenset(),
}


class InvalidTransition(ValueError):
    """A status change that the dossier lifecycle does not allow."""

    def __init__(self, from_status: DossierStatus, to_status: DossierStatus):
        self.from_status = from_status
        self.to_status = to_status
        allowed = sorted(s.value for s in ALLOWED_TRANSITIONS[from_status])
        super().__init__(
            f"cannot change status from {from_status.value} to {to_status.value}"
            + (f" (allowed: {', '.join(allowed)})" if allowed else f" ({from_status.value} is final)")
        )


def check_transition(from_status: DossierStatus, to_status: DossierStatus) -> None:
    """Raise InvalidTransition unless `from_status` → `to_status` is allowed."""
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise InvalidTransition(from_status, to_status)
