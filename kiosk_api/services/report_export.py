"""Biểu 5a / Biểu 6a as files: XLSX laid out like the official forms (openpyxl) and flat CSV.

Numbers in the XLSX are stored as numbers (17.1, not the text "17,1") with the number format `0.0` (averages,
score, percentages) or `#,##0` (counts). Excel and LibreOffice draw the decimal and thousands marks of the
computer's regional setting, so on a Vietnamese Windows / LibreOffice (vi-VN) 17.1 shows as "17,1" and 1234 as
"1.234", while the value stays a real number that sums and charts. (A format code cannot force a decimal comma on
every locale: "," in a format code is the thousands separator, so "0,0" would show 17.)

The CSV is for machines and spreadsheets alike: UTF-8 with a byte-order mark (so Excel reads the Vietnamese
letters), comma-separated, one row per group with the total first, numbers with a decimal point.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..domain import bieu6a as b6
from ..domain.dates import format_date
from ..domain.scoring import Score, ranks
from .reports import Bieu5aReport, Bieu6aReport

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
DECIMAL_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
SOURCE_LABELS = {
    "ballots": "Bình quân phiếu đánh giá",
    "entered": "Cán bộ nhập",
    "computed": "Tính từ sổ theo dõi",
    "default": "Mặc định",
    "missing": "Chưa có số liệu",
}
BREAKDOWN_LABELS = {"field": "Lĩnh vực", "officer": "Cán bộ", "unit": "Đơn vị"}

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(name="Times New Roman", bold=True, size=12)
_NORMAL = Font(name="Times New Roman", size=12)
_ITALIC = Font(name="Times New Roman", italic=True, size=12)
_TITLE = Font(name="Times New Roman", bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="center", wrap_text=True)


def file_name(form: str, report: Bieu5aReport | Bieu6aReport, ext: str) -> str:
    """e.g. bieu-5a_2026-Q3.xlsx (ASCII only, safe in Content-Disposition)."""
    return f"bieu-{form}_{report.period.key}.{ext}"


def place_name(unit: str) -> str:
    """ "UBND xã Thử Nghiệm" → "Xã Thử Nghiệm" (the place line of the signature block)."""
    name = unit.strip()
    for prefix in ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "):
        if name.lower().startswith(prefix.lower()):
            name = name[len(prefix) :]
            break
    return name[:1].upper() + name[1:]


def _cell(ws: Worksheet, row: int, col: int, value, *, font=_NORMAL, fmt: str | None = None, align=None, border=True):
    c = ws.cell(row=row, column=col, value=value)
    c.font = font
    if fmt:
        c.number_format = fmt
    if align is not None:
        c.alignment = align
    if border:
        c.border = _BORDER
    return c


def _merged(ws: Worksheet, row: int, col1: int, col2: int, value, *, font=_NORMAL, align=_CENTER, border=False):
    if col2 > col1:
        ws.merge_cells(start_row=row, start_column=col1, end_row=row, end_column=col2)
    c = ws.cell(row=row, column=col1, value=value)
    c.font = font
    c.alignment = align
    if border:
        for col in range(col1, col2 + 1):
            ws.cell(row=row, column=col).border = _BORDER
    return c


def _heading(ws: Worksheet, unit: str, title: str, subtitle: str, period_text: str, width: int) -> int:
    """Unit name, form title, period; returns the next free row."""
    _merged(ws, 1, 1, max(2, width // 2), unit.upper(), font=_BOLD)
    _merged(ws, 2, 1, width, title, font=_TITLE)
    _merged(ws, 3, 1, width, subtitle, font=_BOLD)
    _merged(ws, 4, 1, width, period_text, font=_ITALIC)
    return 6


def _signature(ws: Worksheet, row: int, unit: str, today: date, width: int) -> int:
    left_end = max(1, width // 2)
    _merged(
        ws,
        row,
        left_end + 1,
        width,
        f"{place_name(unit)}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
        font=_ITALIC,
    )
    _merged(ws, row + 1, 1, left_end, "NGƯỜI LẬP BIỂU", font=_BOLD)
    _merged(ws, row + 1, left_end + 1, width, "THỦ TRƯỞNG ĐƠN VỊ", font=_BOLD)
    _merged(ws, row + 2, 1, left_end, "(Ký, ghi rõ họ tên)", font=_ITALIC)
    _merged(ws, row + 2, left_end + 1, width, "(Ký tên, đóng dấu)", font=_ITALIC)
    return row + 7


def _period_text(report: Bieu5aReport | Bieu6aReport) -> str:
    p = report.period
    span = f"từ ngày {format_date(p.start)} đến ngày {format_date(p.end)}"
    return f"Kỳ báo cáo: {p.label} ({span})" if not p.label.startswith("Từ ngày") else f"Kỳ báo cáo: {span}"


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _fit_width(ws: Worksheet, orientation: str) -> None:
    """Print on A4, as wide as the page and as many pages tall as needed."""
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5


def _to_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---- Biểu 5a --------------------------------------------------------------------------------------------------

BIEU_5A_TITLE = "BIỂU 5a: TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ VIỆC GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
BIEU_5A_SUBTITLE = "(Mức độ hài lòng của tổ chức, cá nhân — theo Thông tư số 01/2018/TT-VPCP)"


def bieu_5a_xlsx(report: Bieu5aReport, *, unit: str, today: date) -> bytes:
    """The form: heading, the nine indicators (name, maximum, average, source, ballots), score and classification,
    satisfaction levels (ballots, percent), signature block; a second sheet per field / officer / unit when broken
    down. Broken down by unit (a province), also a sheet ranking the communes on each indicator and each commune's
    own form on a sheet of its own."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 5a"
    _bieu_5a_sheet(ws, report, report.total, unit, today)
    if report.breakdown and report.groups:
        _bieu_5a_groups(wb, report)
    if report.breakdown == "unit":
        _bieu_5a_ranking(wb, report)
        for g in report.groups:
            _bieu_5a_sheet(wb.create_sheet(sheet_title(g.key, g.label)), report, g.score, g.label, today)
    return _to_bytes(wb)


