"""The rating page in a real headless browser on a phone-sized screen: the QR code printed on a slip is decoded,
its address opened, every question answered by tapping, the ballot sent; then the "already rated" page.
Screenshots: test-artifacts/screenshots/rating-*.png."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk_api.models import Rating
from kiosk_api.ratings import form
from kiosk_api.services.dossier_import import import_csv
from tests.support.browser import chromium, live_server, page, screenshot  # noqa: F401  (pytest fixtures)
from tests.support.qr_decode import decode_png

pytestmark = pytest.mark.db

CODE = "000.00.06.H56-261102-0001"
PHONE = {"width": 360, "height": 740}
ANSWERS = {
    "i3": "Không phải đi lại lần nào",
    "i4": "1 cơ quan, đơn vị",
    "i6": "Có, cả tại Bộ phận Một cửa và trên mạng",
    "i7": "Nhiệt tình, chu đáo, hồ sơ được giải quyết sớm",
    "satisfaction": "Rất hài lòng",
}


@pytest.fixture
def rating_url(app, live_server, client, auth_headers, session, good_csv, secret, catalogue):  # noqa: F811
    """The address printed on the dossier's slip, read back from the slip's QR code."""
    import_csv(session, good_csv, secret=secret, catalogue=catalogue)
    app.state.settings.public_base_url = live_server  # as KIOSK_PUBLIC_BASE_URL on the commune's Wi-Fi
    slip = client.get(f"/api/staff/dossiers/{CODE}/rating-slip", params={"format": "png"}, headers=auth_headers)
    [url] = decode_png(slip.content)
    assert url.startswith(live_server + "/r/")
    return url


def tap(page, field: str, label: str) -> None:  # noqa: F811
    page.locator("fieldset", has=page.locator(f'input[name="{field}"]')).get_by_text(label, exact=True).tap()


def test_rate_a_dossier_on_a_phone(chromium, rating_url, screenshot, session):  # noqa: F811
    context = chromium.new_context(viewport=PHONE, locale="vi-VN", has_touch=True, is_mobile=True)
    phone = context.new_page()
    responses: list = []

    def record(response) -> None:
        responses.append(response)

    phone.on("response", record)
    try:
        response = phone.goto(rating_url)
        assert response is not None and response.status == 200
        phone.wait_for_load_state("load")
        phone.remove_listener("response", record)
        weight = sum(len(r.body()) for r in responses)
        print(f"\nrating page weight in the browser: {weight} bytes in {len(responses)} responses")
        assert weight < 30_000 and len(responses) == 2  # the page and its stylesheet, nothing else
        assert phone.locator("html").get_attribute("lang") == "vi"
        assert phone.get_by_role("heading", name="Đánh giá việc giải quyết hồ sơ").is_visible()

        # Large touch targets and a visible focus ring.
        for box in [phone.locator("label.opt").nth(i).bounding_box() for i in range(3)]:
            assert box is not None and box["height"] >= 48
        assert phone.get_by_role("button", name="Gửi đánh giá").bounding_box()["height"] >= 48
        phone.locator('input[name="i3"]').first.focus()
        phone.keyboard.press("ArrowDown")
        outline = phone.evaluate("() => getComputedStyle(document.activeElement.closest('label')).outlineStyle")
        assert outline == "solid"

        # Forget one question: the page says where, keeps the other answers.
        for field, label in ANSWERS.items():
            if field != "i6":
                tap(phone, field, label)
        phone.get_by_label("Nội dung ý kiến").fill("Cán bộ hướng dẫn rất tận tình <cảm ơn>")
        screenshot(phone, "rating-page")
        with phone.expect_navigation():
            phone.get_by_role("button", name="Gửi đánh giá").tap()
        assert phone.get_by_text(form.FORM_HAS_ERRORS).is_visible()
        i6 = phone.locator("fieldset", has=phone.locator('input[name="i6"]'))
        assert i6.get_by_text(form.MISSING_ANSWER).is_visible()
        assert phone.get_by_label(ANSWERS["satisfaction"], exact=True).is_checked()
        assert phone.get_by_label("Nội dung ý kiến").input_value() == "Cán bộ hướng dẫn rất tận tình <cảm ơn>"
        screenshot(phone, "rating-page-missing-answer")

        tap(phone, "i6", ANSWERS["i6"])
        phone.get_by_role("button", name="Gửi đánh giá").tap()
        phone.wait_for_url("**/r/cam-on/**")
        assert phone.get_by_role("heading", name="Cảm ơn ông/bà đã đánh giá").is_visible()
        assert phone.get_by_text("«Rất hài lòng»", exact=False).is_visible()
        screenshot(phone, "rating-thanks")

        # Scanning the slip again: the link now says the dossier was rated, with no form.
        phone.goto(rating_url)
        assert phone.get_by_text("Hồ sơ này đã được đánh giá rồi").is_visible()
        assert phone.locator("form").count() == 0
        screenshot(phone, "rating-already-rated")
    finally:
        context.close()
    session.expire_all()
    [row] = session.scalars(select(Rating)).all()
    assert (row.i3, row.i4, row.i6, row.i7, row.satisfaction, row.channel) == (2, 1, 2, 2, "rat_hai_long", "qr")
    assert row.comment == "Cán bộ hướng dẫn rất tận tình <cảm ơn>"


def test_rate_a_counter_on_a_phone(chromium, live_server, screenshot, session):  # noqa: F811
    context = chromium.new_context(viewport=PHONE, locale="vi-VN", has_touch=True, is_mobile=True)
    phone = context.new_page()
    try:
        assert phone.goto(live_server + "/r/quay/quay-2").status == 200
        assert phone.get_by_text("Quầy số 2").is_visible()
        tap(phone, "satisfaction", "Hài lòng")
        screenshot(phone, "rating-counter")
        phone.get_by_role("button", name="Gửi đánh giá").tap()
        phone.wait_for_url("**/r/cam-on/**")
        assert phone.get_by_text("«Hài lòng»", exact=False).is_visible()
    finally:
        context.close()
    session.expire_all()
    [row] = session.scalars(select(Rating)).all()
    assert (row.counter_id, row.dossier_id, row.satisfaction) == ("quay-2", None, "hai_long")
