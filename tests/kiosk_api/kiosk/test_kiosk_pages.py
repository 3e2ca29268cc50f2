"""Server side of the kiosk: the /kiosk shell with its inlined data, the procedure cards, the phone checklist
page and its QR code, 404 pages, the home grid derived from the catalogue, and the per-session throttle key that
only a kiosk address may use."""

from __future__ import annotations

import html
import json
import re

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from kiosk_api.deps import KIOSK_SESSION_HEADER, client_identity
from kiosk_api.domain import identity
from kiosk_api.services.dossier_import import import_csv
from kiosk_api.settings import Settings
from kiosk_api.views.kiosk import card_for, home_groups
from kiosk_api.views.qr import qr_svg
from tests.support.browser import live_server  # noqa: F401

pytestmark = pytest.mark.db

OVERDUE = "000.00.06.H56-261105-0003"  # phone …4567
SESSION_A = "a" * 32
SESSION_B = "b" * 32


def inlined_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="kiosk-data">(.*?)</script>', page, re.S)
    assert match, "the home data is not inlined"
    return json.loads(match.group(1))


@pytest.fixture
def imported(session, good_csv, secret, catalogue):
    assert import_csv(session, good_csv, secret=secret, catalogue=catalogue).created == 6


# ---- /kiosk ----------------------------------------------------------------------------------------------


def test_kiosk_shell_renders_the_home_grid_with_inlined_data(client, catalogue):
    response = client.get("/kiosk")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="vi">' in page
    assert "UBND xã Thử Nghiệm" in page
    data = inlined_data(page)
    assert data["commune"] == "UBND xã Thử Nghiệm" and data["counter_id"] == "quay-1"
    assert (data["idle_seconds"], data["confirm_seconds"]) == (90, 15)
    assert set(data["procedures"]) == {p.code for p in catalogue.procedures}
    fields = [g["field"] for g in data["groups"]]
    assert {"Hộ tịch", "Chứng thực", "Cư trú", "Bảo trợ xã hội"} <= set(fields)
    ho_tich = next(g for g in data["groups"] if g["field"] == "Hộ tịch")
    assert "1.001193" in ho_tich["codes"]
    # The grid is server-rendered: the khai sinh tile is in the HTML, no round trip needed.
    assert 'data-code="1.001193">Đăng ký khai sinh</button>' in page
    assert data["menu"]["buttons"], "the assistant's menu is inlined too"


