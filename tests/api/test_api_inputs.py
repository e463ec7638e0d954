"""Inputs Schemathesis found mishandled: refused with 422, never a 500 or a surprise."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/models/o4-mini/speed?days=99999999999",
        "/api/v1/models/o4-mini/speed.csv?days=0",
        "/api/v1/prices/changes?since=0",
        "/api/v1/prices/changes.csv?since=20260101",
        "/api/v1/models/o4-mini/prices?as_of=1",
        "/api/v1/verdicts?offset=99999999999999999999",
    ],
)
def test_an_out_of_range_or_non_iso_parameter_is_a_422(client, path):
    assert client.get(path).status_code == 422


def test_an_iso_date_is_still_accepted(client):
    assert client.get("/api/v1/prices/changes?since=2026-01-05").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/v1/models?q=a%00b", "/api/v1/offerings?host=%00", "/api/v1/models/o4%00mini/scores"],
)
def test_a_nul_character_is_a_422_not_a_database_error(client, path):
    assert client.get(path).status_code == 422
