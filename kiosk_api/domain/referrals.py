"""What the commune's desk does not handle, in the citizen's words (pure functions): who handles a referral entry
or a topic of the referral table and where, and "not done here" for a procedure its province's list leaves out.
"""

from __future__ import annotations

from procedures_kb.schema import Procedure, ReferralTopic

from .answer_text import fit, lower_first, sentence, title


def referral_line(procedure: Procedure) -> str | None:
    """Who handles a procedure the commune desk does not, and where (referral entries)."""
    ref = procedure.referral
    if ref is None:
        return None
    line = f"Thủ tục này do {ref.agency} giải quyết, không nộp tại xã. Nơi nộp: {lower_first(ref.where.rstrip('.'))}."
    if ref.online:
        line += f" Trực tuyến: {ref.online.rstrip('.')}."
    return line


def not_offered_text(procedure: Procedure, commune: str) -> str:
    """The answer for a procedure the commune's desk does not handle (its province's list leaves it out)."""
    return fit(
        [
            f"Thủ tục {title(procedure)} không thực hiện tại {commune}.",
            f"Cơ quan giải quyết theo quy định: {procedure.agency}. Ông/bà liên hệ Trung tâm Phục vụ hành chính công "
            "của tỉnh hoặc hỏi cán bộ để được hướng dẫn nơi nộp.",
        ]
    )


def referral_topic_text(topic: ReferralTopic) -> str:
    """What the commune does not do: who does it, where, online (the referral table)."""
    lines = [
        sentence(topic.answer),
        f"Cơ quan giải quyết: {topic.agency.rstrip('.')}.",
        f"Nơi làm: {topic.where.rstrip('.')}.",
        f"Trực tuyến: {topic.online.rstrip('.')}." if topic.online else "",
        f"(Căn cứ: {topic.basis.rstrip('.')}.)",
    ]
    return fit(lines)
