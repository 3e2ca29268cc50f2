"""Units: the communes (xã, phường, đặc khu) a deployment serves, and the rules that tie data to one. Pure, no I/O.

A unit is known by its official administrative code (mã đơn vị hành chính cấp xã: five digits). Data from before
units existed belongs to the default unit, DEFAULT_UNIT_CODE, until `kiosk units add CODE --adopt-default` gives it
to the commune's real code.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from motcua.vocabulary import StaffRole, UnitKind

DEFAULT_UNIT_CODE = "00000"

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


# ---- which unit a kiosk belongs to -----------------------------------------------------------------------

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str | None) -> list[Network]:
    """A unit's kiosk addresses ("10.1.2.0/24, 10.1.3.7"): addresses or networks, comma-separated; UnitError
    (Vietnamese, for the officer) for one that is not."""
    networks = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            raise UnitError(f"«{part.strip()}» không phải địa chỉ IP hoặc dải địa chỉ (ví dụ 10.1.2.0/24).") from None
    return networks


def unit_for_address(address: str, networks: Mapping[str, Sequence[Network]], default: str) -> str:
    """The unit whose kiosk networks hold `address` (the narrowest when they nest); `default` (the deployment's
    KIOSK_UNIT) for any other address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return default
    best: tuple[int, str] | None = None
    for unit, nets in networks.items():
        for net in nets:
            if ip.version == net.version and ip in net and (best is None or net.prefixlen > best[0]):
                best = (net.prefixlen, unit)
    return best[1] if best else default


# ---- what a staff member works on ----------------------------------------------------------------------


class OutOfScope(Exception):
    """A commune officer asked for another unit's data."""


OUT_OF_SCOPE = "Tài khoản của ông/bà chỉ làm việc với dữ liệu của đơn vị mình."


@dataclass(frozen=True)
class Scope:
    """The units a staff member works on in one request: one unit's code, or every unit (None)."""

    unit: str | None

    def allows(self, unit_code: str) -> bool:
        return self.unit is None or unit_code == self.unit

    def check(self, unit_code: str) -> None:
        """OutOfScope unless a row of `unit_code` is within the scope."""
        if not self.allows(unit_code):
            raise OutOfScope(unit_code)


EVERY_UNIT = Scope(None)
"""The whole deployment: what the command line and the benches report on."""


def scope_for(role: str, own_unit: str, asked: str | None) -> Scope:
    """A commune officer works on their own unit only (asking for another is OutOfScope); a province officer or an
    admin reads every unit, or the one asked for (`?unit=CODE`)."""
    asked = asked.strip() if asked and asked.strip() else None
    if role == StaffRole.OFFICER:
        if asked is not None and asked != own_unit:
            raise OutOfScope(asked)
        return Scope(own_unit)
    return Scope(check_code(asked) if asked is not None else None)