def sheet_title(key: str | None, label: str) -> str:
    """A worksheet's name for one commune: its code and name, within Excel's 31 characters and allowed letters."""
    text = f"{key} {label}" if key else label
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31].strip()


def _bieu_5a_sheet(ws: Worksheet, report: Bieu5aReport, total: Score, unit: str, today: date) -> None:
    width = 6
    row = _heading(ws, unit, BIEU_5A_TITLE, BIEU_5A_SUBTITLE, _period_text(report), width)
    _merged(
        ws,
        row,
        1,
        width,
        f"Tổng số phiếu đánh giá: {total.total_ballots:,}".replace(",", "."),
        font=_BOLD,
        align=Alignment(horizontal="left"),
    )
    row += 2
    headers = ["STT", "Chỉ số đánh giá", "Điểm tối đa", "Điểm bình quân", "Nguồn số liệu", "Số phiếu có đánh giá"]
    for col, text in enumerate(headers, start=1):
        _cell(ws, row, col, text, font=_BOLD, align=_CENTER).fill = _HEADER_FILL
    ws.row_dimensions[row].height = 34
    row += 1
    for n, ind in enumerate(total.indicators, start=1):
        _cell(ws, row, 1, n, align=_CENTER)
        _cell(ws, row, 2, f"Chỉ số {ind.id}: {ind.name}", align=_WRAP)
        _cell(ws, row, 3, ind.max_points, fmt=COUNT_FORMAT, align=_CENTER)
        _cell(ws, row, 4, float(ind.average) if ind.average is not None else None, fmt=DECIMAL_FORMAT, align=_CENTER)
        source = SOURCE_LABELS[ind.source] + (f" ({ind.note})" if ind.note and ind.source != "ballots" else "")
        _cell(ws, row, 5, source, align=_WRAP)
        _cell(ws, row, 6, ind.ballots, fmt=COUNT_FORMAT, align=_CENTER)
        lines = max(len(f"Chỉ số {ind.id}: {ind.name}") // 48 + 1, len(source) // 32 + 1)
        ws.row_dimensions[row].height = 16 * lines
        row += 1
    _merged(ws, row, 1, 2, "TỔNG ĐIỂM", font=_BOLD, border=True)
    _cell(ws, row, 3, total.max_score, font=_BOLD, fmt=COUNT_FORMAT, align=_CENTER)
    _cell(ws, row, 4, float(total.score), font=_BOLD, fmt=DECIMAL_FORMAT, align=_CENTER)
    _merged(ws, row, 5, 6, None, border=True)
    row += 1
    _merged(ws, row, 1, 2, "XẾP LOẠI", font=_BOLD, border=True)
    _merged(ws, row, 3, 6, total.classification, font=_BOLD, border=True)
    row += 2
    _merged(ws, row, 1, width, "MỨC ĐỘ HÀI LÒNG", font=_BOLD, align=Alignment(horizontal="left"))
    row += 1
    for col, text in ((1, "STT"), (2, "Mức độ hài lòng"), (3, "Số phiếu"), (4, "Tỷ lệ (%)")):
        _cell(ws, row, col, text, font=_BOLD, align=_CENTER).fill = _HEADER_FILL
    row += 1
    for n, level in enumerate(total.levels, start=1):
        _cell(ws, row, 1, n, align=_CENTER)
        _cell(ws, row, 2, level.label)
        _cell(ws, row, 3, level.count, fmt=COUNT_FORMAT, align=_CENTER)
        _cell(
            ws, row, 4, float(level.percent) if level.percent is not None else None, fmt=DECIMAL_FORMAT, align=_CENTER
        )
        row += 1
    _merged(ws, row, 1, 2, "Tổng cộng", font=_BOLD, border=True)
    _cell(ws, row, 3, total.total_ballots, font=_BOLD, fmt=COUNT_FORMAT, align=_CENTER)
    _cell(ws, row, 4, 100.0 if total.total_ballots else None, font=_BOLD, fmt=DECIMAL_FORMAT, align=_CENTER)
    row += 2
    note = (
        "Ghi chú: điểm bình quân của mỗi chỉ số làm tròn đến một chữ số thập phân; tổng điểm là tổng các điểm "
        f"bình quân (tối đa {total.max_score}). Bộ tiêu chí: {report.rules.name}."
    )
    _merged(ws, row, 1, width, note, font=_ITALIC, align=_WRAP)
    ws.row_dimensions[row].height = 32
    row += 2
    _signature(ws, row, unit, today, width)
    _widths(ws, [5, 50, 9, 10, 34, 10])
    _fit_width(ws, "portrait")


def _bieu_5a_ranking(wb: Workbook, report: Bieu5aReport) -> None:
    """Communes (rows, best total first) against each indicator: its average and the commune's rank on it."""
    ws = wb.create_sheet("Xếp hạng theo chỉ số")
    indicators = report.total.indicators
    headers = ["Đơn vị", "Tổng điểm", "Hạng"]
    for ind in indicators:
        headers += [f"Chỉ số {ind.id}", f"Hạng CS {ind.id}"]
    for col, text in enumerate(headers, start=1):
        _cell(ws, 1, col, text, font=_BOLD, align=_CENTER).fill = _HEADER_FILL
    scores = [g.score for g in report.groups]
    columns = [ranks([float(s.score) for s in scores])]
    for n in range(len(indicators)):
        column = [s.indicators[n].average for s in scores]
        columns.append(ranks([float(v) if v is not None else None for v in column]))
    for r, group in enumerate(report.groups, start=2):
        values: list = [group.label, float(group.score.score), columns[0][r - 2]]
        for n, ind in enumerate(group.score.indicators):
            values += [float(ind.average) if ind.average is not None else None, columns[n + 1][r - 2]]
        for col, value in enumerate(values, start=1):
            fmt = COUNT_FORMAT if isinstance(value, int) else DECIMAL_FORMAT if isinstance(value, float) else None
            _cell(ws, r, col, value, fmt=fmt, align=_CENTER if col > 1 else None)
    _widths(ws, [34, 10, 7] + [9, 8] * len(indicators))
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 34
    _fit_width(ws, "landscape")


def _bieu_5a_groups(wb: Workbook, report: Bieu5aReport) -> None:
    ws = wb.create_sheet(f"Theo {BREAKDOWN_LABELS[report.breakdown or 'field'].lower()}")
    ids = [i.id for i in report.total.indicators]
    headers = [BREAKDOWN_LABELS[report.breakdown or "field"], "Số phiếu"]
    headers += [f"Chỉ số {i}" for i in ids] + ["Tổng điểm", "Xếp loại"]
    for level in report.total.levels:
        headers += [f"{level.label} (phiếu)", f"{level.label} (%)"]
    for col, text in enumerate(headers, start=1):
        _cell(ws, 1, col, text, font=_BOLD, align=_CENTER).fill = _HEADER_FILL
    rows = [(g.label, g.score) for g in report.groups] + [("Tổng cộng", report.total)]
    for r, (label, score) in enumerate(rows, start=2):
        font = _BOLD if r == len(rows) + 1 else _NORMAL
        for col, value in enumerate(_score_values(label, score), start=1):
            fmt = COUNT_FORMAT if isinstance(value, int) else DECIMAL_FORMAT if isinstance(value, float) else None
            _cell(ws, r, col, value, font=font, fmt=fmt)
    _widths(ws, [34, 10] + [10] * len(ids) + [11, 12] + [14] * (2 * len(report.total.levels)))
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 48
    _fit_width(ws, "landscape")


def _score_values(label: str, score: Score) -> list:
    values: list = [label, score.total_ballots]
    values += [float(i.average) if i.average is not None else None for i in score.indicators]
    values += [float(score.score), score.classification]
    for level in score.levels:
        values += [level.count, float(level.percent) if level.percent is not None else None]
    return values


def bieu_5a_csv(report: Bieu5aReport, *, unit: str) -> bytes:  # noqa: ARG001 (kept symmetrical with xlsx)
    ids = [i.id for i in report.total.indicators]
    header = ["nhom", "so_phieu"] + [f"chi_so_{i}" for i in ids] + ["tong_diem", "xep_loai"]
    for level in report.total.levels:
        header += [f"{level.label} (phiếu)", f"{level.label} (%)"]
    rows = [header, ["Tổng cộng", *_score_values("", report.total)[1:]]]
    rows += [[g.label, *_score_values("", g.score)[1:]] for g in report.groups]
    return _csv(rows, report)


def _csv(rows: Sequence[Sequence[object]], report: Bieu5aReport | Bieu6aReport) -> bytes:
    """Header first; every row gets the period's first and last day as two trailing columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    period = report.period
    header, *body = rows
    writer.writerow([*header, "tu_ngay", "den_ngay"])
    for row in body:
        writer.writerow(["" if v is None else v for v in row] + [period.start.isoformat(), period.end.isoformat()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# ---- Biểu 6a --------------------------------------------------------------------------------------------------

BIEU_6A_TITLE = "BIỂU 6a: TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
BIEU_6A_SUBTITLE = "(Tại Bộ phận Tiếp nhận và Trả kết quả)"
COLUMNS_6A = [
    ("received", "Tổng số"),
    ("online", "Trực tuyến"),
    ("offline", "Trực tiếp, dịch vụ bưu chính"),
    ("carried_over", "Từ kỳ trước"),
    ("resolved", "Tổng số"),
    ("resolved_early", "Trước hạn"),
    ("resolved_on_time", "Đúng hạn"),
    ("resolved_late", "Quá hạn"),
    ("in_progress", "Tổng số"),
    ("in_progress_within", "Trong hạn"),
    ("in_progress_overdue", "Quá hạn"),
    ("withdrawn", "Hồ sơ rút (không tính vào các cột trên)"),
]


def _values_6a(c: b6.Counts) -> list[int]:
    return [int(getattr(c, name)) for name, _ in COLUMNS_6A]


def bieu_6a_xlsx(report: Bieu6aReport, *, unit: str, today: date) -> bytes:
    """The form: heading, a two-level header (received / resolved / in progress), one row per field (or officer,
    unit, or the commune when not broken down) and the total row, column numbers (1)…(14), signature block.
    Broken down by unit (a province), also each commune's own form on a sheet of its own."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 6a"
    lines: list[tuple[str, b6.Counts]] = [(g.label, g.counts) for g in report.groups]
    _bieu_6a_sheet(ws, report, lines or [(place_name(unit), report.total)], report.total, unit, today)
    if report.breakdown == "unit":
        for g in report.groups:
            sheet = wb.create_sheet(sheet_title(g.key, g.label))
            _bieu_6a_sheet(sheet, report, [(place_name(g.label), g.counts)], g.counts, g.label, today)
    return _to_bytes(wb)


def _bieu_6a_sheet(
    ws: Worksheet, report: Bieu6aReport, groups: list[tuple[str, b6.Counts]], total: b6.Counts, unit: str, today: date
) -> None:
    width = 2 + len(COLUMNS_6A)
    row = _heading(ws, unit, BIEU_6A_TITLE, BIEU_6A_SUBTITLE, _period_text(report), width)
    first_label = BREAKDOWN_LABELS.get(report.breakdown or "field", "Lĩnh vực")
    top, sub, nums = row, row + 1, row + 2
    for col, text in ((1, "STT"), (2, first_label)):
        ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
        _cell(ws, top, col, text, font=_BOLD, align=_CENTER).fill = _HEADER_FILL
        _cell(ws, sub, col, None)
    for col1, col2, text in (
        (3, 6, "Số hồ sơ nhận giải quyết"),
        (7, 10, "Số hồ sơ đã giải quyết"),
        (11, 13, "Số hồ sơ đang giải quyết"),
    ):
        _merged(ws, top, col1, col2, text, font=_BOLD, border=True).fill = _HEADER_FILL
    ws.merge_cells(start_row=top, start_column=14, end_row=sub, end_column=14)
    _cell(ws, top, 14, COLUMNS_6A[-1][1], font=_BOLD, align=_CENTER).fill = _HEADER_FILL
    _cell(ws, sub, 14, None)
    for i, (_, text) in enumerate(COLUMNS_6A[:-1], start=3):
        _cell(ws, sub, i, text, font=_BOLD, align=_CENTER).fill = _HEADER_FILL
    for col in range(1, width + 1):
        _cell(ws, nums, col, f"({col})", font=_ITALIC, align=_CENTER)
    row = nums + 1
    lines = [(str(n), label, counts, False) for n, (label, counts) in enumerate(groups, start=1)]
    lines.append(("", "Tổng cộng", total, True))
    for stt, label, counts, bold in lines:
        font = _BOLD if bold else _NORMAL
        _cell(ws, row, 1, int(stt) if stt else None, font=font, align=_CENTER)
        _cell(ws, row, 2, label, font=font, align=_WRAP)
        for col, value in enumerate(_values_6a(counts), start=3):
            _cell(ws, row, col, value, font=font, fmt=COUNT_FORMAT, align=_CENTER)
        row += 1
    row += 1
    note = (
        "Ghi chú: hồ sơ từ chối giải quyết tính là đã giải quyết đúng hạn; hồ sơ chờ bổ sung giấy tờ tính là đang "
        "giải quyết trong hạn; hồ sơ quá hạn tính đến ngày cuối kỳ báo cáo; hồ sơ rút không tính vào số nhận giải "
        "quyết. (3) = (4) + (5) + (6) = (7) + (11); (7) = (8) + (9) + (10); (11) = (12) + (13)."
    )
    _merged(ws, row, 1, width, note, font=_ITALIC, align=_WRAP)
    ws.row_dimensions[row].height = 48
    row += 2
    _signature(ws, row, unit, today, width)
    _widths(ws, [6, 30] + [11] * (len(COLUMNS_6A) - 1) + [16])
    ws.row_dimensions[sub].height = 48
    _fit_width(ws, "landscape")


def bieu_6a_csv(report: Bieu6aReport, *, unit: str) -> bytes:  # noqa: ARG001
    header = ["nhom"] + [name for name, _ in COLUMNS_6A]
    rows: list[Sequence[str | int]] = [header, ["Tổng cộng", *_values_6a(report.total)]]
    rows += [[g.label, *_values_6a(g.counts)] for g in report.groups]
    return _csv(rows, report)
