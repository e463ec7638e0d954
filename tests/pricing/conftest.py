"""Fixtures for the pricing tests.

Run with: ``.venv/bin/python -m pytest -p no:django -p no:env -q tests/pricing/``
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pricing.local_server import LocalServer

# The real map lies in the shared data folder beside the checkout (test input only; the
# site never reads it).
REAL_MAP = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "litellm-model-prices-1.110.2.json"
)


def filler_entries(n: int = 60) -> dict[str, dict[str, Any]]:
    """``n`` valid, boring chat entries so a test feed passes the 50-entry floor."""
    return {
        f"filler/model-{i}": {
            "litellm_provider": "openai",
            "mode": "chat",
            "input_cost_per_token": 1e-06,
            "output_cost_per_token": 2e-06,
        }
        for i in range(n)
    }


def feed_bytes(entries: dict[str, Any], *, filler: int = 60) -> bytes:
    """A litellm-style feed: the given entries plus ``filler`` valid ones."""
    data: dict[str, Any] = filler_entries(filler)
    data.update(entries)
    return json.dumps(data).encode()


@pytest.fixture(scope="session")
def real_map_bytes() -> bytes:
    if not REAL_MAP.exists():
        pytest.skip(f"real litellm map not found at {REAL_MAP}; skipping real-data checks")
    return REAL_MAP.read_bytes()


@pytest.fixture(scope="session")
def real_feed(real_map_bytes: bytes):
    from pricing.sources.litellm import LiteLLMSource

    return LiteLLMSource().parse(real_map_bytes)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local HTTP server; tests add routes to it."""
    srv = LocalServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
