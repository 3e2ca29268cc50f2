"""Ranking communes on a figure (domain.scoring.ranks) and naming their worksheets."""

from kiosk_api.domain.scoring import ranks
from kiosk_api.services.report_export import sheet_title


def test_the_highest_ranks_first_and_ties_share_a_rank():
    assert ranks([17.5, 19.0, 17.5, 12.0]) == [2, 1, 2, 4]


def test_a_missing_value_has_no_rank():
    assert ranks([None, 1.0, 0.0]) == [None, 1, 2]
    assert ranks([]) == []


def test_a_sheet_title_fits_excel():
    title = sheet_title("26734", "Xã Tân Phú Đông Bắc: thôn [1]/2 rất dài tên")
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
    assert title.startswith("26734 Xã Tân Phú")
