"""QR code images (PNG and SVG) for rating links, receipts and checklists. Pure: data in, bytes out."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _code(data: str, border: int) -> qrcode.QRCode:
    # Level M survives a crease or a smudge on a printed slip and keeps the code small enough for 80 mm paper.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str, *, box_size: int = 8, border: int = 4) -> bytes:
    """A black-on-white PNG of the QR code for `data`; `box_size` pixels per module."""
    code = _code(data, border)
    code.box_size = box_size
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str, *, border: int = 4) -> str:
    """A standalone SVG (one path, white background, scalable) of the QR code for `data`."""
    code = _code(data, border)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode")