def test_the_server_address_opens_the_kiosk(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/kiosk"


def test_pages_and_scripts_are_sent_gzipped(client):
    response = client.get("/kiosk", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers.get("content-encoding") == "gzip"


def test_kiosk_loads_nothing_from_outside(client):
    page = client.get("/kiosk").text
    refs = re.findall(r'(?:src|href)="([^"#]+)"', page)
    assert refs, "the page loads its script and style sheet"
    for ref in refs:
        assert ref.startswith("/static/"), ref
        assert client.get(ref).status_code == 200, ref
    imports = set()
    for ref in [r for r in refs if r.endswith(".js")]:
        imports |= set(re.findall(r'from "\./([\w-]+\.js)"', client.get(ref).text))
    for module in imports:
        assert client.get(f"/static/kiosk/{module}").status_code == 200, module


def test_every_procedure_is_at_most_two_taps_from_home(catalogue):
    groups, others = home_groups(list(catalogue.procedures))
    on_home = {code for g in groups for code in g.codes}
    field_buttons = {g.field for g in groups} | {g.field for g in others}
    for p in catalogue.procedures:
        assert p.code in on_home or p.field in field_buttons, p.code


def test_home_groups_order_and_limits(catalogue):
    groups, others = home_groups(list(catalogue.procedures), per_field=3)
    assert all(len(g.codes) <= 3 for g in groups)
    tops = [catalogue.get(g.codes[0]).popularity for g in groups]
    assert tops == sorted(tops, reverse=True)
    for g in groups:
        pops = [catalogue.get(c).popularity for c in g.codes]
        assert pops == sorted(pops, reverse=True) and min(pops) >= 40
    assert {g.field for g in others}.isdisjoint({g.field for g in groups})
    assert sum(g.total for g in groups + others) == len(catalogue)


def test_kiosk_settings_and_unit_code(app, client):
    app.state.settings = app.state.settings.model_copy(
        update={"dossier_unit_code": "000.00.06.H56", "kiosk_idle_seconds": 120}
    )
    page = client.get("/kiosk").text
    data = inlined_data(page)
    assert data["unit_code"] == "000.00.06.H56" and data["idle_seconds"] == 120
    assert "000.00.06.H56-" in page  # the prefix is shown next to the digits


def test_bad_kiosk_address_setting_is_refused():
    with pytest.raises(ValueError, match="kiosk_addresses"):
        Settings(kiosk_addresses="127.0.0.1,not-an-ip")
    nets = Settings(kiosk_addresses=" 192.168.1.0/24 , ::1 ").kiosk_networks
    assert [str(n) for n in nets] == ["192.168.1.0/24", "::1/128"]


# ---- cards -----------------------------------------------------------------------------------------------


def test_card_fragment_and_page(client, catalogue):
    fragment = client.get("/kiosk/thu-tuc/2.000815", params={"partial": 1})
    assert fragment.status_code == 200
    text = html.unescape(fragment.text)
    assert "<html" not in text and 'class="card"' in text
    assert "Chứng thực bản sao từ bản chính giấy tờ, văn bản" in text
    assert "2.000 đồng/trang" in text
    assert 'name="pages"' in text and 'name="copies"' in text  # the fee calculator
    procedure = catalogue.get("2.000815")
    assert text.count('type="checkbox"') == len(procedure.documents)
    assert "/p/2.000815/qr.svg" in text
    page = client.get("/kiosk/thu-tuc/2.000815")
    assert page.status_code == 200 and "<html" in page.text and "/static/kiosk/kiosk.css" in page.text


def test_every_procedure_has_a_card_and_a_phone_page(client, catalogue):
    for p in catalogue.procedures:
        fragment = client.get(f"/kiosk/thu-tuc/{p.code}", params={"partial": 1})
        assert fragment.status_code == 200, p.code
        assert html.escape(p.name, quote=False) in fragment.text
        assert "Lệ phí" in fragment.text and "Thời hạn giải quyết" in fragment.text
        assert client.get(f"/p/{p.code}").status_code == 200, p.code


def test_card_without_quantities_has_no_calculator(client):
    text = client.get("/kiosk/thu-tuc/1.001193", params={"partial": 1}).text
    assert "Miễn phí" in text and 'class="calc' not in text


def test_card_calculator_matches_the_fee_rule(catalogue, settings):
    assert card_for(catalogue.get("2.000635"), catalogue, settings).calculator.inputs[0][0] == "copies"
    assert card_for(catalogue.get("1.001193"), catalogue, settings).calculator is None


@pytest.mark.parametrize("path", ["/kiosk/thu-tuc/9.999999", "/p/9.999999", "/p/1.001193%3Cscript%3E"])
def test_unknown_procedure_pages_are_plain_404_pages(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy thủ tục" in response.text
    assert "<script>" not in response.text


# ---- the phone page and its QR code ----------------------------------------------------------------------


def test_phone_checklist_page(client, catalogue):
    response = client.get("/p/1.001193")
    assert response.status_code == 200
    page = response.text
    procedure = catalogue.get("1.001193")
    assert page.count('type="checkbox"') == len(procedure.documents)
    for doc in procedure.documents:
        assert html.escape(doc.name, quote=False) in page
    assert "Miễn phí" in page and "Thời hạn giải quyết" in page and "Nơi nộp" in page
    assert "localStorage" in page  # ticks are kept on the phone, offline
    # One small self-contained page for a cheap phone: no style sheet, script or font to fetch.
    assert not re.search(r"<link|<script[^>]+src=|@import|url\(", page)
    assert len(response.content) < 16_000
    assert "public" in response.headers["cache-control"]


def test_phone_checklist_qr_carries_the_public_address(app, client):
    app.state.settings = app.state.settings.model_copy(update={"public_base_url": "http://192.168.1.10:8000"})
    response = client.get("/p/2.000815/qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text == qr_svg("http://192.168.1.10:8000/p/2.000815")
    assert client.get("/p/9.999999/qr.svg").status_code == 404


# ---- kiosk sessions: issued by the server, one per citizen ----------------------------------------------------


def fake_request(app, host: str, session_id: str | None) -> Request:
    headers = [(KIOSK_SESSION_HEADER.lower().encode(), session_id.encode())] if session_id else []
    scope = {"type": "http", "headers": headers, "client": (host, 50000), "app": app, "method": "GET", "path": "/"}
    return Request(scope)


def issued(app, minutes: int = 60, at: float | None = None) -> str:
    now = app.state.clock.now().timestamp() if at is None else at
    return identity.new_kiosk_session(app.state.secret, now, minutes)


def test_a_session_counts_only_when_the_server_issued_it_to_a_kiosk(app):
    token = issued(app)
    session_id = identity.read_kiosk_session(app.state.secret, token, app.state.clock.now().timestamp())
    assert client_identity(fake_request(app, "127.0.0.1", token)) == f"kiosk:{session_id}"
    assert client_identity(fake_request(app, "::1", token)) == f"kiosk:{session_id}"
    assert client_identity(fake_request(app, "10.0.0.7", token)) == "addr:10.0.0.7"  # not a kiosk address
    assert client_identity(fake_request(app, "127.0.0.1", None)) == "addr:127.0.0.1"
    expired = issued(app, minutes=1, at=app.state.clock.now().timestamp() - 120)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in ("a" * 32, "short", expired, forged, token + "x"):  # chosen by the client, stale, tampered
        assert client_identity(fake_request(app, "127.0.0.1", bad)) == "addr:127.0.0.1"
    app.state.settings = app.state.settings.model_copy(update={"kiosk_addresses": "192.168.5.0/24"})
    assert client_identity(fake_request(app, "192.168.5.20", token)) == f"kiosk:{session_id}"
    assert client_identity(fake_request(app, "127.0.0.1", token)) == "addr:127.0.0.1"


def test_sessions_only_for_kiosks_and_only_so_many_an_hour(app, clock):
    with TestClient(app, client=("10.0.0.9", 1234)) as phone:
        refused = phone.post("/api/kiosk/session")
        assert refused.status_code == 403 and refused.json()["error"] == "not_a_kiosk"
    app.state.settings = app.state.settings.model_copy(update={"kiosk_sessions_per_hour": 2})
    with TestClient(app, client=("127.0.0.1", 1234)) as kiosk:
        tokens = [kiosk.post("/api/kiosk/session").json() for _ in range(2)]
        assert all(t["session"].startswith("ks1.") and t["expires_in"] == 3600 for t in tokens)
        capped = kiosk.post("/api/kiosk/session")
        assert capped.status_code == 429 and capped.json()["error"] == "too_many_sessions"
        clock.advance(hours=1, seconds=1)
        assert kiosk.post("/api/kiosk/session").status_code == 200


def lookup(c, digits: str, session_id: str | None):
    headers = {KIOSK_SESSION_HEADER: session_id} if session_id else {}
    return c.post("/api/dossiers/lookup", json={"code": OVERDUE, "phone_last4": digits}, headers=headers)


def test_one_careless_citizen_does_not_lock_the_kiosk(live_server, imported):  # noqa: F811
    # The real server on loopback (a kiosk address by default): failures count per kiosk session.
    with httpx.Client(base_url=live_server) as c:
        first, second = (c.post("/api/kiosk/session").json()["session"] for _ in range(2))
        for _ in range(3):  # KIOSK_LOOKUP_MAX_FAILURES = 3 in the test settings
            assert lookup(c, "0000", first).status_code == 404
        assert lookup(c, "4567", first).status_code == 429  # that session is locked …
        assert lookup(c, "4567", second).status_code == 200  # … the next citizen is not


def test_a_browser_elsewhere_cannot_escape_the_throttle_with_the_header(app, imported):
    with TestClient(app, client=("10.0.0.9", 1234)) as c:
        for i in range(3):
            assert lookup(c, "0000", f"{i}" * 32).status_code == 404
        blocked = lookup(c, "4567", SESSION_B)
        assert blocked.status_code == 429 and blocked.json()["error"] == "too_many_attempts"


def test_the_kiosk_address_list_is_what_decides(app, live_server, imported):  # noqa: F811
    # The same loopback server, no longer configured as a kiosk: the header is ignored.
    app.state.settings = app.state.settings.model_copy(update={"kiosk_addresses": "10.9.9.9"})
    with httpx.Client(base_url=live_server) as c:
        for _ in range(3):
            assert lookup(c, "0000", issued(app)).status_code == 404
        assert lookup(c, "4567", issued(app)).status_code == 429
