"""Debian's chromium driven by Playwright, against a live server that is the site's own WSGI
application: the fixtures every browser test uses (registered in tests/site/conftest.py).

Never `playwright install`: the tests use /usr/bin/chromium (apt-get install -y chromium).
Django's ORM refuses to run inside Playwright's event loop, so a test reads or writes the
database in fixtures set up before `browser`, not in its body.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.conftest import skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_present() -> None:
    """Browser test modules use it first (pytestmark), so a missing chromium skips them
    before any set-up, saying why (and fails them in CI)."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install -y chromium)")


@pytest.fixture
def site_server(transactional_db: None) -> Iterator[str]:
    """A live server that is the site's own WSGI application, as in production: static files
    through its WhiteNoise middleware, from the collected manifest (pytest-django's
    `live_server` would serve them from the source folders, where hashed names do not
    exist), and user media through the site's media view, with its headers (Django's test
    server would serve MEDIA_ROOT itself)."""
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread = LiveServerThread(
        "localhost",
        static_handler=lambda media_files: media_files.application,  # type: ignore[arg-type]
        connections_override=server.thread.connections_override,
    )
    server.thread.daemon = True
    server._live_server_modified_settings.enable()
    server.start()
    try:
        yield str(server.url)
    finally:
        server.stop()
        server._live_server_modified_settings.disable()


@pytest.fixture
def demo_site(site_server: str, settings: Any) -> str:
    """The demo catalogue, profile and use case, loaded the way `make run` loads them."""
    settings.DEBUG = True  # load_demo publishes the demo profile and use case only in DEBUG
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)
    settings.DEBUG = False
    return site_server


class Browser:
    """A chromium page that records console errors, page errors and failed requests."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on(
            "console",
            lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        page.on(
            "response",
            lambda r: self.problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None,
        )


@pytest.fixture
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        yield Browser(context.new_page())
        context.close()
        chromium.close()
