"""The API's schema changes only on purpose: it is compared with a committed snapshot.

After an intended change, regenerate the snapshot and review its diff:

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/api/test_openapi_snapshot.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


def test_the_openapi_schema_matches_the_committed_snapshot(client):
    schema = client.get("/api/v1/openapi.json").json()
    text = json.dumps(schema, indent=2, sort_keys=True) + "\n"

    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text)
    assert SNAPSHOT.exists(), f"No snapshot yet: run with UPDATE_SNAPSHOTS=1 to write {SNAPSHOT}"
    assert json.loads(SNAPSHOT.read_text()) == schema, (
        "The API schema changed. If that was intended, regenerate the snapshot with "
        "UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/api/test_openapi_snapshot.py "
        "and commit tests/api/openapi.snapshot.json with the change."
    )
