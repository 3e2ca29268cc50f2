"""Server-side SVG charts: valid XML, accessible title/desc, values and labels in Vietnamese format, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kiosk_api.views.charts import Series, bar_chart, format_number, line_chart, nice_max, table_rows, ticks

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["Tháng 10", "Tháng 11", "Tháng 12"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def tooltips(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}title")]


def test_format_number_uses_the_decimal_comma():
    assert format_number(17.1) == "17,1"
    assert format_number(75.8) == "75,8"
    assert format_number(17.0) == "17"
    assert format_number(1234) == "1.234"
    assert format_number(0.25, 2) == "0,25"


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (0.4, 1), (3, 5), (17.1, 20), (18, 20), (75.8, 100), (227, 250)]
)
def test_nice_max(value, expected):
    assert nice_max(value) == expected


def test_ticks():
    assert ticks(20) == [0, 5, 10, 15, 20]


def test_bar_chart_is_accessible_valid_svg_with_values_and_labels():
    svg = bar_chart(
        "ballots",
        MONTHS,
        [Series("Phiếu đánh giá", [80, 95, 52]), Series("Rất hài lòng (%)", [75.8, 80.0, None])],
        title="Phiếu đánh giá theo tháng",
        desc="Số phiếu và tỷ lệ rất hài lòng trong quý IV/2026.",
        y_label="Số phiếu",
    )
    root = parse(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "Phiếu đánh giá theo tháng"
    assert desc is not None and "quý IV/2026" in (desc.text or "")
    assert root.get("aria-labelledby") == title.get("id") == "ballots-title"
    assert root.get("aria-describedby") == desc.get("id") == "ballots-desc"
    shown = texts(root)
    for label in MONTHS + ["80", "95", "52", "75,8", "80", "Phiếu đánh giá", "Rất hài lòng (%)", "Số phiếu"]:
        assert label in shown, label
    assert "0" in shown and "100" in shown  # y axis from 0 to the round maximum
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 5  # the missing value draws no bar
    assert "Rất hài lòng (%) — Tháng 10: 75,8" in tooltips(root)
    heights = {r.find(f"{SVG}title").text: float(r.get("height")) for r in bars}
    assert heights["Phiếu đánh giá — Tháng 11: 95"] > heights["Phiếu đánh giá — Tháng 10: 80"] > 0
    assert "." not in "".join(t for t in shown if t[:1].isdigit() and "," in t)


def test_line_chart_breaks_at_missing_values_and_labels_points():
    svg = line_chart(
        "satisfaction",
        ["T6", "T7", "T8", "T9", "T10", "T11"],
        [
            Series("Hài lòng trở lên", [97.5, None, 96.1, 98.0, 99.2, 95.0]),
            Series("Không hài lòng", [1, 0, 0.5, 0, 0, 2]),
        ],
        title="Mức độ hài lòng",
        desc="Tỷ lệ phần trăm theo tháng.",
        y_max=100,
        suffix=" %",
    )
    root = parse(svg)
    lines = list(root.iter(f"{SVG}polyline"))
    # First series: one point, gap, four points → one line (a single point draws no line); second: one line.
    assert len(lines) == 2
    shown = texts(root)
    assert "97,5 %" in shown and "99,2 %" in shown and "0,5 %" in shown and "100 %" in shown
    assert "Hài lòng trở lên — T7: —" not in tooltips(root)
    assert "Không hài lòng — T7: 0 %" in tooltips(root)


def test_text_is_escaped():
    nasty = '<script>alert("x")</script> & "quý"'
    svg = bar_chart("x<y", [nasty], [Series(nasty, [1])], title=nasty, desc=nasty)
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == nasty
    assert root.get("id") == "x<y"
    assert nasty in tooltips(root)


def test_long_labels_are_shortened_with_the_full_text_as_tooltip():
    label = "Chứng thực bản sao từ bản chính giấy tờ, văn bản"
    svg = bar_chart("f", [label] * 8, [Series("Điểm", [1.5] * 8)], title="t", desc="d", width=640)
    root = parse(svg)
    assert any(t.endswith("…") for t in texts(root))
    assert label in tooltips(root)


def test_values_beyond_the_axis_are_clipped_not_drawn_outside():
    svg = bar_chart("c", ["A"], [Series("S", [150])], title="t", desc="d", y_max=100)
    bar = next(r for r in parse(svg).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None)
    assert float(bar.get("y")) >= 16 - 0.01  # the plot's top


def test_bad_input():
    with pytest.raises(ValueError):
        bar_chart("c", ["A", "B"], [Series("S", [1])], title="t", desc="d")
    with pytest.raises(ValueError):
        line_chart("c", ["A"], [], title="t", desc="d")


def test_table_rows():
    rows = table_rows(MONTHS, [Series("Phiếu", [80, 95, 52]), Series("Tỷ lệ", [75.8, None, 100])], suffix="")
    assert rows == [["Tháng 10", "80", "75,8"], ["Tháng 11", "95", "—"], ["Tháng 12", "52", "100"]]


def test_series_colour_overrides_the_palette():
    svg = bar_chart(
        "c", ["A"], [Series("Đúng hạn", [3]), Series("Trễ hạn", [1], colour="#a4262c")], title="t", desc="d"
    )
    fills = [r.get("fill") for r in parse(svg).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert fills == ["#0063a6", "#a4262c"]
    line = line_chart("l", ["A", "B"], [Series("S", [1, 2], colour='"><x')], title="t", desc="d")
    assert parse(line).find(f"{SVG}polyline").get("stroke") == '"><x'
