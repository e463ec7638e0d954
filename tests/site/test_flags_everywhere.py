"""One definition of each flag, shown alike on the profile, the leaderboard, compare, the
speed board, the CSV and JSON downloads and the API (tokonomix.core.flags)."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from benchmarks.models import SpeedSummary
from models_catalog.models import Model

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", "--no-live-test", verbosity=0)


def page(client, name, **kwargs):
    query = kwargs.pop("query", "")
    response = client.get(reverse(name, kwargs=kwargs) + query)
    assert response.status_code == 200
    return response.content.decode()


def section(html, marker, length=2500):
    start = html.index(marker)
    return html[start : start + length]


def leaderboard_row(html, name):
    start = html.rindex("<tr", 0, html.index(f">{name}</a>"))
    return html[start : html.index("</tr>", start)]


def test_mistral_small_is_preliminary_and_simulated_on_every_page(client, demo):
    summary = SpeedSummary.objects.get(model__slug="mistral-small")
    assert summary.ok_30d < 20 and summary.is_simulated
    name = Model.objects.get(slug="mistral-small").name

    profile = page(client, "site:model_profile", slug="mistral-small")
    home = leaderboard_row(page(client, "site:home"), name)
    board = leaderboard_row(page(client, "site:speed_board"), name)
    compare = page(client, "site:compare", query="?models=mistral-small,gpt-4.1-mini")

    for html in (profile, home, board, compare):
        assert "flag-preliminary" in html
        assert "flag-simulated" in html
    rows = list(csv.DictReader(io.StringIO(page(client, "site:leaderboard_csv"))))
    in_csv = next(r for r in rows if r["slug"] == "mistral-small")["flags"].split()
    listing = client.get(reverse("site:leaderboard_json")).json()["models"]
    in_json = next(m for m in listing if m["slug"] == "mistral-small")["flags"]
    speed = client.get(reverse("api:model_speed", kwargs={"slug": "mistral-small"})).json()
    model = client.get(reverse("api:get_model", kwargs={"slug": "mistral-small"})).json()
    assert in_csv == in_json == model["flags"] + speed["flags"]
    assert speed["flags"] == ["simulated", "preliminary"]


def test_a_well_measured_model_carries_no_preliminary_flag_anywhere(client, demo):
    name = Model.objects.get(slug="gpt-4.1-mini").name

    home = leaderboard_row(page(client, "site:home"), name)
    board = leaderboard_row(page(client, "site:speed_board"), name)

    assert "flag-preliminary" not in home + board
    assert "flag-simulated" in home and "flag-simulated" in board


def test_o4_mini_is_deprecated_on_every_page_that_shows_it(client, demo):
    profile = page(client, "site:model_profile", slug="o4-mini")
    compare = page(client, "site:compare", query="?models=o4-mini,gpt-4.1-mini")
    home = page(client, "site:home", query="?deprecated=on&tier=B")
    listing = client.get(reverse("site:leaderboard_json") + "?deprecated=on").json()["models"]
    api = client.get(reverse("api:get_model", kwargs={"slug": "o4-mini"})).json()

    assert "flag-deprecated" in section(profile, "<h1")
    assert "flag-deprecated" in section(compare, ">o4-mini</a>", 400)
    assert "flag-deprecated" in leaderboard_row(home, "o4-mini")
    assert "deprecated" in next(m for m in listing if m["slug"] == "o4-mini")["flags"]
    assert "deprecated" in api["flags"]
    assert api["successor"] == {"slug": "gpt-5.6-terra", "name": "GPT-5.6 Terra"}


def test_the_speed_window_names_the_last_test_day(client, demo):
    today = timezone.localdate()
    SpeedSummary.objects.filter(model__slug="mistral-small").update(
        window_end=today, last_sample_at=timezone.now() - dt.timedelta(days=1)
    )
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    name = Model.objects.get(slug="mistral-small").name

    board = leaderboard_row(page(client, "site:speed_board"), name)
    home = leaderboard_row(page(client, "site:home"), name)
    profile = page(client, "site:model_profile", slug="mistral-small")

    for html in (board, home, profile):
        assert f'last test <time datetime="{yesterday}">{yesterday}</time>' in html
        assert f'30 days to <time datetime="{today}">{today}</time>' in html
