"""Printable rating slips (staff endpoints and `kiosk qr …`): the QR code decodes to the right address (zbarimg;
HTML and SVG rendered by headless Chromium), A5 and 80 mm pages, nothing personal on the slip, staff only."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select
from typer.testing import CliRunner

from kiosk_api.cli import app as cli_app
from kiosk_api.models import Dossier
from kiosk_api.ratings.token import read_token
from kiosk_api.services.dossier_import import import_csv
from tests.support.constants import TODAY
from tests.support.qr_decode import decode_png, pdf_page_sizes, render_html_png

pytestmark = pytest.mark.db

CODE = "000.00.06.H56-261110-0002"  # 2.000815.000.00.00.H56, Trần Thị Bình, +84987654321


@pytest.fixture
def dossier_id(session, good_csv, secret, catalogue) -> int:
    import_csv(session, good_csv, secret=secret, catalogue=catalogue)
    return session.scalar(select(Dossier.id).where(Dossier.code == CODE))


def slip_url(client, auth_headers, **params):
    return client.get(f"/api/staff/dossiers/{CODE}/rating-slip", params=params, headers=auth_headers)


def assert_rating_url(url: str, settings, secret, dossier_id: int) -> None:
    base = settings.resolved_public_base_url
    assert url.startswith(f"{base}/r/")
    ticket = read_token(secret, url.removeprefix(f"{base}/r/"), TODAY)
    assert ticket.dossier_id == dossier_id
    assert (ticket.expires - TODAY).days == settings.rating_token_days


@pytest.mark.parametrize(
    "path",
    [f"/api/staff/dossiers/{CODE}/rating-slip", "/api/staff/counters/quay-1/rating-slip"],
)
def test_slips_need_a_staff_login(client, dossier_id, path):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = client.get(path, headers=headers)
        assert response.status_code == 401 and response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(("size", "page_mm"), [("a5", (148, 210)), ("80mm", (80, 160))])
def test_html_slip(client, auth_headers, settings, secret, dossier_id, size, page_mm):
    response = slip_url(client, auth_headers, size=size)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="vi">' in page and "UBND xã Thử Nghiệm" in page
    assert f"Mã hồ sơ: {CODE}" in page and "PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG" in page
    assert "Quét mã để đánh giá mức độ hài lòng" in page
    assert "Mã có giá trị đến hết ngày 18/02/2027" in page
    assert "Trần Thị Bình" not in page and "987" not in page.replace(CODE, "")  # no name, no phone digits
    assert "<script" not in page and "src=" not in page and "href=" not in page  # standalone, nothing to fetch
    pages = pdf_page_sizes(page)
    assert len(pages) == 1, pages  # the whole slip fits one sheet
    assert pages[0] == pytest.approx(page_mm, abs=1.0)
    [url] = decode_png(render_html_png(page, width=900, height=1200))
    assert_rating_url(url, settings, secret, dossier_id)
    assert url in page  # printed too, for a phone without a QR reader


@pytest.mark.parametrize(("size", "width", "dpi"), [("a5", 874, 150), ("80mm", 576, 203)])
def test_png_slip(client, auth_headers, settings, secret, dossier_id, size, width, dpi):
    response = slip_url(client, auth_headers, size=size, format="png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert f"-{size}.png" in response.headers["content-disposition"]
    image = Image.open(io.BytesIO(response.content))
    assert image.width == width and round(image.info["dpi"][0]) == dpi
    if size == "a5":
        assert image.height == 1240  # A5 portrait at 150 dpi
    [url] = decode_png(response.content)
    assert_rating_url(url, settings, secret, dossier_id)


def test_svg_is_the_bare_qr_code(client, auth_headers, settings, secret, dossier_id):
    response = slip_url(client, auth_headers, format="svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    html = response.text.replace("<svg ", '<svg style="width:400px;height:400px" ', 1)
    [url] = decode_png(render_html_png(html, width=440, height=440))
    assert_rating_url(url, settings, secret, dossier_id)


def test_counter_slip(client, auth_headers, settings):
    response = client.get("/api/staff/counters/quay-3/rating-slip", params={"size": "80mm"}, headers=auth_headers)
    assert response.status_code == 200 and "Quầy số 3" in response.text
    assert "sự phục vụ tại quầy này" in response.text and "Mã có giá trị" not in response.text
    [url] = decode_png(render_html_png(response.text, width=600, height=900))
    assert url == f"{settings.resolved_public_base_url}/r/quay/quay-3"
    png = client.get("/api/staff/counters/quay-3/rating-slip", params={"format": "png"}, headers=auth_headers)
    assert decode_png(png.content) == [url]


def test_slip_errors(client, auth_headers, dossier_id):
    missing = client.get("/api/staff/dossiers/000.00.06.H56-261110-9999/rating-slip", headers=auth_headers)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    counter = client.get("/api/staff/counters/quầy 1/rating-slip", headers=auth_headers)
    assert counter.status_code == 404
    for params in ({"size": "a4"}, {"format": "pdf"}):
        response = slip_url(client, auth_headers, **params)
        assert response.status_code == 422 and response.json()["error"] == "validation_error"


def test_public_base_url_is_used(client, auth_headers, settings, dossier_id):
    settings.public_base_url = "http://192.168.1.10:8000"
    [url] = decode_png(slip_url(client, auth_headers, format="png").content)
    assert url.startswith("http://192.168.1.10:8000/r/")


# ---- kiosk qr … ------------------------------------------------------------------------------------------------


@pytest.fixture
def run(migrated_url, tmp_path):
    env = {
        "DATABASE_URL": migrated_url,
        "KIOSK_SECRET_KEY": "cli-secret",
        "KIOSK_VAR_DIR": str(tmp_path / "var"),
        "KIOSK_COMMUNE_NAME": "UBND xã Hòa Bình",
        "KIOSK_PUBLIC_BASE_URL": "http://10.0.0.5:8000/",
    }

    def invoke(*args: str):
        return CliRunner().invoke(cli_app, list(args), env=env)

    return invoke


def test_cli_dossier_slips(run, tmp_path, session, good_csv, catalogue):
    import_csv(session, good_csv, secret=b"cli-secret", catalogue=catalogue)
    png, html, svg = tmp_path / "slip.png", tmp_path / "slip.html", tmp_path / "qr.svg"
    result = run("qr", "dossier", CODE, "--size", "80mm", "--out", str(png))
    assert result.exit_code == 0, result.output
    url = result.output.splitlines()[0]
    assert url.startswith("http://10.0.0.5:8000/r/")
    assert decode_png(png.read_bytes()) == [url]
    assert Image.open(png).width == 576
    assert run("qr", "dossier", CODE, "--out", str(html)).exit_code == 0
    text = html.read_text(encoding="utf-8")
    assert "UBND xã Hòa Bình" in text and "size:A5" in text and url in text
    assert run("qr", "dossier", CODE, "--out", str(svg)).exit_code == 0
    assert "<svg" in svg.read_text(encoding="utf-8")


def test_cli_counter_slip_and_errors(run, tmp_path, session):
    out = tmp_path / "quay.png"
    result = run("qr", "counter", "quay-1", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert decode_png(out.read_bytes()) == ["http://10.0.0.5:8000/r/quay/quay-1"]
    assert run("qr", "dossier", "khong-co", "--out", str(out)).exit_code == 1
    assert run("qr", "counter", "quầy 1").exit_code == 1
    assert run("qr", "counter", "quay-1", "--size", "a4").exit_code == 1
    assert run("qr", "counter", "quay-1", "--out", str(tmp_path / "x.pdf")).exit_code == 1
