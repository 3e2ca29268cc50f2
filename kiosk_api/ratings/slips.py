"""Printable rating slips: the QR code of a dossier's rating page (handed over with the receipt or the result) or
of a counter's, as an HTML page sized for A5 or 80 mm receipt printers (@page CSS), as a PNG (Pillow, a font with
Vietnamese glyphs) or as the bare QR code in SVG.

A slip shows the commune, the dossier code, the procedure's name, a short instruction and the QR code; never the
applicant's phone number or name.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from markupsafe import Markup
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.orm import Session

from procedures_kb.catalogue import Catalogue

from ..domain.dates import format_date
from ..services import dossiers as dossier_service
from ..settings import Settings
from ..templating import templates
from ..views.qr import qr_png, qr_svg
from . import form, wording
from . import service as rating_service

Size = Literal["a5", "80mm"]
SIZES: tuple[Size, ...] = ("a5", "80mm")
TITLE = "PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG"
DESK = "Bộ phận Tiếp nhận và Trả kết quả"

# Debian fonts-noto-core, else fonts-dejavu-core: both have every Vietnamese glyph.
FONT_CANDIDATES = {
    "regular": (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    "bold": (
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
}


@dataclass(frozen=True)
class PngLayout:
    """Pixel geometry of a PNG slip: the printer's resolution and the printable width."""

    dpi: int
    width: int
    margin: int
    min_height: int
    qr_share: float  # the QR code's width as a share of the printable width
    body_pt: float


PNG_LAYOUTS: dict[Size, PngLayout] = {
    # A5 (148 × 210 mm) at 150 dpi.
    "a5": PngLayout(dpi=150, width=874, margin=70, min_height=1240, qr_share=0.62, body_pt=12),
    # 80 mm thermal receipt paper: 72 mm printable at 203 dpi = 576 dots.
    "80mm": PngLayout(dpi=203, width=576, margin=16, min_height=0, qr_share=0.8, body_pt=9.5),
}


@dataclass(frozen=True)
class Slip:
    commune_name: str
    url: str
    instruction: str
    dossier_code: str | None = None
    procedure_name: str | None = None
    counter_label: str | None = None
    valid_until: date | None = None

    @property
    def file_stem(self) -> str:
        name = self.dossier_code or self.counter_label or "phieu"
        return "danh-gia-" + re.sub(r"[^A-Za-z0-9.-]+", "-", name).strip("-")


class UnknownCounter(ValueError):
    pass


def dossier_slip(
    session: Session, code: str, *, settings: Settings, secret: bytes, catalogue: Catalogue, today: date
) -> Slip:
    """The slip of a dossier; kiosk_api.services.dossiers.DossierNotFound for an unknown code."""
    dossier = dossier_service.get_by_code(session, code)
    token = rating_service.token_for(secret, dossier.id, today=today, valid_days=settings.rating_token_days)
    procedure = catalogue.get(dossier.procedure_code)
    return Slip(
        commune_name=settings.commune_name,
        url=rating_service.rating_url(settings.resolved_public_base_url, token),
        instruction=wording.SLIP_INSTRUCTION_DOSSIER,
        dossier_code=dossier.code,
        procedure_name=procedure.name if procedure else None,
        valid_until=rating_service.token_expiry(today, settings.rating_token_days),
    )


def counter_slip(counter_id: str, *, settings: Settings) -> Slip:
    """The slip stuck on a counter (anonymous ratings of that desk); UnknownCounter for a malformed id."""
    if not form.valid_counter_id(counter_id):
        raise UnknownCounter(counter_id)
    return Slip(
        commune_name=settings.commune_name,
        url=rating_service.counter_url(settings.resolved_public_base_url, counter_id),
        instruction=wording.SLIP_INSTRUCTION_COUNTER,
        counter_label=wording.counter_label(counter_id),
    )


# ---- HTML -----------------------------------------------------------------------------------------------------


def _inline_svg(data: str) -> Markup:
    svg = qr_svg(data)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # The QR code is the slip's only image: name it for screen readers.
    svg = svg.replace("<svg ", '<svg role="img" aria-label="Mã QR đánh giá" ', 1)
    return Markup(svg)  # made by the qrcode library from our own URL, never from user input


