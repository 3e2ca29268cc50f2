"""The kiosk's view models: the home grid (fields and their common procedures, inlined as JSON) and a procedure's
card (documents, fee calculator, time, where, caveats), built from the catalogue and the commune's settings. Pure:
no database, no HTTP (routers/kiosk.py renders them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from procedures_kb.catalogue import Catalogue
from procedures_kb.fees import resolve_province
from procedures_kb.schema import Document, FixedFee, Procedure, TieredPerPageFee
from procedures_kb.workdays import WorkingCalendar

from ..domain import answer_text, aspect_texts, caveats, fee_texts, menus, referrals
from ..domain.appointments import today_text
from ..settings import Settings

HOME_PER_FIELD = 4
"""Procedures shown per field on the home grid."""
HOME_MIN_POPULARITY = 40
"""A procedure is "common" (on the home grid) from this popularity (0–100, catalogue data) up."""
HOME_MIN_FIELD_POPULARITY = 50
"""A field gets its own group on the home grid when its most common procedure reaches this popularity."""


@dataclass(frozen=True)
class HomeGroup:
    """One field on the home grid: its most common procedures and how many it has in all."""

    field: str
    codes: list[str]
    total: int


def home_groups(
    procedures: list[Procedure],
    *,
    per_field: int = HOME_PER_FIELD,
    min_popularity: int = HOME_MIN_POPULARITY,
    min_field_popularity: int = HOME_MIN_FIELD_POPULARITY,
) -> tuple[list[HomeGroup], list[HomeGroup]]:
    """The home grid from the catalogue's popularity data: (groups of common procedures, the other fields).

    Fields are ordered by their most common procedure, then by name; inside a group the most common first.
    A field whose best procedure is below `min_field_popularity` is listed among the other fields (one button
    opening its full list), so every procedure stays within three taps of the home screen.
    """
    by_field: dict[str, list[Procedure]] = defaultdict(list)
    for p in procedures:
        by_field[p.field].append(p)
    for items in by_field.values():
        items.sort(key=lambda p: (-p.popularity, p.name))
    order = sorted(by_field, key=lambda f: (-by_field[f][0].popularity, f))
    groups: list[HomeGroup] = []
    others: list[HomeGroup] = []
    for name in order:
        items = by_field[name]
        common = [p.code for p in items if p.popularity >= min_popularity][:per_field]
        if items[0].popularity >= min_field_popularity and common:
            groups.append(HomeGroup(name, common, len(items)))
        else:
            others.append(HomeGroup(name, [], len(items)))
    return groups, others


def kiosk_data(catalogue: Catalogue, settings: Settings) -> dict[str, Any]:
    """Everything the home screen and the field lists need, inlined into the page as JSON."""
    offered = catalogue.offered_procedures
    groups, others = home_groups(offered)
    menu = menus.menu(catalogue.offered_procedures, settings.commune_name)
    return {
        "commune": settings.commune_name,
        "counter_id": settings.counter_id,
        "unit_code": settings.dossier_unit_code,
        "idle_seconds": settings.kiosk_idle_seconds,
        "confirm_seconds": settings.kiosk_confirm_seconds,
        "procedures": {
            p.code: {
                "name": answer_text.title(p),
                "short": answer_text.short_name(p, 60),
                "field": p.field,
                "popularity": p.popularity,
            }
            for p in sorted(offered, key=lambda p: (p.field, -p.popularity, p.name))
        },
        "groups": [{"field": g.field, "codes": g.codes, "total": g.total} for g in groups],
        "other_fields": [{"field": g.field, "total": g.total} for g in others],
        "menu": {"text": menu.text, "buttons": [{"title": b.title, "payload": b.payload} for b in menu.buttons]},
    }


@dataclass(frozen=True)
class DocumentRow:
    name: str
    details: str
    condition: str | None


@dataclass(frozen=True)
class Calculator:
    """Inputs of the small fee calculator on the card (query parameters of /api/procedures/{code}/fee)."""

    inputs: list[tuple[str, str]] = field(default_factory=list)  # (parameter, Vietnamese label)


@dataclass(frozen=True)
class Card:
    procedure: Procedure
    documents: list[DocumentRow]
    fee: str
    fee_notes: list[str]
    exemption: str | None
    time: str
    channels_phrase: str
    calculator: Calculator | None
    phone_url: str
    today: str | None = None  # "Nộp hôm nay (…) thì hẹn trả …" on the working-day calendar (the kiosk card only)
    caveat: str | None = None  # imported from the portal / not fully checked / province amounts unverified
    referral: str | None = None  # who handles it when the commune desk does not
    not_offered: str | None = None  # the commune's desk does not handle it (its province's list)


def document_row(doc: Document) -> DocumentRow:
    details = doc.original_or_copy.label
    if doc.quantity > 1:
        details += f", {doc.quantity} bản"
    if doc.form_code:
        details += f"; {doc.form_code}"
    return DocumentRow(doc.name, details[0].upper() + details[1:], doc.condition)


def calculator_for(procedure: Procedure, catalogue: Catalogue) -> Calculator | None:
    """A calculator when the fee of the default channel depends on pages, copies or a count; else None."""
    rule = resolve_province(procedure.default_channel.fee, catalogue.province_fees)
    if isinstance(rule, TieredPerPageFee):
        return Calculator([("pages", "Số trang của bản chính"), ("copies", "Số bản cần chứng thực")])
    if isinstance(rule, FixedFee):
        if rule.per == "page":
            return Calculator([("pages", "Số trang")])
        if rule.per == "copy":
            return Calculator([("copies", "Số bản")])
        counted = {"document": "Số văn bản", "transaction": "Số giao dịch", "person": "Số người"}
        if rule.per in counted:
            return Calculator([("quantity", counted[rule.per])])
    return None


def card_for(
    procedure: Procedure,
    catalogue: Catalogue,
    settings: Settings,
    *,
    now: datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> Card:
    """The card's view model; with `now` and the `calendar`, what handing the file in today gives."""
    province_fees = catalogue.province_fees
    notes: list[str] = []
    for ch in procedure.channels:
        note = getattr(resolve_province(ch.fee, province_fees), "note", None) or ch.fee.note
        if note and not any(note.rstrip(".") in n for n in notes):
            notes.append(note)
    return Card(
        procedure=procedure,
        documents=[document_row(d) for d in procedure.documents],
        fee=fee_texts.fee_summary(procedure, province_fees),
        fee_notes=notes[:2],
        exemption=fee_texts.exemption_line(procedure, limit=400),
        time=aspect_texts.time_summary(procedure),
        channels_phrase=aspect_texts.channels_phrase(procedure),
        calculator=calculator_for(procedure, catalogue),
        phone_url=phone_url(settings, procedure.code),
        today=today_text(procedure, now, calendar),
        caveat=" ".join(c for c in (caveats.caveat(procedure), caveats.province_caveat(procedure, province_fees)) if c)
        or None,
        referral=referrals.referral_line(procedure),
        not_offered=(
            None if catalogue.offers(procedure) else referrals.not_offered_text(procedure, settings.commune_name)
        ),
    )


def phone_url(settings: Settings, code: str) -> str:
    """The address of the phone checklist page, as the citizen's phone reaches it (for the QR code)."""
    return f"{settings.resolved_public_base_url}/p/{code}"
