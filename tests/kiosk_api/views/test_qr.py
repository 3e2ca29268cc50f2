"""QR images (kiosk_api.views.qr): a real round trip through a decoder (zbarimg; SVG rendered by Chromium)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from PIL import Image

from kiosk_api.ratings.token import make_token
from kiosk_api.views.qr import qr_png, qr_svg
from tests.support.qr_decode import decode_png, render_html_png

TOKEN_URL = "http://192.168.1.10:8000/r/" + make_token(b"secret", 123456, date(2027, 2, 18))
URLS = [
    TOKEN_URL,
    "http://127.0.0.1:8000/r/quay/quay-2",
    "https://dichvucong.example.gov.vn/r/" + "x" * 120,
    "Hồ sơ 000.00.06.H56-261102-0001 — đánh giá",
]


@pytest.mark.parametrize("data", URLS)
def test_png_decodes_back_to_the_data(data):
    png = qr_png(data)
    assert png.startswith(b"\x89PNG")
    assert decode_png(png) == [data]


@pytest.mark.parametrize("box_size", [2, 4, 10])
def test_png_box_size_scales_the_image(box_size):
    image = Image.open(io.BytesIO(qr_png(TOKEN_URL, box_size=box_size)))
    modules = Image.open(io.BytesIO(qr_png(TOKEN_URL, box_size=1))).width
    assert image.width == image.height == modules * box_size
    assert decode_png(qr_png(TOKEN_URL, box_size=box_size)) == [TOKEN_URL]


def test_a_token_url_fits_a_small_code():
    modules = Image.open(io.BytesIO(qr_png(TOKEN_URL, box_size=1, border=0))).width
    assert modules <= 37  # version 5 or less: readable on an 80 mm slip by a cheap phone camera


def test_svg_is_a_standalone_scalable_image():
    svg = qr_svg(TOKEN_URL)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and root.get("viewBox")
    assert "script" not in svg.lower()


@pytest.mark.parametrize("data", URLS[:2])
def test_svg_rendered_by_a_browser_decodes_back_to_the_data(data):
    svg = qr_svg(data)
    html = f'<body style="margin:0;background:#fff"><div style="width:400px;padding:20px">{svg}</div></body>'
    html = html.replace("<svg ", '<svg style="width:360px;height:360px" ', 1)
    assert decode_png(render_html_png(html, width=440, height=440)) == [data]
