"""The API's docs page works from the site alone: no script or stylesheet from a CDN."""

from __future__ import annotations

import re


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"#]+)"', response.content.decode())
    scripts = [url for url in assets if url.endswith(".js")]
    assert any("swagger-ui-bundle" in url for url in scripts), assets
    for url in assets:
        assert url.startswith("/"), f"{url} is not served by the site"
        assert b"".join(client.get(url).streaming_content), f"{url} is empty"
