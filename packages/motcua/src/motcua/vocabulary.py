"""The codes stored for ratings, petitions and officer requests, as the database, the API, the reports and the
bot write them (the Vietnamese labels citizens and officers read live beside the wording that uses them)."""

from __future__ import annotations

from enum import Enum


class _Codes(str, Enum):  # StrEnum is Python 3.11; the bot runs 3.10
    def __str__(self) -> str:
        return self.value


class Satisfaction(_Codes):
    """Mức độ hài lòng (the ballot's satisfaction question), best first."""

    VERY_SATISFIED = "rat_hai_long"
    SATISFIED = "hai_long"
    NEUTRAL = "binh_thuong"
    DISSATISFIED = "khong_hai_long"


class RatingChannel(_Codes):
    """Where a ballot was cast."""

    QR = "qr"
    KIOSK = "kiosk"
    CHAT = "chat"
    ZALO = "zalo"


class ConversationChannel(_Codes):
    """Where the assistant talks with a citizen (and where a request for an officer comes from)."""

    CHAT = "chat"
    KIOSK = "kiosk"
    ZALO = "zalo"


class PetitionKind(_Codes):
    COMPLAINT = "phan_anh"  # phản ánh
    SUGGESTION = "kien_nghi"  # kiến nghị


class PetitionStatus(_Codes):
    NEW = "moi"
    IN_PROGRESS = "dang_xu_ly"
    ANSWERED = "da_tra_loi"
    CLOSED = "da_dong"


class PetitionChannel(_Codes):
    """Where a petition was sent from."""

    CHAT = "chat"
    KIOSK = "kiosk"
    ZALO = "zalo"
    QR = "qr"
    WEB = "web"


class HandoffStatus(_Codes):
    """An officer request (a citizen asked to talk to an officer)."""

    WAITING = "cho"
    HELPING = "dang_ho_tro"
    DONE = "xong"


class UnitKind(_Codes):
    """The kind of a commune-level unit (đơn vị hành chính cấp xã) since the 2025 reorganisation."""

    XA = "xa"
    PHUONG = "phuong"
    DAC_KHU = "dac_khu"


class StaffRole(_Codes):
    """What a staff account may see and do: a commune officer works in their own unit only, a province officer
    reads every unit of the province, an admin also manages staff and units."""

    OFFICER = "officer"
    PROVINCE = "province"
    ADMIN = "admin"


def values(codes: type[_Codes]) -> list[str]:
    """The stored codes of a vocabulary, in order (for check constraints and Literal-free validation)."""
    return [c.value for c in codes]
