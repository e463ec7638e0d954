"""The API's docs page works from the site alone: no script or stylesheet from a CDN."""

from __future__ import annotations

import re


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    # What the page loads (scripts, stylesheets, icons); its links to the site are not.
    assets = re.findall(r'<(?:script|link)[^>]* (?:src|href)="([^"#]+)"', response.content.decode())
    scripts = [url for url in assets if url.endswith(".js")]
    assert any("swagger-ui-bundle" in url for url in scripts), assets
    for url in assets:
        assert url.startswith("/"), f"{url} is not served by the site"
        assert b"".join(client.get(url).streaming_content), f"{url} is empty"


def test_the_docs_page_links_back_to_the_site_and_follows_a_dark_system_theme(client):
    page = client.get("/api/v1/docs").content.decode()

    assert 'href="/en/"' in page  # the way back, in the site's header
    stylesheet = re.search(r'href="(/static/css/api-docs[^"]*\.css)"', page)
    assert stylesheet, "the docs' own stylesheet is missing"
    css = b"".join(client.get(stylesheet.group(1)).streaming_content).decode()
    dark = css[css.index("@media (prefers-color-scheme: dark)") :]
    assert ".swagger-ui" in dark and "background" in dark
    assert '<meta name="color-scheme" content="light dark">' in page
