"""Finding L5: every page sends a Content Security Policy that runs only this server's scripts, refuses framing
and sniffing; the API docs load no script from a CDN."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.db


@pytest.mark.parametrize(
    "path", ["/kiosk", "/kiosk/thu-tuc/1.001193", "/kiosk/thu-tuc/1.001193?partial=1", "/p/1.001193"]
)
def test_citizen_pages_cannot_be_framed_and_run_only_our_scripts(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy or "default-src 'none'" in policy
    assert "unsafe-eval" not in policy and "http" not in policy
    script = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in script
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]


def test_slips_are_protected_too(client, auth_headers, good_csv):
    assert (
        client.post(
            "/api/staff/dossiers/import", files={"file": ("d.csv", good_csv, "text/csv")}, headers=auth_headers
        ).status_code
        == 200
    )
    slip = client.get("/api/staff/dossiers/000.00.06.H56-261105-0003/rating-slip?format=html", headers=auth_headers)
    assert slip.status_code == 200, slip.text
    assert "frame-ancestors 'none'" in slip.headers["content-security-policy"]
    assert slip.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_use_local_assets(client, path):
    page = client.get(path)
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text.split("<body")[0]
    for asset in re.findall(r'(?:src|href)="(/static-docs/[^"]+)"', page.text):
        assert client.get(asset).status_code == 200
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
