"""One deployment, many communes' kiosks: each unit lists its kiosks' addresses, and what a citizen leaves at a
kiosk (a ballot, a petition) belongs to the unit whose addresses hold the kiosk's. SQLite and PostgreSQL."""

from __future__ import annotations

import ipaddress

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kiosk_api.domain.units import UnitError, parse_networks, unit_for_address
from kiosk_api.models import AuditLog, Petition, Rating, Unit
from kiosk_api.services.units import NewUnit, add_unit, set_kiosk_addresses

A, B = "26734", "26735"


def test_addresses_and_networks_are_read_and_a_bad_one_is_named():
    assert parse_networks(" 10.1.2.0/24, 10.1.3.7 ,") == [
        ipaddress.ip_network("10.1.2.0/24"),
        ipaddress.ip_network("10.1.3.7/32"),
    ]
    assert parse_networks(None) == [] and parse_networks("") == []
    with pytest.raises(UnitError, match="«10.1.2» không phải địa chỉ IP"):
        parse_networks("10.1.2")


def test_an_address_belongs_to_the_narrowest_network_that_holds_it():
    nets = {A: parse_networks("10.1.0.0/16"), B: parse_networks("10.1.5.0/24, fd00::/64")}
    assert unit_for_address("10.1.5.9", nets, "00000") == B
    assert unit_for_address("10.1.6.9", nets, "00000") == A
    assert unit_for_address("fd00::5", nets, "00000") == B
    assert unit_for_address("192.168.1.1", nets, "00000") == "00000"
    assert unit_for_address("testclient", nets, "00000") == "00000"  # not an address: the deployment's unit


def test_a_kiosk_belongs_to_one_unit_only(session):
    add_unit(session, NewUnit(code=A, name="Xã Tân Phú", kiosk_addresses="10.1.2.0/24"), actor="test")
    with pytest.raises(UnitError, match="trùng với địa chỉ kiosk 10.1.2.0/24 của đơn vị 26734"):
        add_unit(session, NewUnit(code=B, name="Xã Bình An", kiosk_addresses="10.1.2.7"), actor="test")
    session.rollback()
    add_unit(session, NewUnit(code=B, name="Xã Bình An"), actor="test")
    set_kiosk_addresses(session, B, "10.1.3.0/24", actor="cli")
    set_kiosk_addresses(session, A, "10.1.2.0/25", actor="cli")  # its own old value is no clash
    assert session.get(Unit, A).kiosk_addresses == "10.1.2.0/25"
    assert session.scalars(select(AuditLog.target).where(AuditLog.action == "unit.kiosks")).all() == [B, A]
    with pytest.raises(UnitError, match="Không có đơn vị mã 99999"):
        set_kiosk_addresses(session, "99999", "10.9.9.9", actor="cli")


def test_what_a_citizen_leaves_at_a_kiosk_belongs_to_the_kiosks_unit(app, session):
    add_unit(session, NewUnit(code=A, name="Xã Tân Phú", kiosk_addresses="10.1.2.0/24"), actor="test")
    add_unit(session, NewUnit(code=B, name="Xã Bình An", kiosk_addresses="10.1.3.0/24"), actor="test")
    for address, key in (("10.1.2.15", "a"), ("10.1.3.15", "b"), ("192.168.9.9", "elsewhere")):
        with TestClient(app, client=(address, 1234)) as kiosk:
            ballot = {"channel": "kiosk", "satisfaction": "hai_long", "counter_id": "quay-1", "idempotency_key": key}
            assert kiosk.post("/api/ratings", json=ballot).status_code == 200
            petition = {"kind": "kien_nghi", "content": f"Góp ý từ kiosk {key}", "channel": "kiosk"}
            assert kiosk.post("/api/petitions", json=petition).status_code == 200
            # a unit's kiosk counts as a kiosk: it is issued kiosk sessions
            issued = kiosk.post("/api/kiosk/session").status_code
            assert issued == (403 if key == "elsewhere" else 200)
    session.expire_all()
    ballots = dict(session.execute(select(Rating.idempotency_key, Rating.unit_code)).all())
    assert ballots == {"a": A, "b": B, "elsewhere": "00000"}  # elsewhere: the deployment's KIOSK_UNIT
    petitions = dict(session.execute(select(Petition.content, Petition.unit_code)).all())
    assert petitions == {"Góp ý từ kiosk a": A, "Góp ý từ kiosk b": B, "Góp ý từ kiosk elsewhere": "00000"}
