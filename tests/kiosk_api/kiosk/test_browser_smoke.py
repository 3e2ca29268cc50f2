"""The browser-test plumbing itself: the live server answers and headless Chromium renders its pages."""

from __future__ import annotations

import pytest

from tests.support.browser import chromium, live_server, page, screenshot  # noqa: F401

pytestmark = pytest.mark.db


def test_chromium_renders_a_page_served_by_the_live_server(live_server, page, screenshot):  # noqa: F811
    response = page.goto(live_server + "/healthz")
    assert response is not None and response.status == 200
    assert '"status"' in page.content()