def slip_html(slip: Slip, size: Size) -> str:
    """A standalone printable page (no external resources) for A5 paper or an 80 mm receipt printer."""
    return templates.env.get_template("slips/slip.html").render(
        slip=slip,
        size=size,
        title=TITLE,
        desk=DESK,
        qr=_inline_svg(slip.url),
        valid_until=format_date(slip.valid_until) if slip.valid_until else None,
    )


def slip_svg(slip: Slip) -> str:
    """The bare QR code of the slip's address, to place in another document (the receipt template …)."""
    return qr_svg(slip.url)


# ---- PNG ------------------------------------------------------------------------------------------------------


@cache
def font_path(weight: str) -> str:
    for candidate in FONT_CANDIDATES[weight]:
        if Path(candidate).exists():
            return candidate
    raise RuntimeError("no font with Vietnamese glyphs: install Debian's fonts-noto-core or fonts-dejavu-core")


@cache
def _font(weight: str, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(weight), pixels)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to `width` pixels; a word longer than a line (the URL) is cut by characters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:
            if font.getlength(line + ch) > width and line:
                lines.append(line)
                line = ""
            line += ch
    if line:
        lines.append(line)
    return lines


def slip_png(slip: Slip, size: Size) -> bytes:
    """A black-on-white PNG of the slip at the printer's resolution (DPI written in the file)."""
    layout = PNG_LAYOUTS[size]
    inner = layout.width - 2 * layout.margin

    def px(points: float) -> int:
        return round(points * layout.dpi / 72)

    body, small = _font("regular", px(layout.body_pt)), _font("regular", px(layout.body_pt * 0.8))
    bold, big = _font("bold", px(layout.body_pt)), _font("bold", px(layout.body_pt * 1.25))
    blocks: list[tuple[str, ImageFont.FreeTypeFont, str]] = []  # (text, font, "center" | "left")

    def add(text: str | None, font: ImageFont.FreeTypeFont, align: str = "center") -> None:
        if text:
            blocks.append((text, font, align))

    add(slip.commune_name.upper(), bold)
    add(DESK, body)
    add(TITLE, big)
    if slip.dossier_code:
        add(f"Mã hồ sơ: {slip.dossier_code}", bold)
    add(slip.procedure_name, body)
    add(slip.counter_label, big)

    qr_image = _qr_image(slip.url, round(inner * layout.qr_share))
    after: list[tuple[str, ImageFont.FreeTypeFont, str]] = [(slip.instruction, body, "center")]
    if slip.valid_until:
        after.append((f"Mã có giá trị đến hết ngày {format_date(slip.valid_until)}.", body, "center"))
    after.append((slip.url, small, "center"))

    gap = px(layout.body_pt * 0.5)

    def measure(items):
        laid = []
        for text, font, align in items:
            line_height = round(font.size * 1.35)
            laid.append((_wrap(text, font, inner), font, align, line_height))
        return laid, sum(len(lines) * h + gap for lines, _, _, h in laid)

    top, top_height = measure(blocks)
    bottom, bottom_height = measure(after)
    height = layout.margin * 2 + top_height + gap + qr_image.height + gap + bottom_height
    height = max(height, layout.min_height)
    image = Image.new("L", (layout.width, height), 255)
    draw = ImageDraw.Draw(image)
    y = layout.margin

    def draw_blocks(laid, y: int) -> int:
        for lines, font, align, line_height in laid:
            for line in lines:
                x = layout.margin if align == "left" else (layout.width - font.getlength(line)) / 2
                draw.text((x, y), line, font=font, fill=0)
                y += line_height
            y += gap
        return y

    y = draw_blocks(top, y) + gap
    image.paste(qr_image, ((layout.width - qr_image.width) // 2, y))
    y += qr_image.height + gap
    draw_blocks(bottom, y)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(layout.dpi, layout.dpi), optimize=True)
    return buffer.getvalue()


def _qr_image(data: str, target: int) -> Image.Image:
    """The QR code scaled by a whole number of pixels per module to at most `target` pixels (crisp edges)."""
    modules = Image.open(io.BytesIO(qr_png(data, box_size=1, border=4))).width
    box = max(2, target // modules)
    return Image.open(io.BytesIO(qr_png(data, box_size=box, border=4))).convert("L")
