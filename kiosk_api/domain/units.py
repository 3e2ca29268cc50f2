"""Units: the communes (xã, phường, đặc khu) a deployment serves, and the rules that tie data to one. Pure, no I/O.

A unit is known by its official administrative code (mã đơn vị hành chính cấp xã: five digits). Data from before
units existed belongs to the default unit, DEFAULT_UNIT_CODE, until `kiosk units add CODE --adopt-default` gives it
to the commune's real code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from motcua.vocabulary import UnitKind

DEFAULT_UNIT_CODE = "00000"
DEFAULT_UNIT_NAME = "Đơn vị mặc định (dữ liệu trước khi có đơn vị)"

_CODE = re.compile(r"\d{5}")
_KIND_WORDS = (("đặc khu", UnitKind.DAC_KHU), ("phường", UnitKind.PHUONG), ("xã", UnitKind.XA))


class UnitError(ValueError):
    """A unit's code, name or kind is not acceptable; the message says why, in Vietnamese for the officer."""


def check_code(code: str) -> str:
    """The code stripped; UnitError unless it is five digits."""
    code = code.strip()
    if not _CODE.fullmatch(code):
        raise UnitError(f"Mã đơn vị «{code}» không hợp lệ: mã đơn vị hành chính cấp xã gồm đúng 5 chữ số.")
    return code


def kind_from_name(name: str) -> UnitKind:
    """The kind a unit's name starts with ("Xã Tân Phú", "Phường Ba Đình", "Đặc khu Phú Quốc")."""
    lowered = name.strip().lower()
    for word, kind in _KIND_WORDS:
        if lowered.startswith(word + " "):
            return kind
    raise UnitError(
        f"Không nhận ra loại đơn vị của «{name.strip()}»: tên bắt đầu bằng «Xã», «Phường» hoặc «Đặc khu», "
        "hoặc chỉ rõ loại đơn vị."
    )


def unit_for_dossier(code: str, prefixes: Iterable[tuple[str, str]]) -> str | None:
    """The unit whose dossier-code prefix the code starts with (the longest, when prefixes nest); `prefixes` are
    (prefix, unit code) pairs. None when no prefix matches."""
    code = code.strip()
    best: tuple[int, str] | None = None
    for prefix, unit in prefixes:
        if prefix and code.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), unit)
    return best[1] if best else None
