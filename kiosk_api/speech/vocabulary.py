"""The kiosk's domain vocabulary for recognisers that accept a word list (Vosk small models' runtime grammar).

Built from the catalogue (procedure names and aliases) and the words of the questions citizens ask at the
one-stop desk (fees, time limits, documents, dossier status, greetings, numbers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..domain.speech_text import DIGITS, normalise_for_speech

COMMON_PHRASES = (
    "xin chào", "chào", "cảm ơn", "vâng", "dạ", "không", "có", "đúng rồi", "sai rồi", "quay lại", "bắt đầu lại",
    "tôi muốn", "tôi cần", "cho tôi hỏi", "làm thế nào", "làm sao", "như thế nào", "ở đâu", "khi nào",
    "thủ tục", "hồ sơ", "giấy tờ", "cần những giấy tờ gì", "cần mang theo gì", "bản chính", "bản sao",
    "lệ phí", "phí", "bao nhiêu tiền", "hết bao nhiêu", "mất bao lâu", "bao lâu", "mấy ngày", "thời hạn",
    "bao giờ có kết quả", "nộp ở đâu", "nộp trực tuyến", "nộp trực tiếp", "qua bưu điện",
    "tra cứu hồ sơ", "mã hồ sơ", "hồ sơ của tôi", "đến đâu rồi", "đã xong chưa", "số điện thoại",
    "gặp cán bộ", "nói chuyện với cán bộ", "đánh giá", "góp ý", "phản ánh", "kiến nghị",
    "làm giấy khai sinh", "đăng ký khai sinh", "khai tử", "kết hôn", "giấy xác nhận tình trạng hôn nhân",
    "chứng thực", "sao y", "công chứng", "hộ khẩu", "tạm trú", "thường trú", "căn cước", "căn cước công dân",
    "đất đai", "sổ đỏ", "xây dựng", "bảo hiểm y tế", "trợ cấp", "người cao tuổi", "khuyết tật", "hộ nghèo",
    "con tôi", "bố tôi", "mẹ tôi", "vợ tôi", "chồng tôi", "ông", "bà", "cháu", "em",
    "ủy ban nhân dân", "xã", "phường", "thị trấn", "huyện", "tỉnh", "bộ phận một cửa",
    "mười", "mươi", "mốt", "tư", "lăm", "linh", "trăm", "nghìn", "triệu",
)  # fmt: skip

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def phrase_words(text: str) -> str:
    """A phrase as a recogniser outputs it: spoken form, NFC, lower-case, letters only."""
    spoken = unicodedata.normalize("NFC", normalise_for_speech(text)).lower()
    return " ".join(_WORD_RE.findall(spoken))


def build_vocabulary(procedure_names: Iterable[str], extra: Iterable[str] = COMMON_PHRASES) -> list[str]:
    """Phrases (procedure names, aliases, common question phrases) and every single word of them, so a
    grammar built from the list also accepts free word sequences made of the domain's words. Sorted, unique."""
    phrases: set[str] = set()
    for text in (*procedure_names, *extra, *DIGITS):
        for part in re.split(r"[,;()]", text):
            words = phrase_words(part)
            if words:
                phrases.add(words)
                phrases.update(words.split())
    return sorted(phrases)


def catalogue_vocabulary(catalogue) -> list[str]:
    names: list[str] = []
    for procedure in catalogue:
        names.append(procedure.name)
        names.extend(procedure.aliases)
    return build_vocabulary(names)
