"""Units (the communes a deployment serves): adding and listing them, handing the default unit's data to a real
commune, and which unit a dossier belongs to. The rules are in kiosk_api.domain.units.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.vocabulary import UnitKind
from sqlalchemy import ColumnElement, select, true, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..domain.units import (
    DEFAULT_UNIT_CODE,
    Network,
    Scope,
    UnitError,
    check_code,
    kind_from_name,
    parse_networks,
    unit_for_dossier,
)
from ..models import AgencyIndicator, ChatEvent, Dossier, HandoffRequest, Petition, Rating, StaffUser, Unit
from . import audit

# Every table whose rows belong to a unit (models with `unit_code`).
OWNED = (Dossier, Rating, Petition, HandoffRequest, ChatEvent, StaffUser, AgencyIndicator)


@dataclass(frozen=True)
class NewUnit:
    code: str
    name: str
    province: str = ""
    kind: UnitKind | None = None  # read from the name ("Xã …", "Phường …", "Đặc khu …") when not given
    dossier_prefix: str | None = None
    kiosk_addresses: str | None = None  # its touch kiosks' addresses or networks, comma-separated


def add_unit(session: Session, new: NewUnit, *, actor: str, adopt_default: bool = False) -> tuple[Unit, int]:
    """Add a unit (UnitError when its code, name or dossier prefix is taken or malformed). With `adopt_default`,
    every row of the default unit moves to it in the same transaction; returns the unit and how many rows moved."""
    code = check_code(new.code)
    name = " ".join(new.name.split())
    if not name:
        raise UnitError("Tên đơn vị không được để trống.")
    kind = new.kind or kind_from_name(name)
    prefix = new.dossier_prefix.strip() if new.dossier_prefix and new.dossier_prefix.strip() else None
    if session.get(Unit, code) is not None:
        raise UnitError(f"Đã có đơn vị mã {code}.")
    if prefix is not None and session.scalar(select(Unit.code).where(Unit.dossier_prefix == prefix)) is not None:
        raise UnitError(f"Tiền tố mã hồ sơ «{prefix}» đã thuộc đơn vị khác.")
    unit = Unit(code=code, name=name, province=" ".join(new.province.split()), kind=kind.value, dossier_prefix=prefix)
    unit.kiosk_addresses = _checked_addresses(session, code, new.kiosk_addresses)
    session.add(unit)
    session.flush()
    moved = 0
    if adopt_default and code != DEFAULT_UNIT_CODE:
        for model in OWNED:
            result = session.execute(update(model).where(model.unit_code == DEFAULT_UNIT_CODE).values(unit_code=code))
            moved += getattr(result, "rowcount", 0) or 0
    audit.record(session, actor, "unit.add", target=code, details={"adopted_rows": moved})
    session.commit()
    return unit, moved


def _checked_addresses(session: Session, code: str, text: str | None) -> str | None:
    """The kiosk addresses normalised ("10.1.2.0/24, 10.1.3.7/32"), or None; UnitError when one is malformed or
    overlaps another unit's (a kiosk must belong to one unit)."""
    mine = parse_networks(text)
    for other, nets in kiosk_networks(session).items():
        if other == code:
            continue
        for net in mine:
            clash = next((n for n in nets if n.version == net.version and n.overlaps(net)), None)
            if clash is not None:
                raise UnitError(f"Địa chỉ {net} trùng với địa chỉ kiosk {clash} của đơn vị {other}.")
    return ", ".join(str(n) for n in mine) or None


def set_kiosk_addresses(session: Session, code: str, text: str | None, *, actor: str) -> Unit:
    """Replace a unit's kiosk addresses (None or "" removes them); audit-logged."""
    unit = session.get(Unit, check_code(code))
    if unit is None:
        raise UnitError(f"Không có đơn vị mã {code}.")
    unit.kiosk_addresses = _checked_addresses(session, unit.code, text)
    audit.record(session, actor, "unit.kiosks", target=unit.code, details={"addresses": unit.kiosk_addresses})
    session.commit()
    return unit


def kiosk_networks(session: Session) -> dict[str, list[Network]]:
    """Every unit's kiosk networks, by unit code (units without kiosk addresses left out)."""
    rows = session.execute(select(Unit.code, Unit.kiosk_addresses).where(Unit.kiosk_addresses.is_not(None)))
    return {code: parse_networks(text) for code, text in rows}


def list_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.code)))


def unit_of_dossier(session: Session, dossier_id: int | None) -> str | None:
    """The unit of the dossier with this id; None without one (the row then takes the session's unit)."""
    if dossier_id is None:
        return None
    return session.scalar(select(Dossier.unit_code).where(Dossier.id == dossier_id))


class DossierUnits:
    """Which unit imported dossiers belong to: the unit given (`kiosk dossiers import --unit`), else the unit whose
    dossier-code prefix the code starts with, else the session's unit (None)."""

    def __init__(self, session: Session, unit: str | None = None) -> None:
        if unit is not None:
            unit = check_code(unit)
            if session.get(Unit, unit) is None:
                raise UnitError(f"Chưa có đơn vị mã {unit}: thêm bằng «kiosk units add».")
        self.unit = unit
        self._prefixes = [
            (prefix, code)
            for prefix, code in session.execute(select(Unit.dossier_prefix, Unit.code))
            if prefix is not None
        ]

    def of(self, dossier_code: str) -> str | None:
        return self.unit or unit_for_dossier(dossier_code, self._prefixes)


def in_scope(column: InstrumentedAttribute[str], scope: Scope) -> ColumnElement[bool]:
    """The rows of `column`'s table within the scope (every row when the scope is every unit)."""
    return true() if scope.unit is None else column == scope.unit


def unit_label(session: Session, scope: Scope, deployment_name: str) -> str:
    """What a report names as its unit: the unit's name for one real unit; the deployment's name
    (KIOSK_COMMUNE_NAME) for every unit or for the default unit."""
    if scope.unit is None or scope.unit == DEFAULT_UNIT_CODE:
        return deployment_name
    unit = session.get(Unit, scope.unit)
    return unit.name if unit is not None else deployment_name


def unit_names(session: Session) -> dict[str, str]:
    """Every unit's name by code (labels of a report broken down by unit)."""
    return {code: name for code, name in session.execute(select(Unit.code, Unit.name))}
